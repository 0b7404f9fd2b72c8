/**
 * `settings` of an SMS/voice notifier with `provider: fake` (or no settings at all): the loopback
 * provider of tests and the demo, which records messages under the data directory and sends
 * nothing. It takes no other settings.
 */
export const fakeProviderSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { provider: { const: 'fake' } },
} as const;
