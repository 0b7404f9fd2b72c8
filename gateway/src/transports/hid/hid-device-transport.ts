import { randomUUID } from 'node:crypto';
import type { DeviceBinding, DeviceCommand, DeviceMessage, TimerHandle } from '@trygg/protocol';
import { GatewayError } from '../../errors';
import type { DeviceTransport, TransportContext } from '../device-transport';
import type { HidBackend, HidBackendLoader, HidDeviceInfo, HidHandle } from './hid-backend';
import { mergeHidBindings, sameHidEntry } from './hid-bindings';
import { assignDevices, resolveHidConfig, type HidDeviceEntry, type HidTransportConfig } from './hid-config';
import type { HidConverter } from './hid-converter';
import { hidModels } from './hid-models';
import { initialPressState, settle, settleDueAt, type PressEdge, type PressState } from './press-tracker';
import { readReport } from './report-reader';

export type { HidTransportConfig } from './hid-config';

export interface HidTransportDeps {
  /** Defaults to the lazy node-hid import; tests pass a fake backend. */
  loadBackend?: HidBackendLoader;
  models?: readonly HidConverter[];
  newMessageId?: () => string;
}

/** Counters of one HID transport; they only grow. */
export interface HidTransportStats {
  reports: number;
  presses: number;
  releases: number;
  /** Identical reports while nothing changed (key repeat, idle reports). */
  repeats: number;
  /** Edges undone within the debounce time. */
  bounces: number;
  /** Malformed reports (also reported to the gateway as `bad-report`). */
  rejected: number;
  /** Valid reports that say nothing about the button (keyboard rollover). */
  noInformation: number;
  opened: number;
  closed: number;
  openFailures: number;
  feedbackWritten: number;
  /** Feedback for models without LED: accepted and dropped. */
  feedbackIgnored: number;
}

interface OpenDevice {
  path: string;
  entry: HidDeviceEntry;
  handle: HidHandle;
  state: PressState;
  settleTimer: TimerHandle | null;
  badInARow: number;
  closed: boolean;
}

/** A device sending only garbage is closed and reopened later, instead of flooding the log. */
const MAX_BAD_REPORTS_IN_A_ROW = 50;
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * USB HID buttons and pedals (node-hid): each configured device is found by its USB ids (or
 * serial number, or path), opened when it appears, closed when it goes, and its input reports
 * are turned into press/release messages by its model's converter (gateway/src/converters/).
 *
 * Safety rules: a missing node-hid or missing permission is one clear warning, never an
 * exception, so the gateway's other transports keep running; a configured device that is not
 * connected is reported `unavailable`, because an unplugged panic button protects nobody.
 */
