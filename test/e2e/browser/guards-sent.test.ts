import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dc09Receiver } from '../../support/dc09-receiver';
import { freePort } from '../../support/free-port';
import { TryggProcess } from '../../support/trygg-process';
import { ensureConsoleBuilt, HAVE_CHROMIUM, launchChromium, openConsole, type ConsolePage } from './browser-support';

/**
 * The pop-up tells the responder what has already gone out beyond the consoles: the demo office
 * with the guards' ARC (TRYGG_DEMO_ARC, 5 s steps), the back office armed and not answering; the
 * chain climbs to the guards and the pop-up shows "Vektere (sia-dc09): levert".
 */
describe.skipIf(!HAVE_CHROMIUM)('the pop-up shows what was sent to the guards', () => {
  let dir: string;
  let arc: Dc09Receiver;
  let trygg: TryggProcess;
  let sim: DeviceSimulator;
  let browser: Browser;
  let backoffice: ConsolePage;

  beforeAll(async () => {
    ensureConsoleBuilt();
    dir = mkdtempSync(join(tmpdir(), 'trygg-browser-arc-'));
    arc = await new Dc09Receiver({ port: await freePort(), udp: false }).start();
    trygg = new TryggProcess({
      dataDir: join(dir, 'data'), configFile: '', httpPort: await freePort(), mqttPort: await freePort(),
      env: { TRYGG_CONFIG: '', TRYGG_DEMO_ARC: `127.0.0.1:${arc.port}`, TRYGG_DEMO_FAST: '1', TRYGG_DEMO_DEVICES: 'off' },
    });
    await trygg.start();
    sim = await connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
    browser = await launchChromium();
    backoffice = await openConsole(browser, trygg.baseUrl, { station: 'backoffice' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    await trygg?.stop();
    await arc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('nobody answers: the guards get the DC-09 frame and the pop-up says so', async () => {
    await sim.press('interview-1');
    const card = backoffice.page.locator('.overlay .alarm-card', { hasText: 'Samtalerom 1' });
    await card.waitFor({ timeout: 10_000 });
    const line = card.locator('.sent-so-far li[data-state="delivered"]');
    await line.waitFor({ timeout: 30_000 });
    expect(await line.textContent()).toBe('Vektere (sia-dc09): levert');
    expect(arc.frames.some((f) => f.data?.includes('PA'))).toBe(true);
  });
});
