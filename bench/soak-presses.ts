import type { DeviceSimulator } from '@trygg/firmware-sim';
import { login } from '../test/support/console-client';

interface ApiAlarm {
  id: string;
  kind: string;
  deviceId?: string;
  raisedAt: string;
}

export interface PressTally {
  /** Presses the broker confirmed (PUBACK) to the simulator. */
  sent: number;
  /** Of those, presses whose alarm the server's API showed. */
  stored: number;
  /** Confirmed presses with no alarm in the store `lostAfterMs` later. */
  lost: number;
  lostDevices: string[];
  /** Press alarms resolved through the API. */
  resolved: number;
  /** Other open alarms (technical ones, e.g. demo devices that never beat) resolved to keep the set small. */
  otherResolved: number;
  apiErrors: number;
  /** From confirmed press to the alarm seen in the API, ms (includes the poll interval). */
  storedMs: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The soak's alarm path: a press every `intervalMs` on the next heartbeating device (QoS 1
 * through the gateway into the server), then, as a responder would, its alarm resolved through
 * the REST API, so the open set stays small however long the run. A press counts as stored
 * when its alarm appears in the API; as lost if it has not `lostAfterMs` after the broker's
 * confirmation.
 */
export class SoakPresser {
  readonly tally: PressTally = { sent: 0, stored: 0, lost: 0, lostDevices: [], resolved: 0, otherResolved: 0, apiErrors: 0, storedMs: [] };
  private stopped = false;
  private loop?: Promise<void>;
  private readonly pending = new Set<Promise<void>>();
  private readonly tracking = new Set<string>();
  private cookie = '';
  private next = 0;

  constructor(private readonly o: { baseUrl: string; sim: DeviceSimulator; devices: string[]; intervalMs: number; lostAfterMs: number }) {}

  async start(): Promise<void> {
    this.cookie = await login(this.o.baseUrl, 'kollega');
    this.loop = this.run();
  }

  /** Stops pressing and waits until every press sent has been found or declared lost. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = Date.now();
      const deviceId = this.pickDevice();
      try {
        await this.o.sim.press(deviceId);
        this.tally.sent++;
        const p = this.track(deviceId, Date.now()).finally(() => this.pending.delete(p));
        this.pending.add(p);
      } catch {
        this.tally.apiErrors++; // the broker did not confirm: the device would retry; not a loss
      }
      await this.resolveOthers();
      const left = this.o.intervalMs - (Date.now() - started);
      if (left > 0 && !this.stopped) await sleep(left);
    }
  }

  /** Strides through the fleet (7919 is prime) so presses land on every connection, not the first few. */
  private pickDevice(): string {
    const d = this.o.devices[(this.next * 7919) % this.o.devices.length]!;
    this.next++;
    return d;
  }

  private async track(deviceId: string, confirmedAt: number): Promise<void> {
    this.tracking.add(deviceId);
    try {
      const deadline = confirmedAt + this.o.lostAfterMs;
      const mine = (a: ApiAlarm) => a.kind === 'panic' && a.deviceId === deviceId && Date.parse(a.raisedAt) >= confirmedAt - 60_000;
      while (Date.now() < deadline) {
        const found = (await this.alarms('?state=open&limit=1000'))?.find(mine);
        if (found) {
          this.tally.stored++;
          this.tally.storedMs.push(Date.now() - confirmedAt);
          if (await this.resolve(found.id)) this.tally.resolved++;
          return;
        }
        await sleep(200);
      }
      // Not open: perhaps already closed by someone else; look in every state before calling it lost.
      if ((await this.alarms('?limit=1000'))?.some(mine)) this.tally.stored++;
      else {
        this.tally.lost++;
        this.tally.lostDevices.push(deviceId);
      }
    } finally {
      this.tracking.delete(deviceId);
    }
  }

  private async resolveOthers(): Promise<void> {
    const open = await this.alarms('?state=open&limit=1000');
    for (const a of open ?? []) {
      if (a.deviceId !== undefined && this.tracking.has(a.deviceId)) continue;
      if (await this.resolve(a.id)) this.tally.otherResolved++;
    }
  }

  private async alarms(query: string): Promise<ApiAlarm[] | undefined> {
    const res = await this.request('GET', `/api/v1/alarms${query}`);
    if (!res?.ok) return undefined;
    return ((await res.json()) as { alarms: ApiAlarm[] }).alarms;
  }

  private async resolve(id: string): Promise<boolean> {
    const res = await this.request('POST', `/api/v1/alarms/${id}/resolve`, { outcome: 'test' });
    return res?.ok ?? false;
  }

  /** One API call; logs in again once if the session expired during the hour. */
  private async request(method: string, path: string, body?: unknown): Promise<Response | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const res = await fetch(`${this.o.baseUrl}${path}`, {
          method,
          headers: { cookie: this.cookie, ...(body !== undefined && { 'content-type': 'application/json' }) },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        if (res.status === 401 && attempt === 0) {
          await res.body?.cancel();
          this.cookie = await login(this.o.baseUrl, 'kollega');
          continue;
        }
        if (!res.ok) {
          this.tally.apiErrors++;
          await res.body?.cancel();
        }
        return res;
      } catch {
        this.tally.apiErrors++;
        return undefined;
      }
    }
    return undefined;
  }
}
