import type { DeviceEvent } from '@trygg/protocol';
import type { SupervisionDb, TestModeRow } from './supervision-db';

const DAY_MS = 86_400_000;
const MAX_UNRECORDED_CLAIMS = 1000;
const key = (siteId: string, deviceId: string) => `${siteId}\u0000${deviceId}`;

export interface DeviceTestStatus {
  deviceId: string;
  siteId: string;
  lastTestedAt: string | null;
  inTestModeUntil: string | null;
  overdue: boolean;
}

/**
 * Scheduled self-test (EN 50131 "test mode"): staff put a button in test mode for a few minutes
 * and press it; the press is recorded as a passed test and never becomes an alarm. Test mode
 * lives in memory, because `claim` runs inside the alarm store's transaction and must not touch
 * the database; every change is written through to `supervision_test_mode` so a restart keeps it.
 */
export class SelfTest {
  private readonly modes = new Map<string, TestModeRow>();
  private readonly lastTested = new Map<string, number>();
  /** eventId -> who started the test mode, between `claim` (in the transaction) and `recordPass` (after it). */
  private readonly claimed = new Map<string, string>();

  constructor(private readonly db: SupervisionDb, private readonly testPeriodDays: (siteId: string) => number) {
    for (const row of db.testModes()) this.modes.set(key(row.siteId, row.deviceId), row);
    for (const t of db.lastTests()) this.lastTested.set(key(t.siteId, t.deviceId), t.testedAt);
  }

  start(siteId: string, deviceId: string, minutes: number, startedBy: string, now: number): number {
    const row: TestModeRow = { siteId, deviceId, until: now + minutes * 60_000, startedBy };
    this.db.putTestMode(row, now);
    this.modes.set(key(siteId, deviceId), row);
    return row.until;
  }

  /** Ends test mode now; false if the device was not in test mode. */
  end(siteId: string, deviceId: string, now: number): boolean {
    const active = this.activeUntil(siteId, deviceId, now) !== undefined;
    this.db.dropTestMode(siteId, deviceId);
    this.modes.delete(key(siteId, deviceId));
    return active;
  }

  activeUntil(siteId: string, deviceId: string, now: number): number | undefined {
    const row = this.modes.get(key(siteId, deviceId));
    return row && row.until > now ? row.until : undefined;
  }

  /**
   * Safety rule: only a press while test mode is active is claimed; once it has expired, the
   * button alarms again. Synchronous and memory-only (runs in the store transaction).
   */
  claim(event: DeviceEvent, now: number): boolean {
    if (event.kind !== 'press') return false;
    const row = this.modes.get(key(event.siteId, event.deviceId));
    if (!row || row.until <= now) return false;
    if (this.claimed.size >= MAX_UNRECORDED_CLAIMS) this.claimed.delete(this.claimed.keys().next().value!);
    this.claimed.set(event.eventId, row.startedBy);
    return true;
  }

  /** After the commit: a press this feature claimed is a passed test. */
  recordPass(event: DeviceEvent, now: number): boolean {
    const startedBy = this.claimed.get(event.eventId);
    if (startedBy === undefined) return false;
    this.claimed.delete(event.eventId);
    this.db.putTest({ eventId: event.eventId, siteId: event.siteId, deviceId: event.deviceId, testedAt: now, startedBy });
    this.lastTested.set(key(event.siteId, event.deviceId), now);
    return true;
  }

  status(siteId: string, deviceId: string, now: number): DeviceTestStatus {
    const last = this.lastTested.get(key(siteId, deviceId));
    const until = this.activeUntil(siteId, deviceId, now);
    return {
      deviceId, siteId,
      lastTestedAt: last === undefined ? null : new Date(last).toISOString(),
      inTestModeUntil: until === undefined ? null : new Date(until).toISOString(),
      overdue: this.overdue(siteId, deviceId, now),
    };
  }

  /** Never tested, or not within the site's test period. */
  overdue(siteId: string, deviceId: string, now: number): boolean {
    const last = this.lastTested.get(key(siteId, deviceId));
    return last === undefined || now - last > this.testPeriodDays(siteId) * DAY_MS;
  }
}
