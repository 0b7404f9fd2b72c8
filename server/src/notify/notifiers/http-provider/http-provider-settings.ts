import { headersSchema, statusPolicyProperties, urlTemplate } from '../../settings-schema-parts';
import { inboundSettingsSchema } from './inbound';

/** `settings` of an SMS/voice notifier with `provider: http` (http-provider.ts HttpProviderConfig). */
export const httpProviderSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['provider', 'url'],
  properties: {
    provider: { const: 'http' },
    url: urlTemplate,
    method: { enum: ['POST', 'PUT', 'GET'] },
    headers: headersSchema,
    bodyTemplate: { type: 'string', minLength: 1, maxLength: 8000 },
    bodyEncoding: { enum: ['json', 'form', 'text'] },
    providerRefPath: { type: 'string', pattern: '^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$', maxLength: 200 },
    idempotencyHeader: { anyOf: [{ const: false }, { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$" }] },
    language: { enum: ['nb', 'en'] },
    inbound: inboundSettingsSchema,
    ...statusPolicyProperties,
  },
} as const;
