import { systemClock } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, validateConfig } from '../config/load-config';
import type { NotifierConfig, TryggConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import { runtimeProblems } from './config-dry-run';

/** What passes the schema but would stop the server when its notifiers or transports are built. */
function withNotifiers(notifiers: NotifierConfig[]): TryggConfig {
  const config = structuredClone(loadConfigFile(DEMO_CONFIG));
  config.notifiers = notifiers;
  return validateConfig(config);
}

const secrets = { HOOK_KEY: 'k'.repeat(32), SMS_TOKEN: 'token-123' };
const check = (config: TryggConfig) => runtimeProblems(config, { clock: systemClock, secrets });

describe('configuration dry run', () => {
  it('a configuration whose notifiers build has no problems', () => {
    expect(check(withNotifiers([
      { id: 'hook', channel: 'webhook', settings: { url: 'https://hooks.example.org/x', signingKey: '${secret:HOOK_KEY}' } },
      { id: 'sms', channel: 'sms', settings: { provider: 'http', url: 'https://sms.example.org/send', headers: { Authorization: 'Bearer ${secret:SMS_TOKEN}' } } },
      { id: 'mail', channel: 'email', settings: { host: 'smtp.example.org', port: 587, from: 'alarm@example.org' } },
    ]))).toEqual([]);
  });

  it('a secret the server does not have is refused, naming the notifier and field but no value', () => {
    const found = check(withNotifiers([
      { id: 'hook', channel: 'webhook', settings: { url: 'https://hooks.example.org/${secret:MISSING_TOKEN}', signingKey: '${secret:HOOK_KEY}' } },
    ]));
    expect(found).toEqual(['notifiers.0.settings: notify webhook "hook" url: secret "MISSING_TOKEN" is not configured']);
  });

  it('what only the notifier knows: a short signing key, an unknown template variable, a URL with credentials, a DC-09 key of the wrong length', () => {
    const found = check(withNotifiers([
      { id: 'hook', channel: 'webhook', settings: { url: 'https://hooks.example.org/x', signingKey: 'short' } },
      { id: 'sms', channel: 'sms', settings: { provider: 'http', url: 'https://sms.example.org/send', bodyTemplate: '{"to":"{{phoen}}"}' } },
      { id: 'voice', channel: 'voice', settings: { provider: 'http', url: 'https://user:pw@voice.example.org/call' } },
      { id: 'arc', channel: 'sia-dc09', settings: { primary: { host: '127.0.0.1', port: 7000, protocol: 'tcp' }, account: '1234', key: 'abcd' } },
    ]));
    expect(found).toHaveLength(4);
    expect(found[0]).toBe('notifiers.0.settings: notify webhook "hook": signingKey must be at least 16 characters');
    expect(found[1]).toMatch(/^notifiers\.1\.settings: notify http-provider "sms" bodyTemplate: unknown template variable "\{\{phoen\}\}"/);
    expect(found[2]).toMatch(/^notifiers\.2\.settings: notify http-provider "voice" url must not hold credentials/);
    expect(found[3]).toMatch(/^notifiers\.3\.settings: .*key: must be 32, 48 or 64 hex digits/);
    expect(found.join(' ')).not.toContain('abcd');
  });

  it('gateway transports: what their constructors refuse (two HID entries for one device, a reserved Zigbee2MQTT name)', () => {
    const config = structuredClone(loadConfigFile(DEMO_CONFIG));
    config.sites[0]!.gateways[0]!.transports = [
      { kind: 'hid', devices: [{ deviceId: 'desk-1', model: 'trygg-panic-v1' }, { deviceId: 'desk-2', model: 'trygg-panic-v1' }] },
      { kind: 'zigbee2mqtt', url: 'mqtt://127.0.0.1:1883', devices: [{ friendlyName: 'bridge/state', deviceId: 'sos-1' }] },
    ];
    const found = check(validateConfig(config));
    expect(found).toEqual([
      expect.stringMatching(/^sites\.0\.gateways\.0\.transports\.0: hid\.devices\.1: selects the same HID device as "desk-1"/),
      expect.stringMatching(/^sites\.0\.gateways\.0\.transports\.1: zigbee2mqtt transport: .*"bridge\/state" is reserved by Zigbee2MQTT/),
    ]);
  });
});
