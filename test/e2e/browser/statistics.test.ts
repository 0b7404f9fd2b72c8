import type { DeviceSimulator } from '@trygg/firmware-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/console-client';
import type { TryggProcess } from '../../support/trygg-process';
import { startBrowserOffice, type BrowserOffice } from './browser-office';
import { HAVE_CHROMIUM, openConsole, screenshotPath, type ConsolePage } from './browser-support';

/**
 * The response-time page counts real alarms only. A mixed month, made through the real server:
 * an alarm answered and resolved as real, one resolved as false, one resolved as "test or drill",
 * and a drill. The page shows 2 alarms, a false-alarm rate of 50 % (1 of those 2), the drill and
 * the test alarm in their own columns, and response times from the answered real alarm only.
 */
describe.skipIf(!HAVE_CHROMIUM)('statistics in Chromium: drills and tests are kept out', () => {
  let office: BrowserOffice;
  let trygg: TryggProcess;
  let sim: DeviceSimulator;
  let manager: ConsolePage;

  beforeAll(async () => {
    office = await startBrowserOffice('statistics-browser', { devices: true });
    ({ trygg, sim } = office as Required<BrowserOffice>);
    manager = await openConsole(office.browser, trygg.baseUrl, { username: 'manager' });
    await manager.page.waitForSelector('nav a[href="#/incidents"]'); // logged in: the session cookie is set
  }, 60_000);

  afterAll(() => office?.close());

  interface AlarmRow { id: string; deviceId?: string; roomId?: string; drill: boolean; state: string }
  const post = async (path: string, data: object = {}) => {
    const res = await manager.context.request.post(`${trygg.baseUrl}${path}`, { data, headers: { origin: trygg.baseUrl } });
    expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const openAlarm = (match: (a: AlarmRow) => boolean) => eventually(async () => {
    const res = await manager.context.request.get(`${trygg.baseUrl}/api/v1/alarms?state=open`);
    const body = (await res.json()) as { alarms?: AlarmRow[] };
    if (!body.alarms) throw new Error(`GET /api/v1/alarms: ${res.status()} ${JSON.stringify(body)}`);
    return body.alarms.find(match);
  }, 15_000, 'open alarm');
  const pressAndResolve = async (deviceId: string, outcome: 'real' | 'false' | 'test', answer: boolean) => {
    await sim.press(deviceId);
    const alarm = await openAlarm((a) => a.deviceId === deviceId && !a.drill);
    if (answer) await post(`/api/v1/alarms/${alarm.id}/respond`);
    await post(`/api/v1/alarms/${alarm.id}/resolve`, { outcome });
  };

  it('counts the real alarms, computes the false-alarm rate from them, and lists drills and tests apart', async () => {
    await pressAndResolve('interview-1', 'real', true);
    await pressAndResolve('interview-2', 'false', false);
    await pressAndResolve('interview-3', 'test', true);
    const drill = await post('/api/v1/sites/demo/drills', { roomId: 'interview-1', kind: 'panic' });
    const drillAlarm = await openAlarm((a) => a.drill);
    await post(`/api/v1/alarms/${drillAlarm.id}/respond`);
    await post(`/api/v1/alarms/${drillAlarm.id}/resolve`, { outcome: 'real' });
    await post(`/api/v1/drills/${(drill.drill as { id: string }).id}/end`);

    const { page } = manager;
    await page.click('nav a[href="#/incidents"]');
    await page.click('.subnav a[href="#/statistics"]');
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const row = page.locator(`tr[data-month="${month}"]`);
    await row.waitFor({ timeout: 15_000 });
    const cells = await row.locator('td').allTextContents();
    const header = await page.locator('table.data thead th').allTextContents();
    const cell = (title: string) => cells[header.indexOf(title) - 1];
    expect(cell('Alarmer')).toBe('2');
    expect(cell('Falske alarmer')).toMatch(/^50\s?%$/);
    expect(cell('Øvelsesalarmer')).toBe('1');
    expect(cell('Løst som test')).toBe('1');
    // One answered real alarm: a median and a longest time, the same value.
    expect(cell('Til kvittering (median)')).not.toBe('–');
    expect(cell('Til kvittering (median)')).toBe(cell('Til kvittering (lengst)'));
    await page.screenshot({ path: screenshotPath('statistics.png'), fullPage: true });
  }, 90_000);
});
