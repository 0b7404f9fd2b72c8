/**
 * `BENCH_ONLY=alarms-first npm run bench` (issue 14, docs/alarms-first.md): nothing a manager, a
 * heartbeat storm or a big history does may slow a pop-up. Each figure is measured beside its
 * baseline in the same run, on the same machine, and printed as it is; the five fixed lines are
 * `alarms-first history-poll p99 ratio`, `heartbeat-storm p99 ratio`, `fanout-500 last p99`,
 * `lookup 40k/1k ratio` and `start/server ratio`.
 */
import { startHeartbeatLoad } from '@trygg/firmware-sim';
import { login } from '../test/support/console-client';
import { lookupNsPerHeartbeat } from './alarms-first-lookup';
import { fanout } from './alarms-first-fanout';
import { DEVICE_LOGIN, numbered, pressLoop, seedHistory, sleep, startServer } from './alarms-first-office';
import { timeToReady } from './alarms-first-start';
import { formatRow, summarize } from './percentiles';

const env = process.env;
const PRESSES = Number(env.BENCH_AF_PRESSES ?? 300);
const WARMUP = 20;
const GAP_MS = Number(env.BENCH_AF_GAP_MS ?? 40);
const HISTORY = Number(env.BENCH_AF_HISTORY ?? 100_000);
const STORM_DEVICES = Number(env.BENCH_AF_STORM_DEVICES ?? 10_000);
const FANOUT_CONSOLES = Number(env.BENCH_AF_CONSOLES ?? 500);
const FANOUT_PRESSES = Number(env.BENCH_AF_FANOUT_PRESSES ?? 100);
const STARTS = Number(env.BENCH_AF_STARTS ?? 3);

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function historyPoll(print: (line: string) => void): Promise<void> {
  const devices = numbered('hp', 2 * (PRESSES + WARMUP));
  const server = await startServer({ presses: devices }, { seed: (db) => seedHistory(db, HISTORY) });
  try {
    const base = summarize(await pressLoop(server, devices.slice(0, PRESSES + WARMUP), WARMUP, GAP_MS));
    // A manager's history view: the newest page (200 alarms) once a second, for the whole loop.
    const cookie = await login(server.trygg.baseUrl, 'manager');
    let polling = true;
    const pollMs: number[] = [];
    const poller = (async () => {
      while (polling) {
        const t0 = performance.now();
        const res = await fetch(`${server.trygg.baseUrl}/api/v1/alarms?limit=200`, { headers: { cookie } });
        if (!res.ok) throw new Error(`history poll: ${res.status} ${await res.text()}`);
        const page = (await res.json()) as { alarms: unknown[] };
        if (page.alarms.length !== 200) throw new Error(`history poll: ${page.alarms.length} alarms, expected 200`);
        pollMs.push(performance.now() - t0);
        await sleep(1000);
      }
    })();
    const polled = summarize(await pressLoop(server, devices.slice(PRESSES + WARMUP), WARMUP, GAP_MS));
    polling = false;
    await poller;
    print(`alarms-first history-poll: ${HISTORY} stored alarms, a manager polling GET /api/v1/alarms?limit=200 once a second (${pollMs.length} polls, p50 ${median(pollMs).toFixed(1)} ms, max ${Math.max(...pollMs).toFixed(1)} ms)`);
    print(formatRow('press-to-pop-up, no poller', base));
    print(formatRow('press-to-pop-up, polling', polled));
    print(`alarms-first history-poll p99 ratio ${ratio(polled.p99, base.p99)}`);
  } finally {
    await server.stop();
  }
}