export class HidDeviceTransport implements DeviceTransport {
  readonly kind = 'hid';
  readonly stats: HidTransportStats = {
    reports: 0, presses: 0, releases: 0, repeats: 0, bounces: 0, rejected: 0, noInformation: 0,
    opened: 0, closed: 0, openFailures: 0, feedbackWritten: 0, feedbackIgnored: 0,
  };
  /** The settings file's devices; `entries` adds the device directory's bindings to them. */
  private readonly fileEntries: HidDeviceEntry[];
  private entries: HidDeviceEntry[];
  private readonly models: readonly HidConverter[];
  private readonly pollIntervalMs: number;
  private readonly heartbeatIntervalMs: number;
  private backend: HidBackend | null = null;
  private up = false;
  private stopped = false;
  /** Set while the list is unreadable, so the warning is logged once per outage. */
  private unavailableSince: number | null = null;
  private pollTimer: TimerHandle | null = null;
  private polling: Promise<void> | null = null;
  /** Entries changed while a poll ran: that poll matched with the old ones, so another follows at once. */
  private rematchPending = false;
  private readonly open = new Map<string, OpenDevice>();
  private readonly failures = new Map<string, { count: number; retryAt: number }>();
  private readonly presence = new Map<string, { present: boolean | null; missingPolls: number; lastHeartbeatAt: number }>();
  private readonly seq = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly ctx: TransportContext,
    config: HidTransportConfig,
    private readonly deps: HidTransportDeps = {},
  ) {
    this.models = deps.models ?? hidModels;
    this.fileEntries = resolveHidConfig(config, this.models);
    this.entries = this.fileEntries;
    this.pollIntervalMs = config.pollIntervalMs ?? 2000;
    this.heartbeatIntervalMs = config.heartbeatIntervalMs ?? 60_000;
    for (const e of this.entries) this.presence.set(e.deviceId, { present: null, missingPolls: 0, lastHeartbeatAt: 0 });
  }

  /** Never throws: without HID access the transport stays down and says so once. */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      const load = this.deps.loadBackend ?? (async () => (await import('./node-hid-backend')).loadNodeHidBackend());
      this.backend = await load();
    } catch (err) {
      this.unavailable(`node-hid could not be loaded (${message(err)})`, err);
      return;
    }
    await this.pollNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pollTimer?.cancel();
    this.pollTimer = null;
    await this.idle();
    await Promise.all([...this.open.values()].map((d) => this.closeDevice(d, 'transport stopped')));
    this.setUp(false);
  }

  isUp(): boolean {
    return this.up;
  }

  canAddress(deviceId: string): boolean {
    return this.entries.some((e) => e.deviceId === deviceId);
  }

  async send(command: DeviceCommand): Promise<void> {
    const { deviceId, action } = command;
    const entry = this.entries.find((e) => e.deviceId === deviceId);
    if (!entry) throw new GatewayError('TRYGG_GW_NO_TRANSPORT_FOR_DEVICE', `${deviceId}: not a HID device of this gateway`);
    const feedback = entry.converter.feedback;
    if (!feedback) {
      this.stats.feedbackIgnored++;
      this.ctx.logger.debug({ deviceId, action, model: entry.converter.model }, 'HID device has no LED; feedback ignored');
      return;
    }
    const targets = [...this.open.values()].filter((d) => d.entry === entry);
    if (targets.length === 0) throw new GatewayError('TRYGG_GW_HID_DEVICE', `${deviceId}: not connected; feedback "${action}" not shown`);
    const { type, report } = feedback(action);
    try {
      await Promise.all(targets.map((d) => (type === 'output' ? d.handle.write(report) : d.handle.sendFeatureReport(report))));
    } catch (err) {
      throw new GatewayError('TRYGG_GW_HID_DEVICE', `${deviceId}: ${type} report for "${action}" failed: ${message(err)}`, { cause: err });
    }
    this.stats.feedbackWritten++;
  }

  /**
   * The device directory's HID bindings (console device form) join the file's devices, replacing
   * the file's entry of the same device. Plugged devices are matched again at once: one whose
   * claim changed is closed (a press it just reported still counts, for its old device) and
   * re-opened under the new one; an unchanged claim stays open. No restart.
   */
  applyBindings(bindings: ReadonlyMap<string, DeviceBinding>): void {
    const { entries, refused } = mergeHidBindings(this.fileEntries, bindings, this.models);
    for (const r of refused) {
      this.ctx.logger.error({ code: 'TRYGG_GW_CONFIG', deviceId: r.deviceId, problem: r.problem }, 'HID binding from the device directory refused; the device keeps its settings-file entry, if any');
    }
    // Keep the entry object of an unchanged claim: an open device is re-opened only when its entry changes.
    const next = entries.map((e) => this.entries.find((old) => sameHidEntry(old, e)) ?? e);
    const changed = next.length !== this.entries.length || next.some((e, i) => e !== this.entries[i]);
    if (!changed) return;
    this.entries = next;
    const ids = new Set(next.map((e) => e.deviceId));
    for (const deviceId of [...this.presence.keys()]) if (!ids.has(deviceId)) this.presence.delete(deviceId);
    for (const deviceId of ids) if (!this.presence.has(deviceId)) this.presence.set(deviceId, { present: null, missingPolls: 0, lastHeartbeatAt: 0 });
    this.ctx.logger.info({ devices: next.map((e) => e.deviceId), fromDirectory: next.filter((e) => !this.fileEntries.includes(e)).length }, 'HID devices changed by the device directory');
    this.rematch();
  }

  /** Matches plugged devices against the entries now, not at the next poll. */
  private rematch(): void {
    if (!this.backend || this.stopped) return; // before start: the first poll uses the new entries
    if (this.polling) {
      this.rematchPending = true;
      return;
    }
    this.pollTimer?.cancel();
    this.pollTimer = null;
    void this.pollNow();
  }

  /** Resolves when no device-list poll is running (tests advance a fake clock, then await this). */
  async idle(): Promise<void> {
    while (this.polling) await this.polling;
  }

  // --- polling: devices appearing and disappearing ---------------------------------------

  private pollNow(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = this.poll()
      .catch((err: unknown) => this.ctx.logger.error({ err }, 'HID device poll failed; trying again next poll'))
      .finally(() => {
        this.polling = null;
        if (this.stopped) return;
        if (this.rematchPending) {
          this.rematchPending = false;
          void this.pollNow();
        } else {
          this.pollTimer = this.ctx.clock.setTimer(this.pollIntervalMs, () => void this.pollNow());
        }
      });
    return this.polling;
  }

  private async poll(): Promise<void> {
    const backend = this.backend;
    if (!backend || this.stopped) return;
    let present: HidDeviceInfo[];
    try {
      present = await backend.devices();
    } catch (err) {
      this.unavailable(`listing HID devices failed (${message(err)}); check permissions, see docs/hid-devices.md`, err);
      return;
    }
    if (this.stopped) return;
    if (this.unavailableSince !== null) this.ctx.logger.info('USB HID available again');
    this.unavailableSince = null;
    this.setUp(true);

    const assigned = assignDevices(present, this.entries);
    for (const device of [...this.open.values()]) {
      if (assigned.get(device.path)?.entry !== device.entry) await this.closeDevice(device, 'disconnected');
    }
    for (const path of [...this.failures.keys()]) {
      if (!assigned.has(path)) this.failures.delete(path); // unplugged: a fresh start when it comes back
    }
    const now = this.ctx.clock.now();
    for (const [path, { entry, info }] of assigned) {
      const failure = this.failures.get(path);
      if (!this.open.has(path) && !(failure && failure.retryAt > now)) await this.openDevice(path, entry, info);
      if (this.stopped) return;
    }
    this.warnAmbiguous(assigned);
    this.superviseDevices();
  }

  private async openDevice(path: string, entry: HidDeviceEntry, info: HidDeviceInfo): Promise<void> {
    const backend = this.backend;
    if (!backend) return;
    const log = { deviceId: entry.deviceId, path, model: entry.converter.model };
    let handle: HidHandle;
    try {
      handle = await backend.open(path);
    } catch (err) {
      this.stats.openFailures++;
      this.recordFailure(path);
      if (this.failures.get(path)?.count === 1) {
        this.ctx.logger.warn({ ...log, code: 'TRYGG_GW_HID_DEVICE', err: message(err) }, 'HID device could not be opened; retrying');
      }
      return;
    }
    if (this.stopped) {
      await handle.close().catch(() => {});
      return;
    }
    const device: OpenDevice = { path, entry, handle, state: initialPressState, settleTimer: null, badInARow: 0, closed: false };
    handle.on('data', (data) => this.onReport(device, data));
    handle.on('error', (err) => void this.onDeviceError(device, err));
    this.open.set(path, device);
    this.stats.opened++;
    this.ctx.logger.info({ ...log, product: info.product, serialNumber: info.serialNumber }, 'HID device connected');
  }

  private async closeDevice(device: OpenDevice, reason: string): Promise<void> {
    if (device.closed) return;
    device.closed = true;
    this.open.delete(device.path);
    device.settleTimer?.cancel();
    // A press seen just before the device went is still a press (an edge held back for bounce).
    this.emitEdges(device, settle(device.state, Number.POSITIVE_INFINITY, device.entry.converter.debounceMs).edges);
    this.stats.closed++;
    this.ctx.logger.info({ deviceId: device.entry.deviceId, path: device.path, reason }, 'HID device closed');
    await device.handle.close().catch((err: unknown) => this.ctx.logger.debug({ path: device.path, err: message(err) }, 'HID close failed'));
  }

  private async onDeviceError(device: OpenDevice, err: Error): Promise<void> {
    if (device.closed) return;
    this.ctx.logger.warn({ deviceId: device.entry.deviceId, path: device.path, code: 'TRYGG_GW_HID_DEVICE', err: err.message }, 'HID device failed; reopening on a later poll');
    this.recordFailure(device.path);
    await this.closeDevice(device, 'read error');
  }

  /** The first retry is on the next poll; repeated failures back off up to a minute. */
  private recordFailure(path: string): void {
    const count = (this.failures.get(path)?.count ?? 0) + 1;
    const delay = count === 1 ? 0 : Math.min(MAX_RETRY_DELAY_MS, this.pollIntervalMs * 2 ** (count - 1));
    this.failures.set(path, { count, retryAt: this.ctx.clock.now() + delay });
  }

  /** Presence per configured device: `unavailable` when it goes, heartbeats while it is there. */
  private superviseDevices(): void {
    const now = this.ctx.clock.now();
    const connected = new Set([...this.open.values()].map((d) => d.entry.deviceId));
    for (const entry of this.entries) {
      const p = this.presence.get(entry.deviceId)!;
      if (connected.has(entry.deviceId)) {
        p.missingPolls = 0;
        if (p.present !== true || (this.heartbeatIntervalMs > 0 && now - p.lastHeartbeatAt >= this.heartbeatIntervalMs)) {
          p.lastHeartbeatAt = now;
          this.emit(entry.deviceId, 'heartbeat', now);
        }
        p.present = true;
        continue;
      }
      p.missingPolls++;
      // At start-up one more poll is allowed, so a device still enumerating is not reported.
      if (p.present === true || (p.present === null && p.missingPolls >= 2)) {
        p.present = false;
        this.ctx.logger.warn({ deviceId: entry.deviceId, model: entry.converter.model }, 'configured HID device is not connected');
        this.emit(entry.deviceId, 'unavailable', now);
      }
    }
  }

  private warnAmbiguous(assigned: ReturnType<typeof assignDevices>): void {
    const paths = new Map<string, string[]>();
    for (const [path, { entry }] of assigned) paths.set(entry.deviceId, [...(paths.get(entry.deviceId) ?? []), path]);
    for (const [deviceId, list] of paths) {
      if (list.length > 1) {
        this.warnOnce(`ambiguous:${deviceId}`, { deviceId, paths: list }, `${list.length} HID devices match one configured device; presses on any are reported as it. Add serialNumber or path`);
      }
    }
  }

  // --- reports -----------------------------------------------------------------------------

  private onReport(device: OpenDevice, data: Buffer): void {
    if (device.closed) return;
    const { entry } = device;
    const at = this.ctx.clock.now();
    this.stats.reports++;
    const result = readReport(entry.converter, { keyCode: entry.keyCode }, device.state, new Uint8Array(data), at);
    device.state = result.state;
    if (result.outcome === 'rejected') {
      this.stats.rejected++;
      this.ctx.sink.reject(this.kind, 'bad-report', { errors: [`${entry.deviceId} (${device.path}): ${result.error}`] });
      if (++device.badInARow >= MAX_BAD_REPORTS_IN_A_ROW) void this.onDeviceError(device, new Error(`${MAX_BAD_REPORTS_IN_A_ROW} malformed reports in a row`));
      return;
    }
    device.badInARow = 0;
    this.failures.delete(device.path);
    if (result.outcome === 'repeat') this.stats.repeats++;
    if (result.outcome === 'bounce') this.stats.bounces++;
    if (result.outcome === 'no-information') this.stats.noInformation++;
    for (const key of result.otherKeys ?? []) {
      this.warnOnce(`key:${entry.deviceId}:${key}`, { deviceId: entry.deviceId, key: hex(key), keyCode: hex(entry.keyCode) }, 'HID device typed a key that is not its configured keyCode; check the configuration or the device programming');
    }
    this.emitEdges(device, result.edges);
    this.scheduleSettle(device);
  }

  /** An edge held back for bounce is reported once the button kept its state for the debounce time. */
  private scheduleSettle(device: OpenDevice): void {
    device.settleTimer?.cancel();
    device.settleTimer = null;
    const debounceMs = device.entry.converter.debounceMs;
    const due = settleDueAt(device.state, debounceMs);
    if (due === null) return;
    device.settleTimer = this.ctx.clock.setTimer(due - this.ctx.clock.now(), () => {
      device.settleTimer = null;
      if (device.closed) return;
      const settled = settle(device.state, this.ctx.clock.now(), debounceMs);
      device.state = settled.state;
      this.emitEdges(device, settled.edges);
    });
  }

  private emitEdges(device: OpenDevice, edges: PressEdge[]): void {
    for (const edge of edges) {
      if (edge.type === 'press') this.stats.presses++;
      else this.stats.releases++;
      this.emit(device.entry.deviceId, edge.type, edge.at);
    }
  }

  private emit(deviceId: string, type: DeviceMessage['type'], at: number): void {
    const seq = this.seq.get(deviceId) ?? 0;
    this.seq.set(deviceId, seq + 1 > 0xffffffff ? 0 : seq + 1);
    // HID has no retransmission: every report event is a message of its own, with a fresh id.
    const msgId = this.deps.newMessageId?.() ?? randomUUID();
    const message: DeviceMessage = { v: 1, type, msgId, seq, at: new Date(at).toISOString() };
    try {
      this.ctx.sink.input({ deviceId, message, transport: this.kind });
    } catch (err) {
      this.ctx.logger.error({ deviceId, type, err }, 'HID device message handling failed');
    }
  }

  // --- link state --------------------------------------------------------------------------

  private unavailable(reason: string, err: unknown): void {
    if (this.unavailableSince === null) {
      this.unavailableSince = this.ctx.clock.now();
      this.ctx.logger.warn({ code: 'TRYGG_GW_HID_UNAVAILABLE', err: message(err) }, `USB HID unavailable: ${reason}; other transports keep running`);
    }
    this.setUp(false);
  }

  private warnOnce(key: string, fields: Record<string, unknown>, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.ctx.logger.warn(fields, msg);
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.ctx.sink.linkChanged(this.kind, up);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}
