/**
 * `BENCH_ONLY=alarms-first npm run bench` (issue 14, docs/alarms-first.md): nothing a manager, a
 * heartbeat storm or a big history does may slow a pop-up. Each figure is measured beside its
 * baseline in the same run, on the same machine, and printed as it is; the five fixed lines are
 * `alarms-first history-poll p99 ratio`, `heartbeat-storm p99 ratio`, `fanout-500 last p99`,
 * `lookup 40k/1k ratio` and `start/server ratio`.
 */
import { performance } from 'node:perf_hooks';
import { login } from '../test/support/console-client';
import { lookupNsPerHeartbeat } from './alarms-first-lookup';
import { fanout } from './alarms-first-fanout';
import { heartbeatCost, type HeartbeatCost } from './alarms-first-heartbeat-cost';
import { DEVICE_LOGIN, numbered, pressLoop, seedHistory, sleep, startServer, type BenchServer } from './alarms-first-office';
import { timeToReady } from './alarms-first-start';
import { heartbeatLoadIds, startHeartbeatLoadProcess } from './heartbeat-load-process';
import { formatRow, summarize, type Summary } from './percentiles';
import { runTimedPart, type PartContext } from './timed-part';

const env = process.env;
/** Measured presses per press loop: p99 is then the 10th slowest of 1,000, not the 3rd of 300. */
const PRESSES = Number(env.BENCH_AF_PRESSES ?? 1000);
/** Presses at the start of every loop that are not measured (fresh console and simulator connections, JIT). */
const WARMUP = Number(env.BENCH_AF_WARMUP ?? 50);
const GAP_MS = Number(env.BENCH_AF_GAP_MS ?? 40);
const HISTORY = Number(env.BENCH_AF_HISTORY ?? 100_000);
const STORM_DEVICES = Number(env.BENCH_AF_STORM_DEVICES ?? 10_000);
const FANOUT_CONSOLES = Number(env.BENCH_AF_CONSOLES ?? 500);
const FANOUT_PRESSES = Number(env.BENCH_AF_FANOUT_PRESSES ?? 300);
const STARTS = Number(env.BENCH_AF_STARTS ?? 5);
/** Heartbeats a second for both fleets of the heartbeat-cost figure (1,000 devices every second, 40,000 every 40 s). */
const HEARTBEATS_PER_SECOND = Number(env.BENCH_AF_HEARTBEATS_PER_SECOND ?? 1000);
const COST_FLEETS = (env.BENCH_AF_COST_FLEETS ?? '1000,40000').split(',').map(Number);
/** The baseline and the measured run alternate in this many blocks each, so drift in the machine's other load falls on both. */
const BLOCKS = 2;

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const share = (total: number, blocks: number, i: number) => Math.floor((total * (i + 1)) / blocks) - Math.floor((total * i) / blocks);

/** A press loop that names its place (for a stall) and takes the next unused press devices. */
function loops(server: BenchServer, devices: string[], ctx: PartContext) {
  let next = 0;
  return async (label: string, measured: number): Promise<number[]> => {
    const mine = devices.slice(next, next + WARMUP + measured);
    next += mine.length;
    if (mine.length < WARMUP + measured) throw new Error(`bench office: ${devices.length} press devices are too few`);
    return pressLoop(server, mine, WARMUP, GAP_MS, (done, total) => ctx.stage(`${label}: press ${done + 1} of ${total}`));
  };
}

async function historyPoll(print: (line: string) => void, ctx: PartContext): Promise<void> {
  const devices = numbered('hp', 2 * BLOCKS * WARMUP + 2 * PRESSES);
  ctx.stage(`seeding ${HISTORY} alarms and starting the server`);
  const server = await startServer({ presses: devices }, { seed: (db) => seedHistory(db, HISTORY) });
  ctx.onTimeout(() => server.stop());
  try {
    const loop = loops(server, devices, ctx);
    const cookie = await login(server.trygg.baseUrl, 'manager');
    const pollMs: number[] = [];
    const base: number[] = [];
    const polled: number[] = [];
    for (let block = 0; block < BLOCKS; block++) {
      base.push(...await loop(`history-poll, no poller, block ${block + 1} of ${BLOCKS}`, share(PRESSES, BLOCKS, block)));
      // A manager's history view: the newest page (200 alarms) once a second, for the whole loop.
      let polling = true;
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
      try {
        polled.push(...await loop(`history-poll, polling, block ${block + 1} of ${BLOCKS}`, share(PRESSES, BLOCKS, block)));
      } finally {
        polling = false;
        await poller;
      }
    }
    const b = summarize(base);
    const p = summarize(polled);
    print(`alarms-first history-poll: ${HISTORY} stored alarms, a manager polling GET /api/v1/alarms?limit=200 once a second (${pollMs.length} polls, p50 ${median(pollMs).toFixed(1)} ms, max ${Math.max(...pollMs).toFixed(1)} ms); ${BLOCKS} blocks each, alternating`);
    print(formatRow('press-to-pop-up, no poller', b));
    print(formatRow('press-to-pop-up, polling', p));
    print(`alarms-first history-poll p99 ratio ${ratio(p.p99, b.p99)}`);
  } finally {
    await server.stop();
  }
}

