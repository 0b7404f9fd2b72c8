/** `settings` of a `channel: email` notifier (email-notifier.ts EmailNotifierConfig; `name` is the notifier's id). */
export const emailSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'from'],
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 253 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    secure: { type: 'boolean' },
    requireTLS: { type: 'boolean' },
    /** Either may be `${secret:NAME}`. */
    auth: {
      type: 'object', additionalProperties: false, required: ['user', 'pass'],
      properties: { user: { type: 'string', minLength: 1, maxLength: 300 }, pass: { type: 'string', minLength: 1, maxLength: 1000 } },
    },
    /** An address, optionally with a display name: `"Trygg" <alarm@example.no>`. */
    from: { type: 'string', pattern: '@', minLength: 3, maxLength: 300 },
    replyTo: { type: 'string', pattern: '@', minLength: 3, maxLength: 300 },
    tls: {
      type: 'object', additionalProperties: false,
      properties: { rejectUnauthorized: { type: 'boolean' }, ca: { type: 'string', minLength: 1, maxLength: 20000 }, servername: { type: 'string', minLength: 1, maxLength: 253 } },
    },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 600_000 },
  },
} as const;
