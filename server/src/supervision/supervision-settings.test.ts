import { describe, expect, it } from 'vitest';
import { loadConfigFile, validateConfig } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { deviceHeartbeatMs, siteSupervision, SUPERVISION_DEFAULTS } from './supervision-settings';

describe('supervision settings', () => {
  it('defaults <- top level <- site; a device may set its own heartbeat', () => {
    const config = structuredClone(loadConfigFile(DEMO_CONFIG));
    expect(siteSupervision(config, config.sites[0]!)).toEqual(SUPERVISION_DEFAULTS);
    config.supervision = { heartbeatSeconds: { portable: 60 }, missedHeartbeats: 3 };
    config.sites[0]!.supervision = { missedHeartbeats: 4, gatewayGraceSeconds: 30 };
    config.sites[0]!.devices[0]!.heartbeatSeconds = 90;
    const validated = validateConfig(config);
    const site = siteSupervision(validated, validated.sites[0]!);
    expect(site).toMatchObject({ heartbeatSeconds: { 'panic-button': 300, portable: 60 }, missedHeartbeats: 4, gatewayGraceSeconds: 30, lowBatteryPercent: 20 });
    expect(deviceHeartbeatMs(site, validated.sites[0]!.devices[0]!)).toBe(90_000);
    expect(deviceHeartbeatMs(site, validated.sites[0]!.devices[1]!)).toBe(300_000);
  });

  it('the schema refuses unknown fields and out-of-range values, each as path: message', () => {
    const config = structuredClone(loadConfigFile(DEMO_CONFIG)) as unknown as Record<string, unknown>;
    config.supervision = { missedHeartbeats: 0, heartbeatSeconds: { fridge: 10 } };
    expect(() => validateConfig(config)).toThrow(/supervision/);
  });
});
