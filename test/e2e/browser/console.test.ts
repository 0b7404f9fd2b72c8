import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceCommand } from '@trygg/protocol';
import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, login } from '../../support/console-client';
import { freePort } from '../../support/free-port';
import { TryggProcess } from '../../support/trygg-process';
import {
  CuttableProxy, ensureConsoleBuilt, HAVE_CHROMIUM, launchChromium, openConsole, screenshotPath, writeBrowserOffice, type ConsolePage,
} from './browser-support';

/**
 * The alarm console in a real browser (Debian's Chromium) against the real server and the device
 * simulator. Timeline: the back office and reception consoles are armed; a press in interview
 * room 3 pops up in the back office within a second and never at reception; "Jeg kommer" sends
 * "help coming" to the button; resolve clears the pop-up. The back office's connection is cut
 * while an alarm is raised and the alarm still appears when it comes back. The reception PC's
 * discreet panic button alarms the back office and shows at reception only a small mark on the
 * button (received, then help coming). A manager adds a
 * room and a device in the configuration pages, and a press on that device pops up.
 */
describe.skipIf(!HAVE_CHROMIUM)('alarm console in Chromium', () => {
  let dir: string;
  let trygg: TryggProcess;
  let proxy: CuttableProxy;
  let sim: DeviceSimulator;
  let browser: Browser;
  let backoffice: ConsolePage;
  let reception: ConsolePage;
  const feedback: { deviceId: string; command: DeviceCommand }[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    dir = mkdtempSync(join(tmpdir(), 'trygg-browser-'));
    trygg = new TryggProcess({ dataDir: join(dir, 'data'), configFile: writeBrowserOffice(dir), httpPort: await freePort(), mqttPort: await freePort() });
    await trygg.start();
    proxy = new CuttableProxy({ host: '127.0.0.1', port: trygg.options.httpPort });
    await proxy.start();
    sim = await connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
    sim.onFeedback((deviceId, command) => feedback.push({ deviceId, command }));
    browser = await launchChromium();
    // The back office reaches the server through the proxy, so the test can cut its network.
    backoffice = await openConsole(browser, proxy.url, { station: 'backoffice' });
    reception = await openConsole(browser, trygg.baseUrl, { station: 'reception' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    await proxy?.close();
    await trygg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const overlayCard = (p: ConsolePage, text: string) => p.page.locator('.overlay .alarm-card', { hasText: text });

  it('press in interview room 3: pop-up in the back office, nothing at reception; "Jeg kommer" reaches the button; resolve clears it', async () => {
    const pressedAt = Date.now();
    await sim.press('interview-3');
    const card = overlayCard(backoffice, 'Samtalerom 3');
    await card.waitFor({ timeout: 10_000 });
    const popupMs = Date.now() - pressedAt;
    expect(popupMs).toBeLessThan(5000); // typically well under a second; generous for a loaded CI machine

    await expect(card.locator('.alarm-kind').textContent()).resolves.toBe('Overfallsalarm');
    await expect(card.locator('.alarm-place').textContent()).resolves.toBe('Samtalerom 3, 1. etasje');
    await expect(card.locator('.action-card').textContent()).resolves.toContain('Overfall eller trussel');
    await expect(card.locator('.action-card').textContent()).resolves.toContain('Storgata 1, 5015 Bergen');
    // The console learns the new room's place on the plan from the site it re-reads; on a busy
    // machine that can land just after the pop-up.
    await card.locator('.floor-plan-marker').waitFor({ timeout: 10_000 });
    expect(await card.locator('.floor-plan-marker').count()).toBe(1);
    // The whole window, on top: the overlay covers the viewport.
    const box = await backoffice.page.locator('.overlay').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 1280, height: 720 });
    await backoffice.page.screenshot({ path: screenshotPath('popup-1280x720.png') });

    // The reception (the alarm's own zone) shows and sounds nothing.
    expect(await reception.page.locator('.overlay').count()).toBe(0);

    await card.locator('[data-action="respond"]').click();
    await eventually(() => feedback.find((f) => f.deviceId === 'interview-3' && f.command.action === 'help-coming'), 5000, 'help-coming on the button');
    await card.locator('.alarm-responders', { hasText: 'På vei: Kari Kollega' }).waitFor({ timeout: 10_000 });
    await card.locator('[data-action="respond"]', { hasText: 'Du er meldt på vei' }).waitFor({ timeout: 10_000 });
    await backoffice.page.screenshot({ path: screenshotPath('popup-responding.png') });

    await card.locator('[data-action="outcome"]').selectOption('test');
    await card.locator('[data-action="resolve"]').click();
    await backoffice.page.locator('.overlay').waitFor({ state: 'detached', timeout: 10_000 });
    await eventually(() => feedback.find((f) => f.deviceId === 'interview-3' && f.command.action === 'resolved'), 5000, 'resolved on the button');
    expect(await reception.page.locator('.overlay').count()).toBe(0);
  });

  it('the back office\'s connection is cut while an alarm is raised: the console says so, reconnects, and the alarm appears', async () => {
    proxy.cut();
    await backoffice.page.locator('[data-connection="reconnecting"]').first().waitFor({ timeout: 15_000 });
    await backoffice.page.screenshot({ path: screenshotPath('console-reconnecting.png') });
    await sim.press('interview-1');
    await new Promise((r) => setTimeout(r, 1500)); // raised and routed while the console is away
    expect(await backoffice.page.locator('.overlay').count()).toBe(0);
    proxy.restore();
    const card = overlayCard(backoffice, 'Samtalerom 1');
    await card.waitFor({ timeout: 20_000 });
    await backoffice.page.locator('.overlay [data-connection="connected"]').waitFor({ timeout: 10_000 });
    expect(await backoffice.page.locator('.overlay .alarm-card').count()).toBe(1); // shown once
    await card.locator('[data-action="outcome"]').selectOption('false');
    await card.locator('[data-action="resolve"]').click();
    await backoffice.page.locator('.overlay').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('the reception PC\'s discreet panic button (Ctrl+Alt+P) alarms the back office; at reception only a small mark on the button says "received", then "help coming"', async () => {
    const button = reception.page.locator('#discreet-alarm');
    const rest = () => reception.page.screenshot({ mask: [button], maskColor: '#ff00ff' });
    const before = await rest();
    await reception.page.keyboard.press('Control+Alt+KeyP');
    const card = overlayCard(backoffice, 'Mottak');
    await card.waitFor({ timeout: 10_000 });
    // The server confirmed the press to the reception console: the button's "LED", nothing else.
    await eventually(async () => ((await reception.page.getAttribute('#discreet-alarm', 'data-confirmed')) === '1' ? true : undefined), 5000, 'panic-ack');
    await eventually(async () => ((await button.getAttribute('data-feedback')) === 'received' ? true : undefined), 5000, 'received');
    expect(await reception.page.locator('.overlay').count()).toBe(0);
    expect(Buffer.compare(await rest(), before)).toBe(0);
    // "Jeg kommer" in the back office: the presser's mark says help is coming, as a button's LED would.
    await card.locator('[data-action="respond"]').click();
    await eventually(async () => ((await button.getAttribute('data-feedback')) === 'help-coming' ? true : undefined), 5000, 'help coming at reception');
    expect(Buffer.compare(await rest(), before)).toBe(0);
    expect(await backoffice.page.getAttribute('#discreet-alarm', 'data-feedback')).toBe('none');
    await card.locator('[data-action="outcome"]').selectOption('test');
    await card.locator('[data-action="resolve"]').click();
    await backoffice.page.locator('.overlay').waitFor({ state: 'detached', timeout: 10_000 });
    await eventually(async () => ((await button.getAttribute('data-feedback')) === 'none' ? true : undefined), 5000, 'mark gone when over');
  });

  it('a manager adds a room and a device in the configuration pages; a press on that device pops up in the back office', async () => {
    const manager = await openConsole(browser, trygg.baseUrl, { username: 'manager' });
    const { page } = manager;
    await page.click('nav a[href="#/manage/site"]');
    await page.click('.subnav a[href="#/manage/rooms"]');

    // A duplicate id is refused by the server; the problem shows next to the id field.
    await page.click('[data-testid="add-item"]');
    await page.fill('#rooms-form-id', 'reception');
    await page.fill('#rooms-form-name', 'Dobbel');
    await page.selectOption('#rooms-form-zoneId', 'front');
    await page.fill('#rooms-form-floor', '1');
    await page.click('#rooms-form button[type="submit"]');
    await page.locator('.field.has-problem #rooms-form-id').waitFor();
    await expect(page.locator('#rooms-form-id-problem').textContent()).resolves.toBe('ID-en «reception» er allerede i bruk.');
    await page.screenshot({ path: screenshotPath('manager-room-rejected.png'), fullPage: true });

    await page.fill('#rooms-form-id', 'interview-4');
    await page.fill('#rooms-form-name', 'Samtalerom 4');
    // Floor 1 has a plan: a click on it places the room (x/y in percent of the image).
    const plan = page.locator('#rooms-form .position-picker img');
    await plan.scrollIntoViewIfNeeded();
    const planBox = (await plan.boundingBox())!;
    await plan.click({ position: { x: planBox.width * 0.8, y: planBox.height * 0.78 } });
    expect(Number(await page.inputValue('#rooms-form-x'))).toBeCloseTo(80, -1);
    expect(Number(await page.inputValue('#rooms-form-y'))).toBeCloseTo(78, -1);
    await page.click('#rooms-form button[type="submit"]');
    await page.locator('tr[data-item-id="interview-4"]').waitFor();
    await page.screenshot({ path: screenshotPath('manager-rooms.png'), fullPage: true });

    await page.click('.subnav a[href="#/manage/devices"]');
    await page.click('[data-testid="add-item"]');
    await page.fill('#devices-form-id', 'interview-4');
    await page.fill('#devices-form-name', 'Knapp samtalerom 4');
    await page.selectOption('#devices-form-roomId', 'interview-4');
    await page.selectOption('#devices-form-gatewayId', 'demo-gw');
    await page.click('#devices-form button[type="submit"]');
    await page.locator('tr[data-item-id="interview-4"]').waitFor();

    // An action card for this room only: it wins over the office's card for panic alarms.
    await page.click('.subnav a[href="#/manage/actionCards"]');
    await page.click('[data-testid="add-item"]');
    await page.fill('#actionCards-form-id', 'panic-interview-4');
    await page.selectOption('#actionCards-form-kind', 'panic');
    await page.selectOption('#actionCards-form-roomId', 'interview-4');
    await page.fill('[data-field="title"] input[data-lang="nb"]', 'Samtalerom 4: gå inn bakfra');
    await page.fill('[data-field="title"] input[data-lang="en"]', 'Interview room 4: enter from the back');
    await page.fill('[data-field="steps"] textarea[data-lang="nb"]', 'Bruk døren fra bakkontoret.\nTa med en kollega.');
    await page.fill('[data-field="steps"] textarea[data-lang="en"]', 'Use the door from the back office.\nBring a colleague.');
    await page.click('#actionCards-form button[type="submit"]');
    await page.locator('tr[data-item-id="panic-interview-4"]').waitFor();

    await sim.press('interview-4');
    const card = overlayCard(backoffice, 'Samtalerom 4');
    await card.waitFor({ timeout: 10_000 });
    // The console learns the new room's place on the plan from the site it re-reads; on a busy
    // machine that can land just after the pop-up.
    await card.locator('.floor-plan-marker').waitFor({ timeout: 10_000 });
    expect(await card.locator('.floor-plan-marker').count()).toBe(1);
    await expect(card.locator('.action-card h3').textContent()).resolves.toContain('Samtalerom 4: gå inn bakfra');
    await expect(card.locator('.action-steps li').allTextContents()).resolves.toEqual(['Bruk døren fra bakkontoret.', 'Ta med en kollega.']);
    await backoffice.page.screenshot({ path: screenshotPath('popup-new-room.png') });
    await card.locator('[data-action="acknowledge"]').click();
    await card.locator('[data-action="outcome"]').selectOption('test');
    await card.locator('[data-action="resolve"]').click();
    await backoffice.page.locator('.overlay').waitFor({ state: 'detached', timeout: 10_000 });

    // The change history names the manager; the alarm history has the full timeline.
    await page.click('.subnav a[href="#/manage/history"]');
    await page.locator('tr[data-version]', { hasText: 'interview-4' }).first().waitFor();
    await page.screenshot({ path: screenshotPath('manager-history.png'), fullPage: true });
    await page.click('.subnav a[href="#/manage/chains"]');
    await page.click('tr[data-item-id="standard"] button:first-child');
    await page.screenshot({ path: screenshotPath('manager-chain.png'), fullPage: true });
    await manager.context.close();
  });

  it('an admin creates a site from an id and a name on the site page, and deletes it again', async () => {
    const admin = await openConsole(browser, trygg.baseUrl, { username: 'admin' });
    const { page } = admin;
    try {
      await page.click('nav a[href="#/manage/site"]');
      await page.fill('#site-new-id', 'nabokontoret');
      await page.fill('#site-new-name', 'Nabokontoret');
      await page.click('#site-admin-heading ~ form button[type="submit"]');
      await page.locator('#site-heading', { hasText: 'Nabokontoret' }).waitFor();
      await page.click('#site-admin-heading ~ form button.danger');
      await page.locator('#site-heading', { hasText: 'Nabokontoret' }).waitFor({ state: 'detached' });
      const cookie = await login(trygg.baseUrl, 'admin');
      const sites = (await (await fetch(`${trygg.baseUrl}/api/v1/sites`, { headers: { cookie } })).json()) as { sites: { id: string }[] };
      expect(sites.sites.map((x) => x.id)).toEqual(['demo']);
    } finally {
      await admin.context.close();
    }
  });

  it('a security contact reads the alarm history with its timeline and response times, and live device status', async () => {
    const manager = await openConsole(browser, trygg.baseUrl, { username: 'manager' });
    const { page } = manager;
    await page.click('nav a[href="#/alarms"]');
    const row = page.locator('tr[data-alarm-id]', { hasText: 'Samtalerom 3' });
    await row.waitFor();
    await page.screenshot({ path: screenshotPath('alarm-history.png'), fullPage: true });
    await row.locator('a').click();
    await page.locator('[data-event="responding"]').waitFor();
    const events = await Promise.all((await page.locator('ol.timeline li').all()).map((li) => li.getAttribute('data-event')));
    expect(events).toEqual(expect.arrayContaining(['raised', 'step-notified', 'responding', 'resolved']));
    await page.locator('dl.stats', { hasText: 'Tid til «Jeg kommer»' }).waitFor();
    await expect(page.locator('[data-event="responding"]').textContent()).resolves.toContain('Kari Kollega');
    await page.screenshot({ path: screenshotPath('alarm-timeline.png'), fullPage: true });

    await page.click('nav a[href="#/devices"]');
    await page.locator('tr[data-device-id="interview-3"]').waitFor();
    await page.screenshot({ path: screenshotPath('device-status.png'), fullPage: true });
    await page.click('nav a[href="#/coverage"]');
    await page.locator('tr[data-room-id="interview-3"]').waitFor();
    await page.screenshot({ path: screenshotPath('coverage.png'), fullPage: true });
    await manager.context.close();
  });

  it('speaks English when asked, and the pop-up stays legible on a wall screen', async () => {
    // A second console at the same station (a wall screen in the back office), in English.
    const wall = await openConsole(browser, trygg.baseUrl, { station: 'backoffice', lang: 'en', viewport: { width: 1920, height: 1080 } });
    await wall.page.locator('text=The console is armed').waitFor();
    await sim.press('interview-2');
    const card = overlayCard(wall, 'Samtalerom 2');
    await card.waitFor({ timeout: 10_000 });
    await expect(card.locator('.alarm-kind').textContent()).resolves.toBe('Panic alarm');
    await expect(card.locator('[data-action="respond"]').textContent()).resolves.toBe('I’m coming');
    await expect(card.locator('.action-card h3').textContent()).resolves.toContain('Assault or threat');
    const kindPx = Number.parseFloat(await card.locator('.alarm-kind').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize));
    expect(kindPx).toBeGreaterThanOrEqual(48); // legible across a room
    await wall.page.screenshot({ path: screenshotPath('popup-wall-1920x1080-en.png') });
    await card.locator('[data-action="outcome"]').selectOption('test');
    await card.locator('[data-action="resolve"]').click();
    await wall.page.locator('.overlay').waitFor({ state: 'detached', timeout: 10_000 });
    await backoffice.page.locator('.overlay').waitFor({ state: 'detached', timeout: 10_000 });
    await wall.context.close();
  });
});
