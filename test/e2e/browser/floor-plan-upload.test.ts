import type { DeviceSimulator } from '@trygg/firmware-sim';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_PDF } from '../../support/floor-plan-fixtures';
import type { TryggProcess } from '../../support/trygg-process';
import { startBrowserOffice, type BrowserOffice } from './browser-office';
import { HAVE_CHROMIUM, openConsole, screenshotPath, type ConsolePage } from './browser-support';

/** What the tests read of an <img> in the page (the tests' TypeScript has no DOM library). */
interface Img { complete: boolean; naturalWidth: number; onload: (() => void) | null; onerror: (() => void) | null; decode(): Promise<void> }

/** An SVG that would log its viewer out and rename the page if its script ever ran. */
const HOSTILE_SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" onload="document.title=\'pwned\'">'
  + '<script>document.title = "pwned"; fetch("/api/v1/session", { method: "DELETE" });</script>'
  + '<rect width="400" height="200" fill="#dde"/></svg>');

/**
 * A manager sets up floor plans in the console, without touching a file: a PDF for floor 1 (its
 * first page becomes the plan), a hostile SVG for floor 2 that never runs, a JPEG refused in
 * words. The uploaded plan is what a colleague's alarm pop-up shows.
 */
describe.skipIf(!HAVE_CHROMIUM)('floor plans uploaded in Chromium', () => {
  let office: BrowserOffice;
  let trygg: TryggProcess;
  let sim: DeviceSimulator;
  let browser: Browser;
  let manager: ConsolePage;
  let colleague: ConsolePage;

  beforeAll(async () => {
    office = await startBrowserOffice('floor-plan-browser', { devices: true });
    ({ trygg, sim, browser } = office as Required<BrowserOffice>);
    manager = await openConsole(browser, trygg.baseUrl, { username: 'manager' });
    await manager.page.waitForSelector('nav a[href="#/incidents"]');
  }, 60_000);

  afterAll(() => office?.close());

  const uploadAs = async (floor: string, file: { name: string; mimeType: string; buffer: Buffer }) => {
    const { page } = manager;
    await page.fill('#floor-plan-floor', floor);
    await page.setInputFiles('#floor-plan-file', file);
    await page.click('button:has-text("Last opp plantegning")');
  };
  const loadedWidth = (alt: string) => manager.page.locator(`ul.plans img[alt="${alt}"]`)
    .evaluate((el) => {
      const img = el as unknown as Img;
      return img.complete ? img.naturalWidth : new Promise<number>((r) => { img.onload = () => r(img.naturalWidth); img.onerror = () => r(0); });
    });

  it('a PDF becomes floor 1\'s plan, and a colleague\'s pop-up shows it', async () => {
    const { page } = manager;
    await page.goto(`${trygg.baseUrl}/#/manage/site`);
    await uploadAs('1', { name: 'plan.pdf', mimeType: 'application/pdf', buffer: TINY_PDF });
    await page.getByText('Plantegning for 1. etasje er lagret (første side av PDF-en).').waitFor();
    const src = await page.locator('ul.plans img[alt="1. etasje"]').getAttribute('src');
    expect(src).toMatch(/^\/api\/v1\/floor-plans\/[0-9a-f]{64}\.png$/);
    expect(await loadedWidth('1. etasje')).toBe(2000);
    await page.locator('ul.plans').screenshot({ path: screenshotPath('floor-plan-upload.png') });

    colleague = await openConsole(browser, trygg.baseUrl, { username: 'kollega', station: 'backoffice' });
    await sim.press('interview-1');
    const plan = colleague.page.locator('.floor-plan img');
    await plan.waitFor({ timeout: 10_000 });
    expect(await plan.getAttribute('src')).toBe(src);
    expect(await plan.evaluate((el) => { const img = el as unknown as Img; return img.decode().then(() => img.naturalWidth); })).toBe(2000);
  });

  it('a hostile SVG is shown as a picture and never runs, even opened on its own', async () => {
    const { page } = manager;
    await uploadAs('2', { name: 'plan.svg', mimeType: 'image/svg+xml', buffer: HOSTILE_SVG });
    await page.getByText('Plantegning for 2. etasje er lagret.').waitFor();
    expect(await loadedWidth('2. etasje')).toBe(400);
    const src = (await page.locator('ul.plans img[alt="2. etasje"]').getAttribute('src'))!;

    const direct = await manager.context.newPage();
    const res = await direct.goto(`${trygg.baseUrl}${src}`);
    expect(res!.headers()['content-security-policy']).toContain('sandbox');
    expect(await direct.title()).not.toBe('pwned');
    await direct.close();
    expect(await page.title()).not.toBe('pwned');
    // Still logged in: the script's logout never ran.
    expect((await manager.context.request.get(`${trygg.baseUrl}/api/v1/session`)).status()).toBe(200);
  });

  it('a JPEG is refused in the manager\'s words, and the plans stay as they were', async () => {
    const { page } = manager;
    await uploadAs('3', { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]) });
    await page.getByText('Filen er ikke PNG, SVG eller PDF.', { exact: false }).waitFor();
    expect(await page.locator('ul.plans img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')))).toEqual(['1. etasje', '2. etasje']);
  });
});
