import { headersSchema, statusPolicyProperties, urlTemplate } from '../../settings-schema-parts';

/**
 * `settings` of a `channel: webhook` notifier (webhook.ts WebhookConfig without `name`, which is
 * the notifier's id, and `channel`, which is the notifier's own field).
 */
export const webhookSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'signingKey'],
  properties: {
    url: urlTemplate,
    /** At least 16 characters once rendered (checked when built); usually `${secret:NAME}`. */
    signingKey: { type: 'string', minLength: 1, maxLength: 1000 },
    headers: headersSchema,
    ...statusPolicyProperties,
  },
} as const;
