/**
 * `npm run bench`: first the device figures (bench/device-figures.ts: heartbeat ingest of 10,000
 * devices, silence to technical alarm, press-to-console by transport), then press-to-pop-up in
 * a real console page in Chromium (bench/browser-popup.ts), then, last, the
 * press-to-console latency through the whole system
 * (simulator -> MQTT -> gateway outbox -> broker -> server store -> WebSocket console) while
 * 1,000 simulated devices heartbeat, next to the raw broker hop (MQTT publish -> subscribe
 * through the same broker, no Trygg code), and the ratio of the two.
 *
 * The server runs as its own process, exactly as `npm start` runs it (embedded broker and
 * gateway, SQLite with synchronous=FULL in a temp dir); load and measurement run here.
 *
 * BENCH_ONLY=ingest,silence,transports,arc,evacuation,sms-evacuation,browser,press runs only the parts named; the last line,
 * `press-to-console p99 ratio <n>`, comes from `press` and stays the last line.
 * `soak` (bench/soak.ts, an hour by default) runs only when named (BENCH_ONLY=soak), after every
 * other part; its last line is `soak: minutes <m> devices <n> server-growth <x>% ...`.
 * `alarms-first` (bench/alarms-first.ts, about half an hour) also runs only when named;
 * BENCH_AF_PARTS picks some of its parts (docs/alarms-first.md, "The bench").
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectSimulator, startHeartbeatLoad } from '@trygg/firmware-sim';
import { parse, stringify } from 'yaml';
import type { TryggConfig } from '../server/src/config/types';
import { DEMO_CONFIG } from '../server/src/environment';
import { ConsoleClient } from '../test/support/console-client';
import { freePort } from '../test/support/free-port';
import { TryggProcess } from '../test/support/trygg-process';
import { measureArcEscalation } from './arc-escalation';
import { measureArcFailover } from './arc-failover';
import { measureEvacuationFanout } from './evacuation-fanout';
import { measureSmsEvacuation } from './sms-evacuation';
import { browserPopupFigure } from './browser-popup';
import { rawBrokerHop } from './broker-hop';
import { deviceFigures, type DevicePart } from './device-figures';
import { formatRow as row, summarize } from './percentiles';
import { soak } from './soak';
import { alarmsFirst } from './alarms-first';

const PARTS = ['ingest', 'silence', 'transports', 'arc', 'evacuation', 'sms-evacuation', 'browser', 'press', 'soak', 'alarms-first'] as const;
type Part = (typeof PARTS)[number];
/** Parts that run only when BENCH_ONLY names them (the soak takes an hour). */
const ON_REQUEST: readonly Part[] = ['soak', 'alarms-first'];

const HEARTBEAT_DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const HEARTBEAT_INTERVAL_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 1000);
const PRESSES = Number(process.env.BENCH_PRESSES ?? 400);
const RAW_SAMPLES = Number(process.env.BENCH_RAW ?? 400);
const WARMUP = 20;
const GAP_MS = 10;

