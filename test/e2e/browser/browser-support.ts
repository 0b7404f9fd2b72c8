import { tmpdir } from 'node:os';
// Shared pieces of the browser tests: Debian's Chromium through playwright-core (no browser
// download), the built console, an office with floor plans and action cards, a console page that
// logs in and arms, and a TCP proxy that can cut a console's connection on purpose.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TryggConfig } from '../../../server/src/config/types';
import { writeTestOffice } from '../../support/office-config';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const CHROMIUM = process.env.TRYGG_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
// CI (TRYGG_CI=1, set by .ci/run) has Chromium; there a missing browser fails every browser test
// file instead of skipping it silently.
if (process.env.TRYGG_CI === '1' && !HAVE_CHROMIUM) throw new Error(`browser tests: no Chromium at ${CHROMIUM} (TRYGG_CI=1 requires it)`);
/**
 * The browser tests take the README's screenshots. They land in docs/screenshots only when asked
 * (`TRYGG_UPDATE_SCREENSHOTS=1 npm test`), so an ordinary test run leaves the checkout clean.
 */
export const SCREENSHOTS = process.env.TRYGG_UPDATE_SCREENSHOTS === '1'
  ? resolve(ROOT, 'docs/screenshots')
  : resolve(tmpdir(), 'trygg-screenshots');

/** The server serves alarm-console/dist; `npm test` builds it first (pretest), a lone vitest run may not have. */
export function ensureConsoleBuilt(): void {
  if (existsSync(resolve(ROOT, 'alarm-console/dist/index.html'))) return;
  execFileSync('npm', ['run', 'build', '-w', 'alarm-console'], { cwd: ROOT, stdio: 'ignore' });
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--headless', ...extraArgs] });
}

/**
 * The demo office with what the full pop-up shows: a floor plan for floor 1 with room positions,
 * an action card for panic alarms, the reception PC standing in the reception (its discreet panic
 * button raises the alarm from there), and a chain that reaches the manager only after a minute.
 */
export function writeBrowserOffice(dir: string, edit?: (c: TryggConfig) => void): string {
  return writeTestOffice(dir, 60, (config) => {
    const site = config.sites[0]!;
    site.entrance = 'Hovedinngangen fra Storgata';
    site.floorPlans = [{ floor: '1', image: '/floor-plans/demo-floor-1.svg' }];
    const positions: Record<string, { x: number; y: number }> = {
      reception: { x: 16, y: 22 }, 'interview-1': { x: 42.5, y: 22 }, 'interview-2': { x: 62.5, y: 22 }, 'interview-3': { x: 86, y: 22 }, backoffice: { x: 32.5, y: 78 },
    };
    for (const room of site.rooms) if (positions[room.id]) room.position = positions[room.id];
    site.stations = site.stations.map((s) => (s.id === 'reception' ? { ...s, roomId: 'reception' } : s));
    site.actionCards = [{
      id: 'panic-default',
      kind: 'panic',
      title: { nb: 'Overfall eller trussel', en: 'Assault or threat' },
      steps: {
        nb: ['Gå to sammen til rommet – aldri alene.', 'Bank på og gå inn rolig; ta med kollegaen ut om mulig.', 'Hold avstand til den truende personen.'],
        en: ['Go to the room two together – never alone.', 'Knock and enter calmly; take your colleague out if you can.', 'Keep your distance from the person threatening.'],
      },
      callsPolice: { nb: 'Den som kommer først, ringer 112 hvis det er vold eller våpen.', en: 'The first to arrive calls 112 if there is violence or a weapon.' },
    }];
    edit?.(config);
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
}

/** A console in its own browser context (own cookies): log in, choose the station, arm. */
export async function openConsole(browser: Browser, baseUrl: string, opts: { username?: string; station?: string; lang?: 'nb' | 'en'; viewport?: { width: number; height: number } } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 720 }, baseURL: baseUrl });
  if (opts.lang) await context.addInitScript(`localStorage.setItem('trygg.console.lang', '${opts.lang}')`);
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto('/');
  await page.fill('#login-username', opts.username ?? 'kollega');
  await page.fill('#login-password', 'trygg-demo');
  await page.press('#login-password', 'Enter');
  if (opts.station) {
    await page.selectOption('#station-select', opts.station);
    await page.click('#arm');
    await page.waitForSelector('[data-connection="connected"]');
  }
  return { context, page };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return resolve(SCREENSHOTS, name);
}

/**
 * A TCP proxy in front of the server. `cut()` drops every connection through it and refuses new
 * ones, as a pulled network cable would; `restore()` lets connections through again.
 */
export class CuttableProxy {
  private server?: Server;
  private sockets = new Set<Socket>();
  private open = true;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.open) {
        client.destroy();
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server!.address() as { port: number }).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
