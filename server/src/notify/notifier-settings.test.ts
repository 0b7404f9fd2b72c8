import { createAjv, formatSchemaErrors, systemClock } from '@trygg/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildNotifier, notifierChannels } from './notifier-factory';
import { notifierSettings } from './notifier-settings';
import { phoneProviderSettings } from './phone-provider-settings';

/** Each notifier kind's own settings schema, alone (what config-schema.ts composes by channel). */
const validators = Object.fromEntries(Object.entries(notifierSettings).map(([channel, kind]) => [channel, createAjv().compile(kind.schema)]));

function problems(channel: string, settings: unknown): string[] {
  const validate = validators[channel]!;
  return validate(settings) ? [] : formatSchemaErrors(validate.errors?.filter((e) => e.keyword !== 'if'), 'settings');
}

/** A working example of every kind (and phone provider): it passes its schema and builds. */
const examples: Record<string, Record<string, unknown>> = {
  webhook: { url: 'https://hooks.example.org/trygg', signingKey: '0123456789abcdef0123', headers: { 'X-Tenant': 'oslo' }, successStatus: [200, '2xx'] },
  email: { host: 'smtp.example.org', port: 587, requireTLS: true, auth: { user: 'trygg', pass: 'secret-pass' }, from: '"Trygg" <alarm@example.org>', timeoutMs: 5000 },
  cap: { url: 'https://arc.example.org/cap', scope: 'Private', addresses: ['vakt@arc'], sender: 'trygg@{siteId}' },
  'sia-dc09': { primary: { host: '127.0.0.1', port: 7000, protocol: 'tcp' }, account: '1234', linkTestIntervalS: 60 },
};
const phoneExamples: Record<string, Record<string, unknown>> = {
  fake: { provider: 'fake' },
  http: { provider: 'http', url: 'https://sms.example.org/send?to={{phone}}', method: 'POST', bodyTemplate: '{"text":"{{text}}"}', idempotencyHeader: false, providerRefPath: 'data.id' },
};

const build = (channel: string, settings?: Record<string, unknown>) =>
  buildNotifier({ id: 'n1', channel, ...(settings ? { settings } : {}) }, { clock: systemClock, logger: pino({ level: 'silent' }), secrets: {} });

describe('notifier settings schemas', () => {
  it('every channel the factory builds has a settings schema, and no schema lacks a factory', () => {
    expect(Object.keys(notifierSettings).sort()).toEqual(notifierChannels().sort());
  });

  it.each(Object.keys(examples))('%s: the example passes its schema and builds', async (channel) => {
    expect(problems(channel, examples[channel])).toEqual([]);
    const notifier = build(channel, examples[channel]);
    await notifier.close?.();
  });

  it.each(Object.keys(phoneProviderSettings))('sms/voice provider %s: the example passes and builds, for both channels', async (provider) => {
    const example = phoneExamples[provider];
    expect(example, `add an example for the phone provider "${provider}"`).toBeDefined();
    for (const channel of ['sms', 'voice']) {
      expect(problems(channel, example)).toEqual([]);
      const notifier = build(channel, example);
      expect(notifier.channel).toBe(channel);
      await notifier.close?.();
    }
  });

  it.each(Object.keys(examples))('%s: empty settings are refused, naming each missing field', (channel) => {
    const found = problems(channel, {});
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(p).toMatch(/^settings\.[A-Za-z]+: must have required property '[A-Za-z]+'$/);
  });

  it.each(Object.keys(examples))('%s: a misspelt field is refused by name', (channel) => {
    expect(problems(channel, { ...examples[channel], urll: 'x' })).toEqual(['settings.urll: must NOT have additional properties']);
  });

  it('webhook: the reported case, empty settings, names url and signingKey', () => {
    expect(problems('webhook', {})).toEqual([
      "settings.url: must have required property 'url'",
      "settings.signingKey: must have required property 'signingKey'",
    ]);
  });

  it('sms/voice: no settings or {} is the fake provider; an unknown provider and another provider\'s fields are refused', () => {
    expect(problems('sms', {})).toEqual([]);
    expect(build('sms').channel).toBe('sms');
    expect(problems('sms', { provider: 'carrier-pigeon' })).toEqual(['settings.provider: must be one of fake, http, smpp']);
    expect(problems('voice', { provider: 'smpp' })).toEqual(['settings.provider: must be one of fake, http']);
    expect(problems('sms', { provider: 'fake', url: 'https://sms.example.org' })).toEqual(['settings.url: must NOT have additional properties']);
    expect(problems('voice', { provider: 'http' })).toEqual(["settings.url: must have required property 'url'"]);
    expect(problems('sms', { ...phoneExamples.http, method: 'DELETE' })).toEqual(['settings.method: must be one of POST, PUT, GET']);
  });

  it('smpp provider (SMS only): the example passes and builds without connecting; a missing password and a long sender are refused', async () => {
    const example = { provider: 'smpp', host: 'smsc.example.org', port: 2775, systemId: 'trygg', password: 'pw', sender: 'Trygg' };
    expect(problems('sms', example)).toEqual([]);
    const notifier = build('sms', example);
    expect(notifier.channel).toBe('sms');
    await notifier.close?.();
    const { password: _pw, ...noPassword } = example;
    expect(problems('sms', noPassword)).toEqual(["settings.password: must have required property 'password'"]);
    expect(problems('sms', { ...example, sender: 'Trygg Alarm Senter' }).length).toBeGreaterThan(0);
    expect(() => build('voice', example)).toThrow(/SMPP carries SMS only/);
  });

  it('http provider: idempotencyHeader is a header name or false, never true', () => {
    expect(problems('sms', { ...phoneExamples.http, idempotencyHeader: 'X-Id' })).toEqual([]);
    expect(problems('sms', { ...phoneExamples.http, idempotencyHeader: true }).length).toBeGreaterThan(0);
  });

  it('cap: scope Private needs addresses (buildCapAlert would refuse every alert), references need a time', () => {
    expect(problems('cap', { url: 'https://arc.example.org/cap', scope: 'Private' })).toEqual(["settings.addresses: must have required property 'addresses'"]);
    expect(problems('cap', { url: 'https://arc.example.org/cap', scope: 'Private', addresses: [] })).toEqual(['settings.addresses: must NOT have fewer than 1 items']);
    expect(problems('cap', { url: 'https://arc.example.org/cap', references: [{ sender: 's', identifier: 'i', sent: 'yesterday' }] }))
      .toEqual(['settings.references.0.sent: must match format "date-time"']);
  });

  it('email: a port out of range and a from without an address are refused', () => {
    expect(problems('email', { ...examples.email, port: 70000, from: 'Trygg' })).toEqual([
      'settings.port: must be <= 65535',
      'settings.from: must match pattern "@"',
    ]);
  });

  it('webhook: header names must be HTTP tokens (no header injection through the name)', () => {
    expect(problems('webhook', { ...examples.webhook, headers: { 'X-A\r\nX-B': 'v' } })).toEqual(expect.arrayContaining([expect.stringMatching(/^settings\.headers: /)]));
  });

  it('sia-dc09: the ARC target schema of the DC-09 notifier is the settings schema', () => {
    expect(problems('sia-dc09', { ...examples['sia-dc09'], primary: { host: 'arc', port: 0, protocol: 'tcp' } })).toEqual(['settings.primary.port: must be >= 1']);
  });
});
