import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedZigbee2Mqtt } from '../../../firmware-sim/src/devices/zigbee-bridge';
import { eventually } from '../../../test/support/console-client';
import { freePort } from '../../../test/support/free-port';
import { TestBroker } from '../../../test/support/test-broker';
import { ConfigError, loadConfigFile, validateConfig } from '../config/load-config';
import { buildDeviceDirectory } from './device-directory-publisher';
import { DEMO_CONFIG } from '../environment';
import { startTrygg, type RunningTrygg } from '../server';

/**
 * The device form's transport binding, end to end on the real server and its embedded gateway:
 * a manager gives interview-1 a Zigbee friendly name (the API call the console's device form
 * makes), and the running gateway routes that button's press to interview-1's room; renamed, the
 * new name works and the old one is ignored. No restart anywhere.
 */
describe('a device\'s Zigbee binding set through the API reaches the running gateway', () => {
  let dir: string;
  let z2mBroker: TestBroker;
  let z2m: SimulatedZigbee2Mqtt;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let cookie: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-binding-'));
    z2mBroker = await TestBroker.start();
    z2m = await SimulatedZigbee2Mqtt.connect({ url: z2mBroker.url, retain: false, qos: 1 });
    const config = loadConfigFile(DEMO_CONFIG);
    config.sites[0]!.gateways[0]!.transports = [{ kind: 'zigbee2mqtt', url: z2mBroker.url, reconnectPeriodMs: 100, devices: [] }];
    running = await startTrygg({
      config, dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [{ siteId: 'demo', gatewayId: 'demo-gw' }], features: [], logger: pino({ level: 'silent' }), env: {},
    });
    app = running.app;
    const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'manager', password: 'trygg-demo' } });
    const c = login.cookies.find((x) => x.name === 'trygg_session')!;
    cookie = `${c.name}=${c.value}`;
  });

  afterAll(async () => {
    await running?.close();
    await z2m?.close();
    await z2mBroker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const bind = async (friendlyName: string) => {
    const device = running.directory.site('demo')!.devices.find((d) => d.id === 'interview-1')!;
    const directoryApplied = new Promise<void>((resolve) => running.gateways[0]!.once('directory', () => resolve()));
    const res = await app.inject({
      method: 'PUT', url: '/api/v1/sites/demo/devices/interview-1', headers: { cookie },
      payload: { ...device, zigbeeFriendlyName: friendlyName, zigbeeModel: 'TS0215A_sos' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await directoryApplied;
  };
  const alarmsOfInterview1 = async () => (await running.store.listAlarms({})).filter((a) => a.deviceId === 'interview-1');

  it('routes the press by the bound name, then by the new name only', async () => {
    await bind('Rom 1/SOS');
    await z2m.press('Rom 1/SOS');
    const first = await eventually(async () => (await alarmsOfInterview1())[0], 10_000, 'the alarm of the bound Zigbee button');
    expect(first).toMatchObject({ roomId: 'interview-1', pressCount: 1 });
    const resolved = await app.inject({ method: 'POST', url: `/api/v1/alarms/${first.id}/resolve`, headers: { cookie }, payload: { outcome: 'test' } });
    expect(resolved.statusCode, resolved.body).toBe(200);

    await bind('Samtalerom 1/SOS');
    await z2m.press('Rom 1/SOS');
    await z2m.press('Samtalerom 1/SOS');
    const second = await eventually(async () => (await alarmsOfInterview1()).find((a) => a.id !== first.id), 10_000, 'the alarm under the new name');
    // The old name's press came first on the same connection: had it been routed, it would have
    // raised this alarm and the new name's press would have folded into it.
    expect(second).toMatchObject({ roomId: 'interview-1', pressCount: 1 });
    expect(running.gateways[0]!.stats.eventsStored).toBe(2);
  });
});

describe('bindings are checked like the rest of the configuration', () => {
  it('one name or address per gateway, and only on a gateway with that transport', () => {
    const config = loadConfigFile(DEMO_CONFIG);
    const site = config.sites[0]!;
    site.gateways[0]!.transports = [{ kind: 'zigbee2mqtt', url: 'mqtt://127.0.0.1:1', devices: [] }];
    site.devices[1]!.zigbeeFriendlyName = 'SOS';
    site.devices[2]!.zigbeeFriendlyName = 'SOS';
    site.devices[3]!.serialAddress = 'r-1';
    expect(() => validateConfig(config)).toThrow(ConfigError);
    try {
      validateConfig(config);
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'sites.0.devices.2.zigbeeFriendlyName: "SOS" is also devices.1 on gateway demo-gw',
        'sites.0.devices.3.serialAddress: gateway demo-gw has no serial transport',
      ]);
    }
    // And the directory carries each device's binding to its own gateway only.
    site.devices[2]!.zigbeeFriendlyName = 'SOS 2';
    delete site.devices[3]!.serialAddress;
    const published = buildDeviceDirectory(validateConfig(config).sites[0]!, 'demo-gw', 0);
    expect(published.devices.filter((d) => d.binding)).toEqual([
      { deviceId: 'interview-1', binding: { zigbeeFriendlyName: 'SOS' } },
      { deviceId: 'interview-2', binding: { zigbeeFriendlyName: 'SOS 2' } },
    ]);
    expect(buildDeviceDirectory(config.sites[0]!, 'other-gw', 0).devices.some((d) => d.binding)).toBe(false);
  });
});
