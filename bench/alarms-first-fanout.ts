import { performance } from 'node:perf_hooks';
import { connectSimulator } from '@trygg/firmware-sim';
import { ConsoleClient, login } from '../test/support/console-client';
import { cpuSeconds } from './process-usage';
import type { PartContext } from './timed-part';
import { DEVICE_LOGIN, numbered, sleep, startServer, withTimeout } from './alarms-first-office';

export interface FanoutFigure {
  consoles: number;
  /** ms from the press to the last console's pop-up, per alarm. */
  last: number[];
  /** Server CPU ms per alarm over the press loop. */
  cpuMsPerAlarm: number;
}

/**
 * One alarm at a time to `consoles` console stations (step 0 of the chain reaches them all):
 * per alarm, the time from the press to the pop-up at the last console, and the server's CPU
 * over the whole loop divided by the alarms. With consoles = 1 the office is the demo office
 * (backoffice only): the baseline.
 */
export async function fanout(consoles: number, presses: number, warmup: number, gapMs: number, ctx: PartContext): Promise<FanoutFigure> {
  const devices = numbered('fan', presses + warmup);
  const stations = consoles > 1 ? numbered('console', consoles - 1) : [];
  ctx.stage(`fan-out to ${consoles}: starting the server`);
  const server = await startServer({ presses: devices, stations });
  ctx.onTimeout(() => server.stop());
  const clients: ConsoleClient[] = [];
  try {
    const cookie = await login(server.trygg.baseUrl, 'kollega');
    const arrivals = new Map<string, { count: number; last: number; done?: () => void }>();
    ctx.stage(`fan-out to ${consoles}: connecting the consoles`);
    for (const stationId of ['backoffice', ...stations]) {
      const client = new ConsoleClient(server.trygg.baseUrl, stationId, cookie);
      await client.connect();
      const push = client.messages.push.bind(client.messages);
      // Keep only what the figure needs: 500 consoles x hundreds of alarms would otherwise pile up.
      client.messages.push = (...items) => {
        const now = performance.now();
        for (const m of items) {
          if (m.type !== 'popup' || !m.alarm.deviceId) continue;
          const a = arrivals.get(m.alarm.deviceId) ?? { count: 0, last: 0 };
          a.count++;
          a.last = Math.max(a.last, now);
          arrivals.set(m.alarm.deviceId, a);
          if (a.count === consoles) a.done?.();
        }
        return push(...items.filter((m) => m.type !== 'popup' && m.type !== 'update'));
      };
      clients.push(client);
    }
    const sim = await connectSimulator({ url: server.mqttUrl, ...DEVICE_LOGIN });
    const last: number[] = [];
    const pid = server.trygg.pid!;
    let cpu0 = 0;
    try {
      for (const [i, deviceId] of devices.entries()) {
        ctx.stage(`fan-out to ${consoles}: press ${i + 1} of ${devices.length}`);
        if (i === warmup) cpu0 = cpuSeconds(pid);
        const all = new Promise<void>((resolve) => {
          const a = arrivals.get(deviceId) ?? { count: 0, last: 0 };
          a.done = resolve;
          arrivals.set(deviceId, a);
        });
        const { sentAt } = await sim.press(deviceId);
        await withTimeout(all, 20_000, `not all ${consoles} consoles got ${deviceId}`);
        if (i >= warmup) last.push(arrivals.get(deviceId)!.last - sentAt);
        await sleep(gapMs);
      }
    } finally {
      await sim.close();
    }
    const cpuMsPerAlarm = ((cpuSeconds(pid) - cpu0) * 1000) / presses;
    return { consoles, last, cpuMsPerAlarm };
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
}
