/**
 * Pieces shared by the notifiers' settings schemas (notifiers/<kind>/<kind>-settings.ts): the
 * HTTP status policy of http-request.ts, request headers, and URL templates. Templates may hold
 * `${secret:NAME}` and `{{variable}}`; those are checked when the notifier is built in the dry
 * run (config-admin/config-dry-run.ts), because only then are the secrets known.
 */
const statusMatch = { anyOf: [{ type: 'integer', minimum: 100, maximum: 599 }, { enum: ['2xx', '3xx', '4xx', '5xx'] }] } as const;

export const statusPolicyProperties = {
  successStatus: { type: 'array', minItems: 1, maxItems: 20, items: statusMatch },
  recoverableStatus: { type: 'array', maxItems: 20, items: statusMatch },
} as const;

/** Header names as HTTP allows them (RFC 9110 token); values may be templates. */
export const headersSchema = {
  type: 'object',
  maxProperties: 30,
  propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$" },
  additionalProperties: { type: 'string', maxLength: 4000 },
} as const;

/** A URL or a URL template (`https://api.example/${secret:TOKEN}/send`); checked as a URL once rendered. */
export const urlTemplate = { type: 'string', minLength: 8, maxLength: 2000 } as const;

/** A schema without its `$id`, so it can be embedded in a larger one (and more than once). */
export function embedded<T extends object>(schema: T): Omit<T, '$id'> {
  const { $id: _id, ...rest } = schema as T & { $id?: string };
  return rest;
}
