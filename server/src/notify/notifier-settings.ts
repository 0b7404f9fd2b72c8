import { capSettingsSchema } from './notifiers/cap/cap-settings';
import { emailSettingsSchema } from './notifiers/email/email-settings';
import { arcTargetSchema } from './notifiers/sia-dc09/config';
import { webhookSettingsSchema } from './notifiers/webhook/webhook-settings';
import { phoneProviderSettings, phoneSettingsSchema, smsOnlyProviderSettings } from './phone-provider-settings';
import { embedded } from './settings-schema-parts';

/**
 * The JSON Schema of each notifier kind's `settings`, by `channel` (config `notifiers[]`). Each
 * notifier exports the schema of its own settings next to its code; the configuration schema
 * (config/config-schema.ts) composes them, discriminated by `channel`, so a typo or a missing
 * field is refused with `notifiers.<i>.settings.<field>: message` when the configuration is saved
 * or loaded — not cast at runtime. What a schema cannot see (secrets, templates, keys) is caught
 * by building the notifier once in a dry run (config-admin/config-dry-run.ts).
 *
 * A new kind adds its entry here and its builder to `factories` in notifier-factory.ts;
 * notifier-settings.test.ts fails while the two lists differ.
 */
export interface NotifierSettingsKind {
  schema: object;
  /** Whether a notifier of this kind needs `settings` at all (sms/voice without: the fake provider). */
  required: boolean;
}

export const notifierSettings: Record<string, NotifierSettingsKind> = {
  sms: { schema: phoneSettingsSchema({ ...phoneProviderSettings, ...smsOnlyProviderSettings }), required: false },
  voice: { schema: phoneSettingsSchema(), required: false },
  webhook: { schema: webhookSettingsSchema, required: true },
  email: { schema: emailSettingsSchema, required: true },
  cap: { schema: capSettingsSchema, required: true },
  // One ARC target per notifier; its schema lives with the DC-09 notifier.
  'sia-dc09': { schema: embedded(arcTargetSchema), required: true },
};

/** `if channel is X then settings must match X's schema`, for every kind. */
export function notifierSettingsRules(kinds: Record<string, NotifierSettingsKind> = notifierSettings): object[] {
  return Object.entries(kinds).map(([channel, kind]) => ({
    if: { type: 'object', properties: { channel: { const: channel } }, required: ['channel'] },
    then: { type: 'object', ...(kind.required ? { required: ['settings'] } : {}), properties: { settings: kind.schema } },
  }));
}
