import type { Clock, DeviceBinding, DeviceDirectory } from '@trygg/protocol';
import type { Logger } from 'pino';
import { LogLimiter } from './log-limiter';
import type { SqliteDirectoryStore } from './sqlite-directory-store';

export interface DeviceAdmissionOptions {
  store: SqliteDirectoryStore;
  clock: Clock;
  logger: Logger;
  /** A refused device id is logged at most once per this interval; default 60 s. */
  logIntervalMs?: number;
  /** Distinct refused ids logged per interval; default 100 (the rest are counted, and summed up). */
  maxLoggedIdsPerInterval?: number;
}

export const UNKNOWN_DEVICE_LOG_INTERVAL_MS = 60_000;

/**
 * Which device ids this gateway accepts: those of the server's device directory
 * (`.../gateways/<gw>/directory`). Checked before anything else happens to a device message, so
 * junk for unconfigured ids costs a set lookup, never an outbox write in front of an alarm.
 *
 * Fail open: until a directory has ever arrived (or after the server cleared it) every device is
 * accepted, because refusing a real press for want of knowledge is worse than relaying junk the
 * server then rejects. The last directory is persisted, so a restart with the server down keeps
 * refusing junk.
 */
export class DeviceAdmission {
  private known: ReadonlySet<string> | null = null;
  private directoryAt: string | null = null;
  /** Bindings of this gateway's devices in the directory in force (console device form). */
  private bindingMap: ReadonlyMap<string, DeviceBinding> = new Map();
  private readonly refusals: LogLimiter;

  constructor(private readonly opts: DeviceAdmissionOptions) {
    this.refusals = new LogLimiter({
      clock: opts.clock,
      intervalMs: opts.logIntervalMs ?? UNKNOWN_DEVICE_LOG_INTERVAL_MS,
      maxKeysPerInterval: opts.maxLoggedIdsPerInterval ?? 100,
      onIntervalEnd: (unlogged) => opts.logger.warn({ unlogged }, 'messages from unknown devices refused last interval without a log line each'),
    });
    try {
      const stored = opts.store.load();
      if (stored) {
        this.use(stored.directory);
        opts.logger.info({ devices: this.known!.size, directoryAt: stored.directory.at }, 'device directory loaded from the outbox file');
      } else {
        opts.logger.info('no device directory yet; accepting every device until the server sends one');
      }
    } catch (err) {
      opts.logger.error({ err }, 'stored device directory unreadable; accepting every device until the server sends one');
    }
  }

  /** Whether a message from this device may go on; false means refused (the caller counts it). */
  admits(deviceId: string, what: string): boolean {
    if (this.known === null || this.known.has(deviceId)) return true;
    const decision = this.refusals.check(deviceId);
    if (decision === 'log') {
      this.opts.logger.warn({ deviceId, type: what, directoryAt: this.directoryAt }, 'message from a device not in the device directory refused');
    } else if (decision === 'budget-spent') {
      this.opts.logger.warn('many unknown device ids this interval; further ones are counted, not logged');
    }
    return false;
  }

  /** Whether a directory is in force (false: every device is accepted). */
  hasDirectory(): boolean {
    return this.known !== null;
  }

  /** Devices in the directory in force; undefined while every device is accepted. */
  knownDevices(): number | undefined {
    return this.known?.size;
  }

  /** A directory from the server: in force at once, persisted for the next start. */
  apply(directory: DeviceDirectory): void {
    const before = this.known?.size;
    this.use(directory);
    this.opts.logger.info({ devices: this.known!.size, before, directoryAt: directory.at }, 'device directory received');
    this.persist(() => this.opts.store.save(directory, this.opts.clock.now()));
  }

  /** The server cleared the directory (empty retained payload): accept every device again. */
  clear(): void {
    if (this.known !== null) this.opts.logger.warn('device directory cleared by the server; accepting every device');
    this.known = null;
    this.directoryAt = null;
    this.bindingMap = new Map();
    this.persist(() => this.opts.store.clear());
  }

  private use(directory: DeviceDirectory): void {
    this.known = new Set(directory.devices.map((d) => d.deviceId));
    this.directoryAt = directory.at;
    this.bindingMap = new Map(directory.devices.flatMap((d) => (d.binding && d.gatewayId === undefined ? [[d.deviceId, d.binding] as const] : [])));
  }

  /** Device id -> binding, for this gateway's devices that have one; empty without a directory. */
  bindings(): ReadonlyMap<string, DeviceBinding> {
    return this.bindingMap;
  }

  private persist(write: () => void): void {
    try {
      write();
    } catch (err) {
      // In force in memory all the same; only a restart before the next directory would miss it.
      this.opts.logger.error({ err }, 'device directory could not be persisted');
    }
  }
}
