import { DeadlineQueue } from './deadline-queue';

/** A supervised device: heard at least every `heartbeatMs`, offline after `windowMs` (= heartbeat x missed). */
export interface TrackedDevice {
  siteId: string;
  deviceId: string;
  gatewayId: string;
  heartbeatMs: number;
  windowMs: number;
}

export interface TrackedGateway {
  siteId: string;
  gatewayId: string;
  /** After an `offline` status (MQTT last will), this long to come back before it alarms. */
  graceMs: number;
  /** The gateway's own heartbeat interval (protocol GATEWAY_HEARTBEAT_INTERVAL_MS), when it sends one. */
  heartbeatMs?: number;
}

/** What the tracker knew before this server started (store and open technical alarms). */
export interface LivenessSeed {
  startedAt: number;
  seen?: { siteId: string; deviceId: string; gatewayId: string; lastSeenAt: number }[];
  gatewayStatus?: { siteId: string; gatewayId: string; state: 'online' | 'offline' }[];
  /** Devices with an open device-offline alarm: still silent until heard. */
  silentDevices?: { siteId: string; deviceId: string }[];
  /** Gateways with an open gateway-offline alarm. */
  offlineGateways?: { siteId: string; gatewayId: string }[];
}

export type LivenessEffect =
  | { type: 'device-silent'; siteId: string; deviceId: string; reason: 'missed-heartbeats' | 'unavailable'; lastSeenAt?: number; silentForMs: number; windowMs: number }
  | { type: 'device-back'; siteId: string; deviceId: string }
  | { type: 'gateway-offline'; siteId: string; gatewayId: string; reason: 'last-will' | 'silent'; lastHeardAt?: number }
  | { type: 'gateway-back'; siteId: string; gatewayId: string };

/**
 * alive: heard within its window. silent: alarmed (device-offline raised). deferred: its window
 * passed but its gateway was not heard since, so the silence may be the gateway's — it waits for
 * the gateway. inhibited: its gateway is offline (or leaving); the gateway's alarm covers it.
 */
export type DeviceLiveness = 'alive' | 'silent' | 'deferred' | 'inhibited';
type GatewayLiveness = 'online' | 'leaving' | 'offline';

interface Deadline {
  key: string;
  deadline?: number;
  /** `at` of this record's live queue entry, if any. */
  queuedAt?: number;
}

interface DeviceRecord extends Deadline {
  spec: TrackedDevice;
  state: DeviceLiveness;
  lastSeenAt?: number;
  gateway?: GatewayRecord;
}

interface GatewayRecord extends Deadline {
  spec: TrackedGateway;
  state: GatewayLiveness;
  /** Last real sign of the gateway (a batch, an event, an `online` status) — evidence, never a grace. */
  lastHeardAt?: number;
  /** No batch for this long while online counts as offline; undefined for a gateway without devices. */
  silenceMs?: number;
  devices: DeviceRecord[];
  /** Devices deferred or inhibited behind this gateway, so a batch only walks them when needed. */
  waiting: number;
}

const GATEWAY_RANK = 0; // at equal times a gateway is judged before its devices
const DEVICE_RANK = 1;
const key = (siteId: string, id: string) => `${siteId}\u0000${id}`;

/**
 * Liveness of devices and gateways as a pure state machine: inputs carry `now`, outputs are
 * effects for the edge to carry out (raise / clear technical alarms). Deadlines sit in one heap,
 * so the edge needs one timer for `nextDeadline()`, however many devices there are.
 *
 * Inhibition (like Alertmanager's): a device whose gateway is offline, or has not been heard
 * since the device's first missed heartbeat, does not alarm by itself — one gateway alarm covers
 * all of them, and each gets a fresh window when its gateway returns.
 */
export class LivenessTracker {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly gateways = new Map<string, GatewayRecord>();
  private readonly queue = new DeadlineQueue();