async function heartbeatStorm(print: (line: string) => void): Promise<void> {
  const presses = numbered('sp', 2 * (PRESSES + WARMUP));
  const heartbeat = numbered('storm', STORM_DEVICES);
  const server = await startServer({ presses, heartbeat }, { env: { TRYGG_BROKER_PUBLISH_LIMIT: 'off' } });
  try {
    const idle = summarize(await pressLoop(server, presses.slice(0, PRESSES + WARMUP), WARMUP, GAP_MS));
    const load = await startHeartbeatLoad({ url: server.mqttUrl, ...DEVICE_LOGIN, devices: heartbeat, intervalMs: 1000 });
    try {
      await sleep(3000); // every device has heartbeated a few times
      const sent0 = load.sent;
      const t0 = performance.now();
      const stormed = summarize(await pressLoop(server, presses.slice(PRESSES + WARMUP), WARMUP, GAP_MS));
      const rate = ((load.sent - sent0) / ((performance.now() - t0) / 1000)).toFixed(0);
      print(`alarms-first heartbeat-storm: ${STORM_DEVICES} devices heartbeating every second over ${load.connections} connections (${rate} heartbeats/s sent during the presses)`);
      print(formatRow('press-to-console, idle', idle));
      print(formatRow('press-to-console, storm', stormed));
      print(`alarms-first heartbeat-storm p99 ratio ${ratio(stormed.p99, idle.p99)}`);
    } finally {
      await load.stop();
    }
  } finally {
    await server.stop();
  }
}

async function fanoutFigure(print: (line: string) => void): Promise<void> {
  const one = await fanout(1, FANOUT_PRESSES, WARMUP, GAP_MS);
  const many = await fanout(FANOUT_CONSOLES, FANOUT_PRESSES, WARMUP, GAP_MS);
  const s1 = summarize(one.last);
  const sN = summarize(many.last);
  print(formatRow('fan-out, 1 console (last)', s1));
  print(formatRow(`fan-out, ${FANOUT_CONSOLES} consoles (last)`, sN));
  print(`alarms-first fanout CPU per alarm: ${many.cpuMsPerAlarm.toFixed(2)} ms with ${FANOUT_CONSOLES} consoles, ${one.cpuMsPerAlarm.toFixed(2)} ms with 1 (ratio ${ratio(many.cpuMsPerAlarm, one.cpuMsPerAlarm)})`);
  print(`alarms-first fanout-${FANOUT_CONSOLES} last p99 ${sN.p99.toFixed(2)} ms`);
}

function lookupFigure(print: (line: string) => void): void {
  lookupNsPerHeartbeat(1000, 2); // warm the JIT on both paths
  const small = lookupNsPerHeartbeat(1000);
  const large = lookupNsPerHeartbeat(40_000);
  print(`alarms-first lookup: ${small.toFixed(0)} ns per heartbeat at 1,000 devices, ${large.toFixed(0)} ns at 40,000 (server device lookup + gateway transport map)`);
  print(`alarms-first lookup 40k/1k ratio ${ratio(large, small)}`);
}

async function startFigure(print: (line: string) => void): Promise<void> {
  await timeToReady('npm-start'); // brings the console build up to date (untimed), so the console is unchanged below
  const npmStart: number[] = [];
  const server: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    server.push(await timeToReady('server'));
    npmStart.push(await timeToReady('npm-start'));
  }
  print(`alarms-first start: npm start to ready ${median(npmStart).toFixed(0)} ms (median of ${STARTS}: ${npmStart.map((v) => v.toFixed(0)).join(', ')}), server alone ${median(server).toFixed(0)} ms (${server.map((v) => v.toFixed(0)).join(', ')}), console unchanged`);
  print(`alarms-first start/server ratio ${ratio(median(npmStart), median(server))}`);
}

/** Runs the five measurements in turn; lines are printed as each finishes. */
export async function alarmsFirst(print: (line: string) => void): Promise<void> {
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    print(line);
  };
  await historyPoll(out);
  await heartbeatStorm(out);
  await fanoutFigure(out);
  lookupFigure(out);
  await startFigure(out);
  // The five fixed lines together at the end, as printed above.
  print('alarms-first summary:');
  for (const line of lines) if (/^alarms-first (history-poll p99 ratio|heartbeat-storm p99 ratio|fanout-\d+ last p99|lookup 40k\/1k ratio|start\/server ratio) /.test(line)) print(line);
}