function benchOffice(dir: string): string {
  const config = parse(readFileSync(DEMO_CONFIG, 'utf8')) as TryggConfig;
  const site = config.sites[0]!;
  const rooms = ['interview-1', 'interview-2', 'interview-3', 'reception'];
  for (let i = 0; i < HEARTBEAT_DEVICES; i++) {
    site.devices.push({ id: `hb-${String(i).padStart(4, '0')}`, type: 'panic-button', roomId: rooms[i % rooms.length]!, gatewayId: 'demo-gw' });
  }
  for (let i = 0; i < PRESSES + WARMUP; i++) {
    site.devices.push({ id: `press-${String(i).padStart(4, '0')}`, type: 'panic-button', roomId: rooms[i % rooms.length]!, gatewayId: 'demo-gw' });
  }
  const file = join(dir, 'bench-office.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

function chosenParts(): Set<Part> {
  const raw = process.env.BENCH_ONLY?.trim();
  if (!raw) return new Set(PARTS.filter((p) => !ON_REQUEST.includes(p)));
  const named = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = named.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown part(s) ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  return new Set(named as Part[]);
}

async function pressToConsole(baseUrl: string, mqttUrl: string): Promise<number[]> {
  const console = await ConsoleClient.open(baseUrl, 'backoffice');
  const sim = await connectSimulator({ url: mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
  const samples: number[] = [];
  const popupAt = new Map<string, number>();
  let waiting: { deviceId: string; resolve: () => void } | undefined;
  const seen = console.messages.length;
  const originalPush = console.messages.push.bind(console.messages);
  console.messages.push = (...items) => {
    const now = performance.now();
    for (const m of items) {
      if (m.type === 'popup' && m.alarm.deviceId && !popupAt.has(m.alarm.deviceId)) {
        popupAt.set(m.alarm.deviceId, now);
        if (waiting?.deviceId === m.alarm.deviceId) waiting.resolve();
        // Keep the office calm: every measured alarm is resolved, as a responder would.
        console.send({ type: 'resolve', alarmId: m.alarm.id, outcome: 'test' });
      }
    }
    return originalPush(...items);
  };
  void seen;
  for (let i = 0; i < PRESSES + WARMUP; i++) {
    const deviceId = `press-${String(i).padStart(4, '0')}`;
    const shown = new Promise<void>((resolve) => (waiting = { deviceId, resolve }));
    const { sentAt } = await sim.press(deviceId);
    await Promise.race([shown, new Promise((_, reject) => setTimeout(() => reject(new Error(`no pop-up for ${deviceId} within 10 s`)), 10_000))]);
    if (i >= WARMUP) samples.push(popupAt.get(deviceId)! - sentAt);
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  await sim.close();
  console.close();
  return samples;
}

async function main(): Promise<void> {
  const parts = chosenParts();
  const deviceParts = new Set([...parts].filter((p): p is DevicePart => p !== 'press' && p !== 'arc' && p !== 'browser' && p !== 'soak' && p !== 'sms-evacuation' && p !== 'alarms-first'));
  if (deviceParts.size > 0) await deviceFigures(deviceParts, (line) => console.log(line));
  if (parts.has('evacuation')) {
    const f = await measureEvacuationFanout();
    console.log(`evacuation fan-out: ${f.people} people x (SMS + voice) through the fake provider: all stored ${f.storedMs.toFixed(0)} ms, all delivered ${f.deliveredMs.toFixed(0)} ms; sent twice: ${f.duplicates}`);
  }
  if (parts.has('sms-evacuation')) {
    const s = await measureSmsEvacuation();
    console.log(`sms evacuation over SMPP: ${s.people} people: messages ${s.messages} (${s.submitted} submit_sm), delivery receipts matched ${s.receiptsMatched}, replies ${s.repliesSent} sent / ${s.repliesMatched} matched safe; sent twice ${s.sentTwice}; not evacuation messages ${s.otherMessages}; all at the SMSC ${s.allSubmittedMs.toFixed(0)} ms, all safe ${s.allSafeMs.toFixed(0)} ms`);
  }
  if (parts.has('arc')) {
    const f = await measureArcEscalation();
    console.log(`escalation to the guards (demo office, TRYGG_DEMO_FAST): DC-09 frame ${f.measuredS.toFixed(2)} s after the press, configured ${f.configuredS} s (ratio ${(f.measuredS / f.configuredS).toFixed(3)}); nobody online: ${(f.nobodyOnlineS * 1000).toFixed(0)} ms`);
    const h = await measureArcFailover();
    console.log(`guards' ARC, primary accepts TCP and never answers: frame at the secondary ${h.secondaryMs.toFixed(0)} ms after dispatch (per-attempt timeout ${h.timeoutMs} ms, plan budget ${h.budgetMs} ms, frames to the primary ${h.primaryFrames})`);
  }
  if (parts.has('browser')) await browserPopupFigure((line) => console.log(line));
  if (parts.has('press')) await pressFigure();
  if (parts.has('alarms-first')) await alarmsFirst((line) => console.log(line));
  if (parts.has('soak')) await soak((line) => console.log(line));
}

async function pressFigure(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-'));
  const trygg = new TryggProcess({
    dataDir: join(dir, 'data'), configFile: benchOffice(dir), httpPort: await freePort(), mqttPort: await freePort(),
    env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' },
  });
  try {
    await trygg.start();
    const mqttUrl = `mqtt://127.0.0.1:${trygg.options.mqttPort}`;
    const devices = Array.from({ length: HEARTBEAT_DEVICES }, (_, i) => `hb-${String(i).padStart(4, '0')}`);
    const load = await startHeartbeatLoad({ url: mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo', devices, intervalMs: HEARTBEAT_INTERVAL_MS });
    await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_INTERVAL_MS)); // let the load settle

    // Gateway account publishes a device's down topic; a device account subscribes to it.
    const raw = summarize(await rawBrokerHop(mqttUrl, 'trygg/v1/sites/demo/devices/raw-hop/down', {
      subscriber: { username: 'demo-devices', password: 'trygg-demo-devices' },
      publisher: { username: 'demo-gw', password: 'trygg-demo-gateway' },
    }, RAW_SAMPLES, WARMUP, GAP_MS));
    const full = summarize(await pressToConsole(trygg.baseUrl, mqttUrl));
    const sent = load.sent;
    await load.stop();

    console.log(`Trygg press-to-console benchmark (loopback, ${HEARTBEAT_DEVICES} devices heartbeating every ${HEARTBEAT_INTERVAL_MS} ms over ${load.connections} connections, ${sent} heartbeats sent)`);
    console.log(row('raw broker hop', raw));
    console.log(row('press-to-console', full));
    console.log(`press-to-console p50 ratio ${(full.p50 / raw.p50).toFixed(2)}`);
    console.log(`press-to-console p95 ratio ${(full.p95 / raw.p95).toFixed(2)}`);
    console.log(`press-to-console p99 ratio ${(full.p99 / raw.p99).toFixed(2)}`);
  } finally {
    await trygg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exit(1);
});
