import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mqttTlsFromEnv, mqttTlsOptions } from './mqtt-tls';

describe('gateway MQTT TLS settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-gw-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

  it('reads MQTT_CA, MQTT_CERT and MQTT_KEY as PEM text; none set: no TLS settings', () => {
    expect(mqttTlsFromEnv({})).toBeUndefined();
    const ca = file('ca.pem', 'CA PEM');
    expect(mqttTlsFromEnv({ MQTT_CA: ca })).toEqual({ ca: 'CA PEM' });
    expect(mqttTlsFromEnv({ MQTT_CA: ca, MQTT_CERT: file('gw.pem', 'CERT'), MQTT_KEY: file('gw.key', 'KEY') })).toEqual({ ca: 'CA PEM', cert: 'CERT', key: 'KEY' });
  });

  it('refuses a certificate without its key, and an unreadable file, with TRYGG_GW_CONFIG', () => {
    expect(() => mqttTlsFromEnv({ MQTT_CERT: file('only.pem', 'CERT') })).toThrow(/TRYGG_GW_CONFIG.*MQTT_CERT and MQTT_KEY/);
    expect(() => mqttTlsFromEnv({ MQTT_CA: join(dir, 'missing.pem') })).toThrow(/TRYGG_GW_CONFIG.*MQTT_CA .*ENOENT/);
  });

  it('always verifies the server', () => {
    expect(mqttTlsOptions({ ca: 'X' })).toEqual({ ca: 'X', rejectUnauthorized: true });
    expect(mqttTlsOptions(undefined)).toEqual({});
  });
});