async function heartbeatStorm(print: (line: string) => void, ctx: PartContext): Promise<void> {
  const presses = numbered('sp', 2 * WARMUP + 2 * PRESSES);
  const heartbeat = heartbeatLoadIds('storm', STORM_DEVICES);
  ctx.stage(`starting the server with ${STORM_DEVICES} heartbeat devices`);
  const server = await startServer({ presses, heartbeat }, { env: { TRYGG_BROKER_PUBLISH_LIMIT: 'off' } });
  ctx.onTimeout(() => server.stop());
  try {
    const loop = loops(server, presses, ctx);
    const idle = summarize(await loop('heartbeat-storm, idle', PRESSES));
    ctx.stage(`starting ${STORM_DEVICES} heartbeating devices`);
    const load = await startHeartbeatLoadProcess({ url: server.mqttUrl, ...DEVICE_LOGIN, prefix: 'storm', devices: STORM_DEVICES, intervalMs: 1000 });
    ctx.onTimeout(() => load.kill());
    let stormed: Summary;
    try {
      ctx.stage('heartbeat-storm: letting every device heartbeat a few times');
      await sleep(3000);
      stormed = summarize(await loop('heartbeat-storm, storm', PRESSES));
    } catch (err) {
      await load.stop(); // the press loop's error is the one to report
      throw err;
    }
    ctx.stage('heartbeat-storm: stopping the load');
    const sent = await load.stop();
    const rate = sent ? `${(sent.sent / sent.seconds).toFixed(0)} heartbeats/s sent over ${sent.seconds.toFixed(0)} s` : 'rate unknown: the load had to be killed';
    print(`alarms-first heartbeat-storm: ${STORM_DEVICES} devices heartbeating every second over ${load.connections} connections from their own process (${rate})`);
    print(formatRow('press-to-console, idle', idle));
    print(formatRow('press-to-console, storm', stormed));
    print(`alarms-first heartbeat-storm p99 ratio ${ratio(stormed.p99, idle.p99)}`);
  } finally {
    await server.stop();
  }
}

async function fanoutFigure(print: (line: string) => void, ctx: PartContext): Promise<void> {
  const one = await fanout(1, FANOUT_PRESSES, WARMUP, GAP_MS, ctx);
  const many = await fanout(FANOUT_CONSOLES, FANOUT_PRESSES, WARMUP, GAP_MS, ctx);
  const s1 = summarize(one.last);
  const sN = summarize(many.last);
  print(formatRow('fan-out, 1 console (last)', s1));
  print(formatRow(`fan-out, ${FANOUT_CONSOLES} consoles (last)`, sN));
  print(`alarms-first fanout CPU per alarm: ${many.cpuMsPerAlarm.toFixed(2)} ms with ${FANOUT_CONSOLES} consoles, ${one.cpuMsPerAlarm.toFixed(2)} ms with 1 (ratio ${ratio(many.cpuMsPerAlarm, one.cpuMsPerAlarm)})`);
  print(`alarms-first fanout-${FANOUT_CONSOLES} last p99 ${sN.p99.toFixed(2)} ms`);
}

async function lookupFigure(print: (line: string) => void, ctx: PartContext): Promise<void> {
  ctx.stage('lookup: in-process passes over 1,000 and 40,000 devices');
  const [small, large] = lookupNsPerHeartbeat([1000, 40_000]) as [{ trygg: number; floor: number }, { trygg: number; floor: number }];
  print(`alarms-first lookup: ${small.trygg.toFixed(0)} ns per heartbeat at 1,000 devices, ${large.trygg.toFixed(0)} ns at 40,000 (server device lookup + gateway transport map; best of 15 passes, the sizes taking turns)`);
  print(`alarms-first lookup floor: one plain Map lookup of the same ids ${small.floor.toFixed(0)} ns at 1,000, ${large.floor.toFixed(0)} ns at 40,000 (ratio ${ratio(large.floor, small.floor)}: what a map of that size costs on this machine)`);
  print(`alarms-first lookup 40k/1k ratio ${ratio(large.trygg, small.trygg)}`);
}

