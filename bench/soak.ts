/**
 * `BENCH_ONLY=soak npm run bench`: an hour (SOAK_MINUTES) of a realistic office fleet: 10,000
 * devices (SOAK_DEVICES) heartbeating every 60 s (SOAK_INTERVAL_MS) and a press every 5 s
 * (SOAK_PRESS_MS) through the real path (simulator -> server's embedded broker -> gateway process
 * -> outbox -> broker -> server store), each alarm resolved through the REST API. The server and
 * the gateway run as separate processes; every 30 s (SOAK_SAMPLE_MS) their RSS (/proc), V8 heap
 * (server: prom-client's default metrics on /metrics; gateway: process.memoryUsage() over IPC)
 * and CPU are sampled. The figure is the memory growth after a warm-up: start-up allocation and
 * the first SQLite pages do not count, a leak does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator, startHeartbeatLoad } from '@trygg/firmware-sim';
import { login } from '../test/support/console-client';
import { freePort } from '../test/support/free-port';
import { GatewayProcess } from '../test/support/gateway-process';
import { metricSum } from '../test/support/prometheus-text';
import { TryggProcess } from '../test/support/trygg-process';
import { numbered, writeBenchOffice } from './bench-office';
import { summarize } from './percentiles';
import { cpuSeconds, memoryMiB } from './process-usage';
import { cpuCores, growthOf, type Growth, type GrowthWindows, type MemorySample } from './soak-memory';
import { SoakPresser } from './soak-presses';

const env = process.env;
const MINUTES = Number(env.SOAK_MINUTES ?? 60);
const DEVICES = Number(env.SOAK_DEVICES ?? 10_000);
const INTERVAL_MS = Number(env.SOAK_INTERVAL_MS ?? 60_000);
const PRESS_MS = Number(env.SOAK_PRESS_MS ?? 5000);
const SAMPLE_MS = Number(env.SOAK_SAMPLE_MS ?? 30_000);
const PER_CONNECTION = Number(env.SOAK_DEVICES_PER_CONNECTION ?? 100);
/** Warm-up and window default to 10 min each, shrunk to a third of a short run. */
const WARMUP_MIN = Number(env.SOAK_WARMUP_MINUTES ?? Math.min(10, MINUTES / 3));
const WINDOW_MIN = Number(env.SOAK_WINDOW_MINUTES ?? Math.min(10, MINUTES / 3));
const LOST_AFTER_MS = 30_000;
const MiB = 1024 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (n: number | null | undefined, d = 1) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));

async function serverSample(trygg: TryggProcess, pid: number, atMs: number): Promise<MemorySample> {
  let heapMiB: number | null = null;
  try {
    const text = await (await fetch(`${trygg.baseUrl}/metrics`)).text();
    const used = metricSum(text, 'trygg_process_nodejs_heap_size_used_bytes');
    heapMiB = used > 0 ? used / MiB : null;
  } catch {
    // /metrics did not answer: RSS only for this sample
  }
  return { atMs, rssMiB: memoryMiB(pid).rss, heapMiB, cpuSeconds: cpuSeconds(pid) };
}

async function gatewaySample(gateway: GatewayProcess, pid: number, atMs: number): Promise<MemorySample> {
  const heap = await Promise.race([gateway.memory().then((m) => m.heapUsed / MiB), sleep(5000).then(() => null)]).catch(() => null);
  return { atMs, rssMiB: memoryMiB(pid).rss, heapMiB: heap, cpuSeconds: cpuSeconds(pid) };
}

async function devicesSeenSince(baseUrl: string, ids: Set<string>, since: number): Promise<number> {
  const cookie = await login(baseUrl, 'manager');
  const res = await fetch(`${baseUrl}/api/v1/devices`, { headers: { cookie } });
  const { devices } = (await res.json()) as { devices: { id: string; lastSeenAt: string | null }[] };
  return devices.filter((d) => ids.has(d.id) && d.lastSeenAt !== null && Date.parse(d.lastSeenAt) >= since).length;
}

