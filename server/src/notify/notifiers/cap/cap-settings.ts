import { headersSchema, statusPolicyProperties, urlTemplate } from '../../settings-schema-parts';

const capToken = { type: 'string', minLength: 1, maxLength: 300 } as const;

/**
 * `settings` of a `channel: cap` notifier (cap-notifier.ts CapNotifierConfig; `name` is the
 * notifier's id). What buildCapAlert would refuse at send time (scope Private without addresses,
 * a reference without a valid time) is refused here, when the configuration is saved.
 */
export const capSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: urlTemplate,
    headers: headersSchema,
    sender: capToken,
    scope: { enum: ['Restricted', 'Private'] },
    restriction: { type: 'string', minLength: 1, maxLength: 1000 },
    addresses: { type: 'array', maxItems: 100, items: capToken },
    references: {
      type: 'array', maxItems: 20,
      items: {
        type: 'object', additionalProperties: false, required: ['sender', 'identifier', 'sent'],
        properties: { sender: capToken, identifier: capToken, sent: { type: 'string', format: 'date-time' } },
      },
    },
    ...statusPolicyProperties,
  },
  if: { type: 'object', properties: { scope: { const: 'Private' } }, required: ['scope'] },
  then: { type: 'object', required: ['addresses'], properties: { addresses: { type: 'array', minItems: 1 } } },
} as const;
