import { fakeProviderSettingsSchema } from './notifiers/fake-provider/fake-provider-settings';
import { httpProviderSettingsSchema } from './notifiers/http-provider/http-provider-settings';
import { smppSettingsSchema } from './notifiers/smpp/smpp-settings';

/**
 * The providers an `sms` or `voice` notifier can use, chosen by `settings.provider`, each with
 * the schema of its settings. No `provider` (or no settings) is the fake provider.
 *
 * A new provider (SMPP ...) adds its schema here and its builder to `phoneProviders` in
 * notifier-factory.ts; notifier-settings.test.ts fails while one is missing from either.
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
