/** `settings` of an SMS notifier with `provider: smpp` (smpp-notifier.ts SmppSettings). */
export const smppSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['provider', 'host', 'systemId', 'password', 'sender'],
  properties: {
    provider: { const: 'smpp' },
    host: { type: 'string', minLength: 1, maxLength: 253 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    /** SMPP 3.4: at most 15 characters. */
    systemId: { type: 'string', minLength: 1, maxLength: 15 },
    /** `${secret:NAME}` (TRYGG_SECRET_NAME), or the password itself (SMPP allows at most 8 characters, many SMSCs more). */
    password: { type: 'string', minLength: 1, maxLength: 200 },
    systemType: { type: 'string', maxLength: 12 },
    /** A number (E.164) or an alphanumeric sender of at most 11 characters. */
    sender: { anyOf: [{ type: 'string', pattern: '^\\+?[0-9]{3,15}$' }, { type: 'string', pattern: '^[A-Za-z0-9 ]{1,11}$' }] },
    enquireLinkMs: { type: 'integer', minimum: 1000, maximum: 600_000 },
    responseTimeoutMs: { type: 'integer', minimum: 500, maximum: 120_000 },
    window: { type: 'integer', minimum: 1, maximum: 100 },
    language: { enum: ['nb', 'en'] },
  },
} as const;
