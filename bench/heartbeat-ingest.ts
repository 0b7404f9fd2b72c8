import { startHeartbeatLoad } from '@trygg/firmware-sim';
import { login } from '../test/support/console-client';
import type { GatewayProcess } from '../test/support/gateway-process';
import type { TryggProcess } from '../test/support/trygg-process';
import { cpuMeter, memoryMiB } from './process-usage';

export interface IngestOptions {
  trygg: TryggProcess;
  gateway: GatewayProcess;
  mqttUrl: string;
  devices: string[];
  intervalMs: number;
  idleMs: number;
  warmupMs: number;
  measureMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (n: number, d = 2) => n.toFixed(d);

/**
 * (a) Heartbeat ingest: every device beating at `intervalMs` through the gateway process into the
 * server; CPU (share of one core, from /proc/<pid>/stat) and resident memory of each process, idle
 * and under the load, and whether every device was seen by the server.
 */
export async function heartbeatIngest(o: IngestOptions): Promise<string[]> {
  const serverPid = o.trygg.pid!;
  const gatewayPid = o.gateway.pid!;
  const idleServer = cpuMeter(serverPid);
  const idleGateway = cpuMeter(gatewayPid);
  await sleep(o.idleMs);
  const idle = { server: idleServer.stop(), gateway: idleGateway.stop(), serverMem: memoryMiB(serverPid), gatewayMem: memoryMiB(gatewayPid) };

  const atStart = (await o.gateway.stats()).stats.heartbeatsReceived;
  const load = await startHeartbeatLoad({ url: o.mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo', devices: o.devices, intervalMs: o.intervalMs });
  let stopped = false;
  try {
    await sleep(o.warmupMs);
    const before = (await o.gateway.stats()).stats;
    const sentBefore = load.sent;
    const windowStart = Date.now();
    const server = cpuMeter(serverPid);
    const gateway = cpuMeter(gatewayPid);
    await sleep(o.measureMs);
    const used = { server: server.stop(), gateway: gateway.stop() };
    const mem = { server: memoryMiB(serverPid), gateway: memoryMiB(gatewayPid) };
    const after = (await o.gateway.stats()).stats;
    const sentInWindow = load.sent - sentBefore;
    const received = after.heartbeatsReceived - before.heartbeatsReceived;
    const batches = after.heartbeatBatchesPublished - before.heartbeatBatchesPublished;
    const seen = await devicesSeenSince(o.trygg.baseUrl, new Set(o.devices), windowStart);
    await load.stop();
    stopped = true;
    await sleep(2000); // let what is in flight arrive
    const total = { sent: load.sent, received: (await o.gateway.stats()).stats.heartbeatsReceived - atStart };
    const perSecond = Math.round((o.devices.length * 1000) / o.intervalMs);
    const row = (name: string, cpu: { cores: number }, idleCpu: { cores: number }, idleMem: { rss: number }, m: { rss: number; peak: number }) =>
      `  ${name.padEnd(49)} CPU ${f(cpu.cores)} cores (idle ${f(idleCpu.cores)})  RSS ${f(idleMem.rss, 0).padStart(4)} -> ${f(m.rss, 0).padStart(4)} MiB (peak ${f(m.peak, 0)})`;
    return [
      `heartbeat ingest: ${o.devices.length} devices, one heartbeat each every ${o.intervalMs} ms (${perSecond}/s over ${load.connections} connections), ${o.measureMs / 1000} s measured after ${o.warmupMs / 1000} s warm-up`,
      row('server process (embedded broker, ingest, SQLite)', used.server, idle.server, idle.serverMem, mem.server),
      row('gateway process (MQTT transport, batcher)', used.gateway, idle.gateway, idle.gatewayMem, mem.gateway),
      `  in the window: ${sentInWindow} heartbeats handed to mqtt.js, ${received} received by the gateway (${Math.round(received / (o.measureMs / 1000))}/s), ${batches} batches to the server; server saw ${seen}/${o.devices.length} devices`,
      `  whole run: ${total.sent} sent, ${total.received} received by the gateway (${f((100 * total.received) / Math.max(1, total.sent), 2)} %; heartbeats go at QoS 0)`,
    ];
  } finally {
    if (!stopped) await load.stop();
  }
}

async function devicesSeenSince(baseUrl: string, ids: Set<string>, since: number): Promise<number> {
  const cookie = await login(baseUrl, 'manager');
  const res = await fetch(`${baseUrl}/api/v1/devices`, { headers: { cookie } });
  const { devices } = (await res.json()) as { devices: { id: string; lastSeenAt: string | null }[] };
  return devices.filter((d) => ids.has(d.id) && d.lastSeenAt !== null && Date.parse(d.lastSeenAt) >= since).length;
}
