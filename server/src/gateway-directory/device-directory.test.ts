import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { systemClock, topics, validateDeviceDirectory, type DeviceDirectory } from '@trygg/protocol';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { MqttProbe } from '../../../test/support/mqtt-probe';
import { TestBroker } from '../../../test/support/test-broker';
import { maySubscribe, mayPublish } from '../broker/acl';
import { loadConfigFile } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import type { TryggConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import { MqttLink } from '../ingest/mqtt-link';
import { startTrygg, type RunningTrygg } from '../server';
import { buildDeviceDirectory, DeviceDirectoryPublisher } from './device-directory-publisher';

const logger = pino({ level: 'silent' });
const DIRECTORY = topics.gateway('demo', 'demo-gw', 'directory');

describe('device directory: the server tells each gateway its site\'s devices', () => {
  let broker: TestBroker;
  let link: MqttLink;
  let probe: MqttProbe;
  let directory: OfficeDirectory;

  beforeEach(async () => {
    broker = await TestBroker.start();
    directory = new OfficeDirectory(loadConfigFile(DEMO_CONFIG));
    link = new MqttLink({ url: broker.url, clientId: 'trygg-server-test', logger });
    await link.waitConnected(10_000);
  });

  afterEach(async () => {
    await probe?.close();
    await link.close();
    await broker.stop();
  });

  /** A gateway's view: subscribe later and get the retained directory. */
  async function retained(): Promise<DeviceDirectory | null> {
    await probe?.close();
    probe = await MqttProbe.connect(broker.url, [DIRECTORY]);
    const m = await probe.waitFor((s) => s.topic === DIRECTORY);
    if (m.payload.byteLength === 0) return null;
    const checked = validateDeviceDirectory(m.json);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
    return m.json as DeviceDirectory;
  }

  it('publishes every device of the site, retained, marking those homed on another gateway', async () => {
    const config = structuredClone(directory.config);
    const site = config.sites[0]!;
    site.gateways.push({ ...site.gateways[0]!, id: 'annex-gw', username: 'annex-gw' });
    site.devices.push({ id: 'annex-button', type: 'panic-button', roomId: site.devices[0]!.roomId, gatewayId: 'annex-gw' });
    expect(buildDeviceDirectory(site, 'annex-gw', 0).devices).toContainEqual({ deviceId: 'annex-button' });

    new DeviceDirectoryPublisher({ link, directory, clock: systemClock, logger }).start();
    const d = (await retained())!;
    expect(d.devices.map((x) => x.deviceId)).toEqual(directory.config.sites[0]!.devices.map((x) => x.id));
    expect(d.devices.every((x) => x.gatewayId === undefined)).toBe(true);

    directory.replace(config);
    await probe.waitFor((s) => s.topic === DIRECTORY, 2); // the live update, on the open subscription
    const updated = (await retained())!;
    expect(updated.devices).toContainEqual({ deviceId: 'annex-button', gatewayId: 'annex-gw' });
  });

  it('clears the topic of a gateway removed from the configuration, and of one whose directory is too large', async () => {
    const publisher = new DeviceDirectoryPublisher({ link, directory, clock: systemClock, logger });
    publisher.start();
    expect(await retained()).not.toBeNull(); // the probe stays subscribed from here on
    const nth = async (n: number) => (await probe.waitFor((s) => s.topic === DIRECTORY, n)).payload.byteLength;

    const huge = structuredClone(directory.config) as TryggConfig;
    const site = huge.sites[0]!;
    for (let n = 0; n < 9000; n++) site.devices.push({ id: `bulk-device-number-${n}`, type: 'panic-button', roomId: site.devices[0]!.roomId, gatewayId: 'other-gateway-id' });
    publisher.publishAll(huge);
    expect(await nth(2)).toBe(0); // an empty retained payload: the gateway accepts every device

    publisher.publishAll(directory.config);
    expect(await nth(3)).toBeGreaterThan(0);
    const none = structuredClone(directory.config) as TryggConfig;
    none.sites[0]!.gateways = [];
    expect(publisher.publishAll(none)).toContain(DIRECTORY);
    expect(await nth(4)).toBe(0);
  });

  it('the broker ACL lets a gateway subscribe to its own directory only, and only the server publish it', () => {
    const gateway = { role: 'gateway' as const, siteId: 'demo', gatewayId: 'demo-gw' };
    expect(maySubscribe(gateway, DIRECTORY)).toBe(true);
    expect(maySubscribe(gateway, topics.gateway('demo', 'other-gw', 'directory'))).toBe(false);
    expect(maySubscribe({ role: 'device', siteId: 'demo' }, DIRECTORY)).toBe(false);
    expect(mayPublish(gateway, DIRECTORY)).toBe(false);
    expect(mayPublish({ role: 'server' }, DIRECTORY)).toBe(true);
  });
});

describe('device directory: the embedded gateway of the server refuses unconfigured devices', () => {
  let dir: string;
  let running: RunningTrygg;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-directory-'));
    running = await startTrygg({
      config: loadConfigFile(DEMO_CONFIG), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [{ siteId: 'demo', gatewayId: 'demo-gw' }], features: [], logger,
    });
  });

  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets its directory over MQTT through the broker ACL, refuses a ghost, and admits a device added while running', async () => {
    const gateway = running.gateways[0]!;
    if (gateway.stats.directoriesReceived === 0) await once(gateway, 'directory');
    const device = await mqtt.connectAsync(running.mqttUrl, { username: 'demo-devices', password: 'trygg-demo-devices', reconnectPeriod: 0 });
    try {
      const refused = once(gateway, 'refused');
      await device.publishAsync(topics.device('demo', 'ghost-button', 'up'), JSON.stringify({ v: 1, type: 'press', msgId: 'g1', seq: 1 }), { qos: 1 });
      expect(await refused).toEqual(['ghost-button']);

      const config = structuredClone(running.directory.rawConfig);
      const site = config.sites.find((s) => s.id === 'demo')!;
      site.devices.push({ id: 'ghost-button', type: 'panic-button', roomId: site.devices[0]!.roomId, gatewayId: 'demo-gw' });
      const updated = once(gateway, 'directory');
      running.directory.replace(config);
      await updated;
      const stored = once(gateway, 'stored');
      await device.publishAsync(topics.device('demo', 'ghost-button', 'up'), JSON.stringify({ v: 1, type: 'press', msgId: 'g2', seq: 2 }), { qos: 1 });
      expect(await stored).toEqual([expect.objectContaining({ deviceId: 'ghost-button', kind: 'press' })]);
      expect(gateway.stats.unknownDeviceRefused).toBe(1);
    } finally {
      await device.endAsync();
    }
  });
});