async function heartbeatCostFigure(print: (line: string) => void, ctx: PartContext): Promise<void> {
  const small = await heartbeatCost(COST_FLEETS[0]!, HEARTBEATS_PER_SECOND, ctx);
  const large = await heartbeatCost(COST_FLEETS[1]!, HEARTBEATS_PER_SECOND, ctx);
  const row = (c: HeartbeatCost) => `${c.usPerHeartbeat.toFixed(1)} us at ${c.devices} devices (sent ${c.sentPerSecond?.toFixed(0) ?? '?'}/s, ${c.shedBatches} batches shed)`;
  print(`alarms-first heartbeat cost: server CPU per heartbeat at ${HEARTBEATS_PER_SECOND} heartbeats/s: ${row(small)}, ${row(large)}`);
  print(`alarms-first heartbeat cost 40k/1k ratio ${ratio(large.usPerHeartbeat, small.usPerHeartbeat)}`);
}

async function startFigure(print: (line: string) => void, ctx: PartContext): Promise<void> {
  ctx.stage('start: bringing the console build up to date');
  await timeToReady('npm-start'); // brings the console build up to date (untimed), so the console is unchanged below
  const npmStart: number[] = [];
  const server: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    ctx.stage(`start: round ${i + 1} of ${STARTS}`);
    server.push(await timeToReady('server'));
    npmStart.push(await timeToReady('npm-start'));
  }
  print(`alarms-first start: npm start to ready ${median(npmStart).toFixed(0)} ms (median of ${STARTS}: ${npmStart.map((v) => v.toFixed(0)).join(', ')}), server alone ${median(server).toFixed(0)} ms (${server.map((v) => v.toFixed(0)).join(', ')}), console unchanged`);
  print(`alarms-first start/server ratio ${ratio(median(npmStart), median(server))}`);
}

/** The parts in the order they run, each with its time budget; BENCH_AF_PARTS picks some of them. */
const PARTS = {
  'history-poll': { run: historyPoll, budgetS: 600, line: 'history-poll p99 ratio' },
  'heartbeat-storm': { run: heartbeatStorm, budgetS: 600, line: 'heartbeat-storm p99 ratio' },
  fanout: { run: fanoutFigure, budgetS: 600, line: `fanout-${FANOUT_CONSOLES} last p99` },
  lookup: { run: lookupFigure, budgetS: 120, line: 'lookup 40k/1k ratio' },
  'heartbeat-cost': { run: heartbeatCostFigure, budgetS: 600, line: 'heartbeat cost 40k/1k ratio' },
  start: { run: startFigure, budgetS: 300, line: 'start/server ratio' },
} as const;
type PartName = keyof typeof PARTS;

function chosenParts(): PartName[] {
  const all = Object.keys(PARTS) as PartName[];
  const raw = env.BENCH_AF_PARTS?.trim();
  if (!raw) return all;
  const named = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = named.filter((p) => !all.includes(p as PartName));
  if (unknown.length > 0) throw new Error(`BENCH_AF_PARTS: unknown part(s) ${unknown.join(', ')} (parts: ${all.join(', ')})`);
  return all.filter((p) => named.includes(p));
}

/**
 * Runs the chosen parts in turn (all five unless BENCH_AF_PARTS names some), each within its
 * budget (BENCH_AF_BUDGET_SCALE scales them all); lines are printed as each finishes. A part that
 * fails or stalls is reported where it stood and the next part runs; the bench then fails.
 */
export async function alarmsFirst(print: (line: string) => void): Promise<void> {
  const scale = Number(env.BENCH_AF_BUDGET_SCALE ?? 1);
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    print(line);
  };
  const t0 = performance.now();
  const failed: string[] = [];
  for (const name of chosenParts()) {
    const part = PARTS[name];
    const outcome = await runTimedPart(name, part.budgetS * 1000 * scale, (ctx) => part.run(out, ctx));
    if (outcome.ok) print(`alarms-first ${name}: done in ${outcome.seconds.toFixed(0)} s`);
    else {
      out(`alarms-first ${part.line} missing: ${outcome.reason}`);
      failed.push(name);
    }
  }
  // The fixed lines together at the end, as printed above.
  print(`alarms-first summary (${((performance.now() - t0) / 1000).toFixed(0)} s in all):`);
  for (const line of lines) if (/^alarms-first (history-poll p99 ratio|heartbeat-storm p99 ratio|fanout-\d+ last p99|lookup 40k\/1k ratio|heartbeat cost 40k\/1k ratio|start\/server ratio) /.test(line)) print(line);
  if (failed.length > 0) throw new Error(`alarms-first: ${failed.join(', ')} did not complete`);
}