  constructor(devices: TrackedDevice[], gateways: TrackedGateway[], seed: LivenessSeed) {
    const { startedAt } = seed;
    for (const spec of gateways) {
      const k = key(spec.siteId, spec.gatewayId);
      this.gateways.set(k, { key: k, spec, state: 'online', devices: [], waiting: 0 });
    }
    for (const spec of devices) {
      const k = key(spec.siteId, spec.deviceId);
      const gateway = this.gateways.get(key(spec.siteId, spec.gatewayId));
      const record: DeviceRecord = { key: k, spec, state: 'alive', gateway };
      this.devices.set(k, record);
      gateway?.devices.push(record);
    }
    for (const g of this.gateways.values()) {
      // Until a gateway shows it heartbeats on its own (gatewayHeartbeat), a healthy one may be
      // quiet for its slowest device's window; only longer silence is an outage then.
      if (g.devices.length > 0) g.silenceMs = Math.max(...g.devices.map((d) => d.spec.windowMs)) + g.spec.graceMs;
    }

    for (const s of seed.seen ?? []) {
      const d = this.devices.get(key(s.siteId, s.deviceId));
      if (d) d.lastSeenAt = Math.max(d.lastSeenAt ?? s.lastSeenAt, s.lastSeenAt);
      const g = this.gateways.get(key(s.siteId, s.gatewayId));
      if (g) g.lastHeardAt = Math.max(g.lastHeardAt ?? s.lastSeenAt, s.lastSeenAt);
    }
    const silent = new Set((seed.silentDevices ?? []).map((d) => key(d.siteId, d.deviceId)));
    const offline = new Set((seed.offlineGateways ?? []).map((g) => key(g.siteId, g.gatewayId)));
    const leftBefore = new Set((seed.gatewayStatus ?? []).filter((s) => s.state === 'offline').map((s) => key(s.siteId, s.gatewayId)));

    for (const g of this.gateways.values()) {
      if (offline.has(g.key)) g.state = 'offline';
      else if (leftBefore.has(g.key)) this.leave(g, startedAt);
      // Start grace: a gateway gets its whole silence window from server start.
      else if (g.silenceMs !== undefined) this.setDeadline(g, startedAt + g.silenceMs);
    }
    for (const d of this.devices.values()) {
      if (silent.has(d.key)) {
        d.state = 'silent';
        continue;
      }
      // Never seen: one full window from server start. Seen before the restart: its window runs on
      // from then (a restart does not forget), but it gets at least one heartbeat to report in.
      const due = d.lastSeenAt === undefined ? startedAt + d.spec.windowMs : Math.max(d.lastSeenAt + d.spec.windowMs, startedAt + d.spec.heartbeatMs);
      this.setDeadline(d, due);
    }
  }

  /** A sign of life from a device (heartbeat or event), seen by it at `at`. */
  deviceHeard(siteId: string, deviceId: string, at: number, now: number): LivenessEffect[] {
    const d = this.devices.get(key(siteId, deviceId));
    if (!d) return [];
    d.lastSeenAt = Math.max(d.lastSeenAt ?? at, Math.min(at, now));
    const due = d.lastSeenAt + d.spec.windowMs;
    // Old news (a heartbeat held back while the link was down) does not bring a device back.
    if (due <= now && d.state !== 'alive') return [];
    const was = d.state;
    this.setState(d, 'alive');
    this.setDeadline(d, due);
    return was === 'silent' ? [{ type: 'device-back', siteId, deviceId }] : [];
  }

  /** The transport says the device is unreachable (Zigbee2MQTT availability): offline at once. */
  deviceUnavailable(siteId: string, deviceId: string, now: number): LivenessEffect[] {
    const d = this.devices.get(key(siteId, deviceId));
    if (!d || d.state === 'silent') return [];
    this.setState(d, 'silent');
    d.deadline = undefined;
    const since = d.lastSeenAt ?? now;
    return [{ type: 'device-silent', siteId, deviceId, reason: 'unavailable', lastSeenAt: d.lastSeenAt, silentForMs: now - since, windowMs: d.spec.windowMs }];
  }

  /** A sign of life from a gateway: a heartbeat batch, an event it forwarded, an `online` status. */
  /**
   * The gateway's own heartbeat (a batch, empty or not). From the first one on, the gateway is
   * judged by its heartbeat: two missed beats plus the grace is an outage (a network cut is
   * noticed in about 90 s, not after the slowest device's window).
   */
  gatewayHeartbeat(siteId: string, gatewayId: string, now: number): LivenessEffect[] {
    const g = this.gateways.get(key(siteId, gatewayId));
    if (g?.spec.heartbeatMs !== undefined) g.silenceMs = 2 * g.spec.heartbeatMs + g.spec.graceMs;
    return this.gatewayHeard(siteId, gatewayId, now);
  }

  gatewayHeard(siteId: string, gatewayId: string, now: number): LivenessEffect[] {
    const g = this.gateways.get(key(siteId, gatewayId));
    if (!g) return [];
    const was = g.state;
    g.state = 'online';
    g.lastHeardAt = Math.max(g.lastHeardAt ?? now, now);
    this.setDeadline(g, g.silenceMs === undefined ? undefined : now + g.silenceMs);
    if (g.waiting > 0) {
      for (const d of g.devices) {
        // Behind an outage: a full window (debounce) to report in; merely deferred: one heartbeat.
        if (d.state === 'inhibited') this.revive(d, now + d.spec.windowMs);
        else if (d.state === 'deferred') this.revive(d, now + d.spec.heartbeatMs);
      }
    }
    return was === 'offline' ? [{ type: 'gateway-back', siteId, gatewayId }] : [];
  }

