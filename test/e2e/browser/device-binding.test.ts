import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedZigbee2Mqtt } from '../../../firmware-sim/src/devices/zigbee-bridge';
import { eventually } from '../../support/console-client';
import { freePort } from '../../support/free-port';
import { TestBroker } from '../../support/test-broker';
import { TryggProcess } from '../../support/trygg-process';
import { ensureConsoleBuilt, HAVE_CHROMIUM, launchChromium, openConsole, writeBrowserOffice, type ConsolePage } from './browser-support';

/**
 * A manager gives a button its Zigbee friendly name in the console's device form; the running
 * server's gateway (`npm start`, one process, never restarted) routes that button's press to its
 * room, and after a rename in the form only the new name does.
 */
describe.skipIf(!HAVE_CHROMIUM)('device transport binding set in the form, in Chromium', () => {
  let dir: string;
  let z2mBroker: TestBroker;
  let z2m: SimulatedZigbee2Mqtt;
  let trygg: TryggProcess;
  let browser: Browser;
  let manager: ConsolePage;

  beforeAll(async () => {
    ensureConsoleBuilt();
    dir = mkdtempSync(join(tmpdir(), 'trygg-binding-browser-'));
    z2mBroker = await TestBroker.start();
    z2m = await SimulatedZigbee2Mqtt.connect({ url: z2mBroker.url, retain: false, qos: 1 });
    const configFile = writeBrowserOffice(dir, (c) => {
      c.sites[0]!.gateways[0]!.transports = [{ kind: 'zigbee2mqtt', url: z2mBroker.url, reconnectPeriodMs: 100, devices: [] }];
    });
    trygg = new TryggProcess({ dataDir: join(dir, 'data'), configFile, httpPort: await freePort(), mqttPort: await freePort() });
    await trygg.start();
    browser = await launchChromium();
    manager = await openConsole(browser, trygg.baseUrl, { username: 'manager' });
    await manager.page.waitForSelector('nav a[href="#/manage/site"]');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await trygg?.stop();
    await z2m?.close();
    await z2mBroker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  interface AlarmRow { id: string; deviceId?: string; roomId?: string; pressCount: number }
  const alarmsOf = async (deviceId: string) => {
    const res = await manager.context.request.get(`${trygg.baseUrl}/api/v1/alarms?limit=50`);
    return ((await res.json()) as { alarms: AlarmRow[] }).alarms.filter((a) => a.deviceId === deviceId);
  };
  const setZigbeeName = async (name: string) => {
    const { page } = manager;
    await page.goto(`${trygg.baseUrl}/#/manage/devices`);
    await page.click('tr[data-item-id="interview-2"] button.secondary:not(.danger)');
    await page.fill('#devices-form-zigbeeFriendlyName', name);
    await page.fill('#devices-form-zigbeeModel', 'TS0215A_sos');
    await page.click('#devices-form button[type="submit"]');
    await page.locator('#devices-form').waitFor({ state: 'detached' });
  };

  /** The running gateway logs each name the device directory adds (zigbee2mqtt-device-transport.ts). */
  const gatewayLearned = (name: string) => eventually(() => (trygg.logLines('Zigbee2MQTT devices changed by the device directory')
    .some((l) => (l.added as string[] | undefined)?.includes(name)) ? true : undefined), 10_000, `the gateway learning "${name}"`);

  it('the press under the name typed in the form raises interview-2\'s alarm; after a rename only the new name does', async () => {
    await setZigbeeName('Samtalerom 2/SOS');
    await gatewayLearned('Samtalerom 2/SOS');
    await z2m.press('Samtalerom 2/SOS');
    const first = await eventually(async () => (await alarmsOf('interview-2'))[0], 10_000, 'interview-2 alarm from the Zigbee name set in the form');
    expect(first).toMatchObject({ roomId: 'interview-2', pressCount: 1 });
    const resolved = await manager.context.request.post(`${trygg.baseUrl}/api/v1/alarms/${first.id}/resolve`, { data: { outcome: 'test' }, headers: { origin: trygg.baseUrl } });
    expect(resolved.status()).toBe(200);

    await setZigbeeName('Rom 2 ny/SOS');
    await gatewayLearned('Rom 2 ny/SOS');
    // One connection keeps the order: had the old name's press been routed, it would have raised
    // the new alarm and the new name's press would have folded into it (press count 2).
    await z2m.press('Samtalerom 2/SOS');
    await z2m.press('Rom 2 ny/SOS');
    const second = await eventually(async () => (await alarmsOf('interview-2')).find((a) => a.id !== first.id), 10_000, 'interview-2 alarm under the new name');
    expect(second).toMatchObject({ roomId: 'interview-2', pressCount: 1 });
    expect((await alarmsOf('interview-2'))).toHaveLength(2);
  });
});
