import { performance } from 'node:perf_hooks';
import type { ConsoleAlarm } from '@trygg/protocol';
import { ConsoleClient } from '../test/support/console-client';

export interface Arrival {
  alarm: ConsoleAlarm;
  /** performance.now() when the pop-up arrived, for latency against a performance.now() send time. */
  perf: number;
  /** Date.now() then, for comparing with the simulator's clock. */
  wall: number;
}

/**
 * A console station that timestamps every pop-up the moment its WebSocket message arrives (the
 * first pop-up of each alarm), by `<kind>:<deviceId>`, and optionally resolves panic pop-ups at
 * once, as a responder would, so a long run keeps the office calm.
 */
export class PopupWatch {
  private readonly arrivals = new Map<string, Arrival[]>();
  private readonly alarmIds = new Set<string>();
  private waiting: { key: string; since: number; resolve: (a: Arrival) => void }[] = [];

  private constructor(readonly console: ConsoleClient, private readonly resolvePanics: boolean) {
    const push = console.messages.push.bind(console.messages);
    console.messages.push = (...items) => {
      const perf = performance.now();
      const wall = Date.now();
      for (const m of items) {
        if (m.type !== 'popup' || !m.alarm.deviceId) continue;
        if (this.alarmIds.has(m.alarm.id)) continue;
        this.alarmIds.add(m.alarm.id);
        const key = `${m.alarm.kind}:${m.alarm.deviceId}`;
        const arrival = { alarm: m.alarm, perf, wall };
        this.arrivals.set(key, [...(this.arrivals.get(key) ?? []), arrival]);
        this.waiting = this.waiting.filter((w) => (w.key === key && wall >= w.since ? (w.resolve(arrival), false) : true));
        if (this.resolvePanics && m.alarm.kind === 'panic') console.send({ type: 'resolve', alarmId: m.alarm.id, outcome: 'test' });
      }
      return push(...items);
    };
  }

  static async open(baseUrl: string, stationId: string, opts: { username?: string; resolvePanics?: boolean } = {}): Promise<PopupWatch> {
    return new PopupWatch(await ConsoleClient.open(baseUrl, stationId, opts.username), opts.resolvePanics ?? false);
  }

  /** The first pop-up of `deviceId` (of `kind`, default panic) arriving at or after `since` (Date.now()). */
  arrival(deviceId: string, kind: ConsoleAlarm['kind'] = 'panic', timeoutMs = 10_000, since = 0): Promise<Arrival> {
    const key = `${kind}:${deviceId}`;
    const seen = this.arrivals.get(key)?.find((a) => a.wall >= since);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        key,
        since,
        resolve: (a: Arrival) => {
          clearTimeout(timer);
          resolve(a);
        },
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== waiter);
        reject(new Error(`no ${kind} pop-up for ${deviceId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.push(waiter);
    });
  }

  close(): void {
    this.console.close();
  }
}
