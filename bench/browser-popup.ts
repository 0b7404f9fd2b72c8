/**
 * Press-to-pop-up as an operator sees it: a press from the device simulator (this process) until
 * the pop-up card for that device is in the DOM of a real console page in Chromium (Debian's
 * /usr/bin/chromium through playwright-core, logged in, station `backoffice`, armed), next to the
 * raw broker hop measured in the same run, while the heartbeat fleet runs as in `press`.
 *
 * Timing. The press is stamped in Node as `performance.timeOrigin + sentAt` (the simulator's
 * `performance.now()` just before the publish); the pop-up is stamped in the page by a
 * MutationObserver as `performance.timeOrigin + performance.now()` when an
 * `.alarm-card[data-device-id=<id>]` is added. Both are monotonic clocks (CLOCK_MONOTONIC on
 * Linux) anchored to the wall clock once per process, so they differ by the two anchorings (µs
 * normally; more only if the wall clock was stepped between Node's start and the page's load)
 * plus Chromium's coarsening of page timers (100 µs). The part measures that offset before the
 * presses with page.evaluate round trips (best of CLOCK_ROUNDS: offset = page time - midpoint,
 * bound ± half the round trip) and prints it; samples are NOT corrected by it. The DOM stamp is
 * the moment the card is in the document (the observer runs in the same task as Preact's commit),
 * not the paint that follows (at most one frame, ~16 ms, later).
 *
 * Each alarm is resolved over the REST API as soon as its card shows, and the next press waits
 * until the card has left the DOM, so the screen holds one pop-up at a time and every press is a
 * new alarm on a device of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectSimulator, startHeartbeatLoad } from '@trygg/firmware-sim';
import type { Browser } from 'playwright-core';
import { login } from '../test/support/console-client';
import { freePort } from '../test/support/free-port';
import { TryggProcess } from '../test/support/trygg-process';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, openConsole, ROOT } from '../test/e2e/browser/browser-support';
import { numbered, writeBenchOffice } from './bench-office';
import { rawBrokerHop } from './broker-hop';
import { formatRow as row, summarize } from './percentiles';

const PRESSES = Number(process.env.BENCH_BROWSER_PRESSES ?? 200);
const HEARTBEAT_DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const HEARTBEAT_INTERVAL_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 1000);
const RAW_SAMPLES = Number(process.env.BENCH_RAW ?? 400);
const WARMUP = 20;
const GAP_MS = 10;
const CLOCK_ROUNDS = 50;
const TIMEOUT_MS = 10_000;


/**
 * Installed in the console page (a string: the bench compiles without the DOM types). Stamps the
 * first `.alarm-card[data-device-id]` of each device added to the document.
 */
const POPUP_OBSERVER = `(() => {
  const seen = new Set();
  new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now();
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (!(node instanceof Element)) continue;
        const cards = node.matches('.alarm-card[data-device-id]') ? [node] : [...node.querySelectorAll('.alarm-card[data-device-id]')];
        for (const card of cards) {
          const deviceId = card.getAttribute('data-device-id');
          if (seen.has(deviceId)) continue;
          seen.add(deviceId);
          void window.__tryggBenchPopup(deviceId, card.getAttribute('data-alarm-id') ?? '', at);
        }
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
})()`;

