import { DEVICE_LOGIN, sleep, startServer } from './alarms-first-office';
import { heartbeatLoadIds, startHeartbeatLoadProcess } from './heartbeat-load-process';
import { cpuSeconds } from './process-usage';
import type { PartContext } from './timed-part';

export interface HeartbeatCost {
  devices: number;
  /** Heartbeats a second the load was set to send (devices / interval). */
  perSecond: number;
  /** Server CPU per heartbeat over the window, in microseconds (broker, gateway, ingest, supervision). */
  usPerHeartbeat: number;
  /** What the load reported sending, per second over its whole run (undefined if it had to be killed). */
  sentPerSecond?: number;
  /** Heartbeat batches the server dropped unprocessed in the window (overload; they would flatter the cost). */
  shedBatches: number;
}

/** trygg_heartbeat_batches_shed_total from /metrics (the server on loopback serves it as it is). */
async function shedBatches(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = /^trygg_heartbeat_batches_shed_total (\d+)/m.exec(text);
  if (!m) throw new Error('heartbeat cost: /metrics has no trygg_heartbeat_batches_shed_total');
  return Number(m[1]);
}

/**
 * The whole heartbeat path in the server process, as `npm start` runs it (embedded broker and
 * gateway, ingest, supervision, SQLite): CPU per heartbeat for a fleet of `devices` that together
 * send `perSecond` heartbeats a second (each device every devices / perSecond seconds). The same
 * rate for a small and a large fleet shows what grows with the fleet alone: per-device maps,
 * tables and indexes, not the message rate.
 */
export async function heartbeatCost(devices: number, perSecond: number, ctx: PartContext): Promise<HeartbeatCost> {
  const intervalMs = Math.round((devices / perSecond) * 1000);
  const ids = heartbeatLoadIds('fleet', devices);
  ctx.stage(`heartbeat cost at ${devices} devices: starting the server`);
  const server = await startServer({ presses: [], heartbeat: ids }, { env: { TRYGG_BROKER_PUBLISH_LIMIT: 'off' } });
  ctx.onTimeout(() => server.stop());
  try {
    ctx.stage(`heartbeat cost at ${devices} devices: starting the load (every device every ${intervalMs} ms)`);
    const load = await startHeartbeatLoadProcess({ url: server.mqttUrl, ...DEVICE_LOGIN, prefix: 'fleet', devices, intervalMs });
    ctx.onTimeout(() => load.kill());
    let cpu: number;
    let windowS: number;
    let shed: number;
    try {
      // The load's connections start spread over one interval: after it (and a margin) every
      // device is heartbeating and the server has seen each of them at least once.
      ctx.stage(`heartbeat cost at ${devices} devices: warming up for ${intervalMs + 5000} ms`);
      await sleep(intervalMs + 5000);
      windowS = Math.max(30, intervalMs / 1000);
      ctx.stage(`heartbeat cost at ${devices} devices: measuring for ${windowS} s`);
      const pid = server.trygg.pid!;
      const shed0 = await shedBatches(server.trygg.baseUrl);
      const c0 = cpuSeconds(pid);
      await sleep(windowS * 1000);
      cpu = cpuSeconds(pid) - c0;
      shed = (await shedBatches(server.trygg.baseUrl)) - shed0;
    } catch (err) {
      await load.stop();
      throw err;
    }
    const sent = await load.stop();
    return {
      devices, perSecond, usPerHeartbeat: (cpu * 1e6) / (perSecond * windowS), shedBatches: shed,
      ...(sent && { sentPerSecond: sent.sent / sent.seconds }),
    };
  } finally {
    await server.stop();
  }
}