  /** The gateway's `offline` status (its MQTT last will, or a clean shutdown). */
  gatewayLeft(siteId: string, gatewayId: string, now: number): LivenessEffect[] {
    const g = this.gateways.get(key(siteId, gatewayId));
    if (g && g.state === 'online') this.leave(g, now);
    return [];
  }

  /** Everything due at `now`, in deadline order. */
  due(now: number): LivenessEffect[] {
    const effects: LivenessEffect[] = [];
    for (let top = this.queue.peek(); top && top.at <= now; top = this.queue.peek()) {
      this.queue.pop();
      const record = top.rank === GATEWAY_RANK ? this.gateways.get(top.key) : this.devices.get(top.key);
      if (!record || record.queuedAt !== top.at) continue; // stale: a newer entry is queued
      record.queuedAt = undefined;
      if (record.deadline === undefined) continue;
      if (record.deadline > now) {
        this.enqueue(record, top.rank);
        continue;
      }
      record.deadline = undefined;
      if (top.rank === GATEWAY_RANK) effects.push(...this.gatewayExpired(record as GatewayRecord));
      else effects.push(...this.deviceExpired(record as DeviceRecord, now));
    }
    return effects;
  }

  /** When the edge's single timer should fire next (may be early: then nothing is due). */
  nextDeadline(): number | undefined {
    return this.queue.peek()?.at;
  }

  deviceState(siteId: string, deviceId: string): DeviceLiveness | undefined {
    return this.devices.get(key(siteId, deviceId))?.state;
  }

  gatewayState(siteId: string, gatewayId: string): GatewayLiveness | undefined {
    return this.gateways.get(key(siteId, gatewayId))?.state;
  }

  /** Devices past their window, alarmed or covered by their gateway's alarm. */
  silentCount(): number {
    let n = 0;
    for (const d of this.devices.values()) if (d.state !== 'alive') n++;
    return n;
  }

  /** Queue entries held (at most one per device and gateway). */
  queued(): number {
    return this.queue.size;
  }

  private deviceExpired(d: DeviceRecord, now: number): LivenessEffect[] {
    const g = d.gateway;
    const since = d.lastSeenAt ?? now - d.spec.windowMs;
    if (g && g.state !== 'online') {
      this.setState(d, 'inhibited');
      return [];
    }
    // The device's first heartbeat fell due at since + heartbeat; only if the gateway spoke after
    // that is the silence the device's own. Otherwise wait for the gateway to speak or be declared offline.
    if (g && (g.lastHeardAt === undefined || g.lastHeardAt < since + d.spec.heartbeatMs)) {
      this.setState(d, 'deferred');
      return [];
    }
    this.setState(d, 'silent');
    return [{
      type: 'device-silent', siteId: d.spec.siteId, deviceId: d.spec.deviceId, reason: 'missed-heartbeats',
      lastSeenAt: d.lastSeenAt, silentForMs: now - since, windowMs: d.spec.windowMs,
    }];
  }

  private gatewayExpired(g: GatewayRecord): LivenessEffect[] {
    const reason = g.state === 'leaving' ? 'last-will' : 'silent';
    g.state = 'offline';
    for (const d of g.devices) if (d.state === 'deferred') this.setState(d, 'inhibited');
    return [{ type: 'gateway-offline', siteId: g.spec.siteId, gatewayId: g.spec.gatewayId, reason, lastHeardAt: g.lastHeardAt }];
  }

  private leave(g: GatewayRecord, now: number): void {
    g.state = 'leaving';
    this.setDeadline(g, now + g.spec.graceMs);
  }

  private revive(d: DeviceRecord, due: number): void {
    this.setState(d, 'alive');
    this.setDeadline(d, due);
  }

  private setState(d: DeviceRecord, state: DeviceLiveness): void {
    const waitingBefore = d.state === 'deferred' || d.state === 'inhibited';
    const waitingAfter = state === 'deferred' || state === 'inhibited';
    if (d.gateway && waitingBefore !== waitingAfter) d.gateway.waiting += waitingAfter ? 1 : -1;
    d.state = state;
  }

  /** One live queue entry per record: a later deadline reuses the queued one (re-queued when it comes out). */
  private setDeadline(record: DeviceRecord | GatewayRecord, deadline: number | undefined): void {
    record.deadline = deadline;
    if (deadline === undefined) return;
    if (record.queuedAt === undefined || deadline < record.queuedAt) this.enqueue(record, 'devices' in record ? GATEWAY_RANK : DEVICE_RANK);
  }

  private enqueue(record: Deadline, rank: number): void {
    record.queuedAt = record.deadline!;
    this.queue.push({ at: record.deadline!, rank, key: record.key });
  }
}