/** The server serves alarm-console/dist: build it when missing or older than its sources. */
function ensureFreshConsole(): void {
  const dist = resolve(ROOT, 'alarm-console/dist/index.html');
  const builtAt = existsSync(dist) ? statSync(dist).mtimeMs : 0;
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
  const sources = Math.max(newest(resolve(ROOT, 'alarm-console/src')), statSync(resolve(ROOT, 'alarm-console/index.html')).mtimeMs);
  if (builtAt >= sources) return;
  try {
    execFileSync('npm', ['run', 'build', '-w', 'alarm-console'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`alarm-console build failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
}

/** Runs the part and prints its lines; the last is `press-to-pop-up p99 ratio <n>`. */
export async function browserPopupFigure(log: (line: string) => void): Promise<void> {
  if (!HAVE_CHROMIUM) {
    log(`press-to-pop-up (Chromium DOM): skipped, no Chromium at ${CHROMIUM}`);
    return;
  }
  ensureFreshConsole();
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-browser-'));
  const hbIds = numbered('hb', HEARTBEAT_DEVICES);
  const pressIds = numbered('popup', PRESSES + WARMUP);
  const trygg = new TryggProcess({
    dataDir: join(dir, 'data'), configFile: writeBenchOffice(dir, [hbIds, pressIds], { ids: [], heartbeatSeconds: 60 }),
    httpPort: await freePort(), mqttPort: await freePort(),
    env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' },
  });
  let browser: Browser | undefined;
  try {
    await trygg.start();
    const mqttUrl = `mqtt://127.0.0.1:${trygg.options.mqttPort}`;
    const load = await startHeartbeatLoad({ url: mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo', devices: hbIds, intervalMs: HEARTBEAT_INTERVAL_MS });
    try {
      await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_INTERVAL_MS)); // let the load settle

      browser = await launchChromium();
      const { page } = await openConsole(browser, trygg.baseUrl, { station: 'backoffice' });

      // Pop-up stamps from the page, pushed to Node through a binding (the stamp is taken in the page).
      const shown = new Map<string, { alarmId: string; at: number }>();
      let waiting: { deviceId: string; done: () => void } | undefined;
      await page.exposeFunction('__tryggBenchPopup', (deviceId: string, alarmId: string, at: number) => {
        if (shown.has(deviceId)) return;
        shown.set(deviceId, { alarmId, at });
        if (waiting?.deviceId === deviceId) waiting.done();
      });
      await page.evaluate(POPUP_OBSERVER);

      // Clock check: Chromium's wall-anchored clock against Node's, by round trips.
      let best = { rtt: Infinity, offset: NaN };
      for (let i = 0; i < CLOCK_ROUNDS; i++) {
        const t0 = performance.timeOrigin + performance.now();
        const tp = await page.evaluate(() => performance.timeOrigin + performance.now());
        const t1 = performance.timeOrigin + performance.now();
        if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: tp - (t0 + t1) / 2 };
      }

      // Gateway account publishes a device's down topic; a device account subscribes to it.
      const raw = summarize(await rawBrokerHop(mqttUrl, 'trygg/v1/sites/demo/devices/raw-hop/down', {
        subscriber: { username: 'demo-devices', password: 'trygg-demo-devices' },
        publisher: { username: 'demo-gw', password: 'trygg-demo-gateway' },
      }, RAW_SAMPLES, WARMUP, GAP_MS));

      const cookie = await login(trygg.baseUrl);
      const sim = await connectSimulator({ url: mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
      const samples: number[] = [];
      try {
        for (let i = 0; i < pressIds.length; i++) {
          const deviceId = pressIds[i]!;
          let timer: NodeJS.Timeout | undefined;
          const appeared = new Promise<void>((done, fail) => {
            waiting = { deviceId, done };
            timer = setTimeout(() => fail(new Error(`no pop-up in Chromium for ${deviceId} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
          });
          const { sentAt } = await sim.press(deviceId);
          try {
            if (!shown.has(deviceId)) await appeared;
          } finally {
            clearTimeout(timer);
          }
          const popup = shown.get(deviceId)!;
          if (i >= WARMUP) samples.push(popup.at - (performance.timeOrigin + sentAt));
          // Resolve as a responder would, then wait until the card has left the screen.
          const res = await fetch(`${trygg.baseUrl}/api/v1/alarms/${popup.alarmId}/resolve`, {
            method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ outcome: 'test' }),
          });
          if (!res.ok) throw new Error(`resolve ${deviceId}: ${res.status} ${await res.text()}`);
          await page.waitForSelector(`.alarm-card[data-device-id="${deviceId}"]`, { state: 'detached', timeout: TIMEOUT_MS });
          await new Promise((r) => setTimeout(r, GAP_MS));
        }
      } finally {
        await sim.close();
      }
      const full = summarize(samples);
      const sent = load.sent;

      log(`Trygg press-to-pop-up benchmark (loopback, Chromium ${browser.version()} headless at station backoffice, ${HEARTBEAT_DEVICES} devices heartbeating every ${HEARTBEAT_INTERVAL_MS} ms, ${sent} heartbeats sent)`);
      log(`clock check: Chromium minus Node ${best.offset.toFixed(3)} ms (± ${(best.rtt / 2).toFixed(3)} ms, best of ${CLOCK_ROUNDS} round trips; samples not corrected)`);
      log(row('raw broker hop'.padEnd(30), raw));
      log(row('press-to-pop-up (Chromium DOM)', full));
      log(`press-to-pop-up p99 ratio ${(full.p99 / raw.p99).toFixed(2)}`);
    } finally {
      await load.stop();
    }
  } finally {
    await browser?.close();
    await trygg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