/** Runs the soak and prints its lines; the last is `soak: minutes <m> devices <n> server-growth <x>% ...`. */
export async function soak(print: (line: string) => void): Promise<void> {
  const durationMs = MINUTES * 60_000;
  const windows: GrowthWindows = { warmupMs: WARMUP_MIN * 60_000, windowMs: WINDOW_MIN * 60_000, durationMs };
  if (windows.warmupMs + 2 * windows.windowMs > durationMs) throw new Error(`soak: warm-up ${WARMUP_MIN} min + two ${WINDOW_MIN}-min windows do not fit in ${MINUTES} min`);
  if (INTERVAL_MS > 150_000) print(`soak: warning: heartbeats every ${INTERVAL_MS} ms come close to the 300 s x 2 silence window of a panic button`);

  const dir = mkdtempSync(join(tmpdir(), 'trygg-soak-'));
  // SOAK_KEEP_DIR=1 leaves the data (SQLite, broker queue, gateway outbox) for a post-mortem.
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => (env.SOAK_KEEP_DIR === '1' ? print(`soak: data kept in ${dir}`) : rmSync(dir, { recursive: true, force: true }))];
  try {
    const devices = numbered('soak', DEVICES);
    const configFile = writeBenchOffice(dir, [devices], { ids: [], heartbeatSeconds: 10 });
    const mqttPort = await freePort();
    const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    const trygg = new TryggProcess({
      dataDir: join(dir, 'data'), configFile, httpPort: await freePort(), mqttPort,
      env: { LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'warn', TRYGG_EMBEDDED_GATEWAY: 'off' },
    });
    cleanups.push(() => trygg.stop());
    await trygg.start();
    const uplink = { url: mqttUrl, username: 'demo-gw', password: 'trygg-demo-gateway' };
    const gateway = new GatewayProcess({ siteId: 'demo', gatewayId: 'demo-gw', dataDir: join(dir, 'gateway'), uplink, transports: [{ kind: 'mqtt', ...uplink }] },
      { LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'warn' });
    cleanups.push(() => gateway.stop());
    await gateway.start();
    const serverPid = trygg.pid!;
    const gatewayPid = gateway.pid!;

    const account = { url: mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' };
    const load = await startHeartbeatLoad({ ...account, devices, intervalMs: INTERVAL_MS, devicesPerConnection: PER_CONNECTION });
    cleanups.push(() => load.stop());
    const sim = await connectSimulator({ ...account, clientId: `soak-presser-${process.pid}` });
    cleanups.push(() => sim.close());
    const feedback = new Map<string, number>();
    sim.onFeedback((_deviceId, command) => feedback.set(command.action, (feedback.get(command.action) ?? 0) + 1));
    const presser = new SoakPresser({ baseUrl: trygg.baseUrl, sim, devices, intervalMs: PRESS_MS, lostAfterMs: LOST_AFTER_MS });

    const t0 = Date.now();
    const heartbeatsAtStart = (await gateway.stats()).stats.heartbeatsReceived;
    print(`soak: ${DEVICES} devices heartbeating every ${INTERVAL_MS / 1000} s over ${load.connections} connections, a press every ${PRESS_MS / 1000} s, ${MINUTES} min; server pid ${serverPid}, gateway pid ${gatewayPid}`);
    await presser.start();

    const server: MemorySample[] = [];
    const gw: MemorySample[] = [];
    let nextProgress = 0;
    for (let k = 0; ; k++) {
      const target = t0 + k * SAMPLE_MS;
      if (target > t0 + durationMs) break;
      if (target > Date.now()) await sleep(target - Date.now());
      // The scheduled time, not the clock's: a timer may fire a millisecond early, which would
      // move a sample across a window's edge.
      const atMs = k * SAMPLE_MS;
      // A process that died is the finding: say so with its last words rather than fail on /proc.
      for (const [name, proc] of [['server', trygg], ['gateway', gateway]] as const) {
        if (proc.pid !== undefined) continue;
        print(`soak: FAILED: the ${name} process exited at t=${f((Date.now() - t0) / 60_000)} min; its last output:`);
        for (const line of proc.output.slice(-30)) print(`  ${line}`);
        throw new Error(`soak: the ${name} process exited during the run`);
      }
      server.push(await serverSample(trygg, serverPid, atMs));
      gw.push(await gatewaySample(gateway, gatewayPid, atMs));
      if (atMs >= nextProgress) {
        nextProgress += 5 * 60_000;
        const s = server[server.length - 1]!;
        const g = gw[gw.length - 1]!;
        print(`soak: t=${f(atMs / 60_000)} min  server RSS ${f(s.rssMiB)} MiB heap ${f(s.heapMiB)} MiB  gateway RSS ${f(g.rssMiB)} MiB heap ${f(g.heapMiB)} MiB  heartbeats sent ${load.sent}  presses sent ${presser.tally.sent} stored ${presser.tally.stored} lost ${presser.tally.lost}`);
      }
    }
    const endedAt = Date.now();

    await presser.stop();
    const after = await gateway.stats();
    const seen = await devicesSeenSince(trygg.baseUrl, new Set(devices), endedAt - 2 * INTERVAL_MS);
    const sent = load.sent;
    await load.stop();
    const openNow = metricSum(await (await fetch(`${trygg.baseUrl}/metrics`)).text(), 'trygg_open_alarms');

    const growth = (samples: MemorySample[], pick: (s: MemorySample) => number | null) => growthOf(samples, windows, pick);
    const rssS = growth(server, (s) => s.rssMiB);
    const heapS = growth(server, (s) => s.heapMiB);
    const rssG = growth(gw, (s) => s.rssMiB);
    const heapG = growth(gw, (s) => s.heapMiB);
    const row = (name: string, g: Growth | null) =>
      g ? `  ${name.padEnd(16)} ${f(g.baseline).padStart(7)} MiB -> ${f(g.final).padStart(7)} MiB  growth ${f(g.percent, 2).padStart(6)} %  (${g.baselineSamples} + ${g.finalSamples} samples)` : `  ${name.padEnd(16)} n/a`;
    const t = presser.tally;
    const latency = summarize(t.storedMs);
    const from = (ms: number) => f(ms / 60_000, 0);

    print(`soak: how growth is computed: mean of the samples (one every ${SAMPLE_MS / 1000} s) in minutes ${from(windows.warmupMs)}-${from(windows.warmupMs + windows.windowMs)} (after a ${from(windows.warmupMs)}-min warm-up) against the mean in minutes ${from(durationMs - windows.windowMs)}-${from(durationMs)}; growth = (last - first) / first x 100. The headline figure is RSS (/proc/<pid>/status VmRSS); the V8 heap in use is shown beside it.`);
    print(row('server RSS', rssS));
    print(row('server heap', heapS));
    print(row('gateway RSS', rssG));
    print(row('gateway heap', heapG));
    print(`  peak RSS (VmHWM): server ${f(memoryMiB(serverPid).peak)} MiB, gateway ${f(memoryMiB(gatewayPid).peak)} MiB`);
    print(`  CPU (share of one core, after the warm-up): server ${f(cpuCores(server, windows.warmupMs), 3)}, gateway ${f(cpuCores(gw, windows.warmupMs), 3)}; whole run: server ${f(cpuCores(server, 0), 3)}, gateway ${f(cpuCores(gw, 0), 3)}`);
    const received = after.stats.heartbeatsReceived - heartbeatsAtStart;
    print(`  heartbeats: ${sent} sent (QoS 0), ${received} received by the gateway (${f((100 * received) / Math.max(1, sent), 3)} %), ${after.stats.heartbeatBatchesPublished} batches to the server; server saw ${seen}/${DEVICES} devices in the last ${f((2 * INTERVAL_MS) / 1000, 0)} s`);
    print(`  presses: ${t.sent} confirmed by the broker, ${t.stored} stored (alarm in the API), ${t.lost} lost (no alarm ${LOST_AFTER_MS / 1000} s later)${t.lost > 0 ? `: ${t.lostDevices.slice(0, 10).join(', ')}` : ''}; ${t.resolved} resolved through the API; device feedback ${[...feedback].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
    print(`  gateway counters: events stored ${after.stats.eventsStored}, rejected ${JSON.stringify(after.stats.rejected)}, uplink connects ${after.stats.uplinkConnects}, commands received ${after.stats.commandsReceived} forwarded ${after.stats.commandsForwarded}`);
    print(`  confirmed press to alarm seen in the API (200 ms poll): p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms; other alarms resolved ${t.otherResolved}; API errors ${t.apiErrors}; open alarms at the end ${openNow}; gateway outbox depth ${after.outboxDepth}`);
    print(`soak: minutes ${MINUTES} devices ${DEVICES} server-growth ${f(rssS?.percent, 2)}% gateway-growth ${f(rssG?.percent, 2)}% presses ${t.sent} lost ${t.lost}`);
  } finally {
    for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch(() => {});
  }
}
