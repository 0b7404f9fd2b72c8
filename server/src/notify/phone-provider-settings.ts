import { fakeProviderSettingsSchema } from './notifiers/fake-provider/fake-provider-settings';
import { httpProviderSettingsSchema } from './notifiers/http-provider/http-provider-settings';
import { smppSettingsSchema } from './notifiers/smpp/smpp-settings';

/**
 * The providers an `sms` or `voice` notifier can use, chosen by `settings.provider`, each with
 * the schema of its settings. No `provider` (or no settings) is the fake provider.
 *
 * A new provider adds its schema here (or to `smsOnlyProviderSettings`) and its builder to
 * `provider()` in notifier-factory.ts, and an example to notifier-settings.test.ts, which fails
 * until the example passes this schema and builds.
 */
export const phoneProviderSettings: Record<string, object> = {
  fake: fakeProviderSettingsSchema,
  http: httpProviderSettingsSchema,
};

/** Providers that carry SMS only (an SMSC has no voice calls). */
export const smsOnlyProviderSettings: Record<string, object> = {
  smpp: smppSettingsSchema,
};

export function phoneSettingsSchema(providers: Record<string, object> = phoneProviderSettings): object {
  return {
    type: 'object',
    properties: { provider: { enum: Object.keys(providers) } },
    allOf: Object.entries(providers).map(([name, schema]) => ({
      if: name === 'fake'
        ? { type: 'object', properties: { provider: { const: name } } }
        : { type: 'object', properties: { provider: { const: name } }, required: ['provider'] },
      then: schema,
    })),
  };
}
