import type { DeviceLocation } from '@trygg/protocol';
import type Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../store/sqlite/migrate';

/** Migrations of module `lone-work` (see store/sqlite/migrate.ts). Never edit a released one. */
export const loneWorkMigrations: Migration[] = [
  {
    version: 1,
    name: 'man-down pre-alarms and check-in visits',
    sql: `
      CREATE TABLE lone_work_pre_alarms (
        id          TEXT PRIMARY KEY,
        site_id     TEXT NOT NULL,
        device_id   TEXT NOT NULL,
        started_at  INTEGER NOT NULL,
        deadline    INTEGER NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('pending', 'raising', 'raised', 'cancelled')),
        location    TEXT,
        alarm_id    TEXT,
        closed_at   INTEGER,
        closed_by   TEXT CHECK (closed_by IN ('device', 'duress', 'expired'))
      );
      CREATE UNIQUE INDEX lone_work_pre_alarms_one_per_device ON lone_work_pre_alarms (site_id, device_id) WHERE state IN ('pending', 'raising');
      CREATE TABLE lone_work_visits (
        id               TEXT PRIMARY KEY,
        site_id          TEXT NOT NULL,
        device_id        TEXT,
        owner            TEXT,
        person           TEXT NOT NULL,
        address          TEXT,
        started_at       INTEGER NOT NULL,
        until            INTEGER NOT NULL,
        reminder_sent_at INTEGER,
        state            TEXT NOT NULL CHECK (state IN ('active', 'expiring', 'missed', 'checked-out')),
        missed_at        INTEGER,
        alarm_id         TEXT,
        checked_out_at   INTEGER,
        checked_out_by   TEXT,
        location         TEXT,
        located_at       INTEGER
      );
      CREATE INDEX lone_work_visits_open ON lone_work_visits (until) WHERE state IN ('active', 'expiring');
      CREATE UNIQUE INDEX lone_work_visits_one_per_device ON lone_work_visits (site_id, device_id)
        WHERE device_id IS NOT NULL AND state IN ('active', 'expiring');
      CREATE TABLE lone_work_visit_log (
        visit_id TEXT NOT NULL REFERENCES lone_work_visits (id),
        at       INTEGER NOT NULL,
        type     TEXT NOT NULL,
        actor    TEXT NOT NULL,
        detail   TEXT
      );
      CREATE INDEX lone_work_visit_log_visit ON lone_work_visit_log (visit_id, at);`,
  },
];

export type PreAlarmState = 'pending' | 'raising' | 'raised' | 'cancelled';

export interface PreAlarm {
  id: string;
  siteId: string;
  deviceId: string;
  startedAt: number;
  deadline: number;
  state: PreAlarmState;
  /** Where the man-down happened; kept only until the pre-alarm ends (then it is on the alarm, or gone). */
  location?: DeviceLocation;
  alarmId?: string;
  /** Set when the pre-alarm stops running: cancelled on the device, duress PIN, or the deadline. */
  closedBy?: PreAlarmCloser;
}

export type PreAlarmCloser = 'device' | 'duress' | 'expired';

/** `expiring`: the deadline passed and the alarm is being raised (a restart raises it again, deduplicated). */
export type VisitState = 'active' | 'expiring' | 'missed' | 'checked-out';

export interface Visit {
  id: string;
  siteId: string;
  deviceId?: string;
  /** Username of who started it over the API; undefined when started on the device. */
  owner?: string;
  person: string;
  address?: string;
  startedAt: number;
  until: number;
  reminderSentAt?: number;
  state: VisitState;
  missedAt?: number;
  alarmId?: string;
  checkedOutAt?: number;
  checkedOutBy?: string;
  /** Recorded only after the timer expired (privacy rule, docs/lone-work.md). */
  location?: DeviceLocation;
  locatedAt?: number;
}

interface PreAlarmRow {
  id: string; site_id: string; device_id: string; started_at: number; deadline: number; state: PreAlarmState;
  location: string | null; alarm_id: string | null; closed_by: PreAlarmCloser | null;
}
interface VisitRow {
  id: string; site_id: string; device_id: string | null; owner: string | null; person: string; address: string | null;
  started_at: number; until: number; reminder_sent_at: number | null; state: VisitState; missed_at: number | null;
  alarm_id: string | null; checked_out_at: number | null; checked_out_by: string | null; location: string | null; located_at: number | null;
}

/**
 * The lone-work tables in the server's SQLite file, on a connection of their own. WAL and
 * `synchronous=FULL`: a running timer is a promise that someone will be looked for, so it must
 * survive a power cut. State changes are conditional updates (`... WHERE state = ?`), so a timer
 * firing and a cancel or checkout arriving at the same moment cannot both win.
 */
export class LoneWorkStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    this.db = openDatabase(file, 'lone-work', loneWorkMigrations);
    const db = this.db;
    this.stmt = {
      insertPreAlarm: db.prepare(`INSERT INTO lone_work_pre_alarms (id, site_id, device_id, started_at, deadline, state, location)
        VALUES (@id, @siteId, @deviceId, @startedAt, @deadline, 'pending', @location)`),
      pendingPreAlarm: db.prepare<[string, string], PreAlarmRow>(
        `SELECT * FROM lone_work_pre_alarms WHERE site_id = ? AND device_id = ? AND state IN ('pending', 'raising')`),
      getPreAlarm: db.prepare<[string], PreAlarmRow>('SELECT * FROM lone_work_pre_alarms WHERE id = ?'),
      unfinishedPreAlarms: db.prepare<[], PreAlarmRow>(`SELECT * FROM lone_work_pre_alarms WHERE state IN ('pending', 'raising') ORDER BY deadline`),
      claimPreAlarm: db.prepare<[PreAlarmCloser, string]>(`UPDATE lone_work_pre_alarms SET state = 'raising', closed_by = ? WHERE id = ? AND state = 'pending'`),
      closePreAlarm: db.prepare(`UPDATE lone_work_pre_alarms SET state = @to, closed_at = @at, closed_by = @by, alarm_id = @alarmId, location = NULL
        WHERE id = @id AND state = @from`),
      insertVisit: db.prepare(`INSERT INTO lone_work_visits (id, site_id, device_id, owner, person, address, started_at, until, state)
        VALUES (@id, @siteId, @deviceId, @owner, @person, @address, @startedAt, @until, 'active')`),
      getVisit: db.prepare<[string], VisitRow>('SELECT * FROM lone_work_visits WHERE id = ?'),
      openVisitOfDevice: db.prepare<[string, string], VisitRow>(
        `SELECT * FROM lone_work_visits WHERE site_id = ? AND device_id = ? AND state IN ('active', 'expiring')`),
      missedVisitsOfDevice: db.prepare<[string, string], VisitRow>(
        `SELECT * FROM lone_work_visits WHERE site_id = ? AND device_id = ? AND state = 'missed' AND alarm_id IS NOT NULL`),
      openVisits: db.prepare<[], VisitRow>(`SELECT * FROM lone_work_visits WHERE state IN ('active', 'expiring') ORDER BY until`),
      listVisits: db.prepare<[{ states: string | null; limit: number }], VisitRow>(
        `SELECT * FROM lone_work_visits WHERE (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
         ORDER BY started_at DESC LIMIT @limit`),
      extendVisit: db.prepare<[number, string]>(`UPDATE lone_work_visits SET until = ?, reminder_sent_at = NULL WHERE id = ? AND state = 'active'`),
      remindVisit: db.prepare<[number, string]>(`UPDATE lone_work_visits SET reminder_sent_at = ? WHERE id = ? AND state = 'active' AND reminder_sent_at IS NULL`),
      claimExpiry: db.prepare<[string, number]>(`UPDATE lone_work_visits SET state = 'expiring' WHERE id = ? AND state = 'active' AND until <= ?`),
      markMissed: db.prepare<[number, string, string]>(`UPDATE lone_work_visits SET state = 'missed', missed_at = ?, alarm_id = ? WHERE id = ? AND state = 'expiring'`),
      checkOut: db.prepare<[number, string, string]>(
        `UPDATE lone_work_visits SET checked_out_at = ?, checked_out_by = ?, state = CASE state WHEN 'active' THEN 'checked-out' ELSE state END
         WHERE id = ? AND checked_out_at IS NULL AND state IN ('active', 'expiring', 'missed')`),
      locateVisit: db.prepare<[string, number, string]>(`UPDATE lone_work_visits SET location = ?, located_at = ? WHERE id = ? AND state = 'missed'`),
      log: db.prepare<[string, number, string, string, string | null]>('INSERT INTO lone_work_visit_log (visit_id, at, type, actor, detail) VALUES (?, ?, ?, ?, ?)'),
      visitLog: db.prepare<[string], { at: number; type: string; actor: string; detail: string | null }>(
        'SELECT at, type, actor, detail FROM lone_work_visit_log WHERE visit_id = ? ORDER BY rowid'),
    };
  }

  // --- man-down pre-alarms ---

  /** Undefined when the device already has one running (one pre-alarm per device). */
  startPreAlarm(p: Omit<PreAlarm, 'state' | 'alarmId'>): PreAlarm | undefined {
    return this.db.transaction(() => {
      if (this.stmt.pendingPreAlarm.get(p.siteId, p.deviceId)) return undefined;
      this.stmt.insertPreAlarm.run({ ...p, location: p.location ? JSON.stringify(p.location) : null });
      return { ...p, state: 'pending' as const };
    })();
  }

  runningPreAlarm(siteId: string, deviceId: string): PreAlarm | undefined {
    const row = this.stmt.pendingPreAlarm.get(siteId, deviceId);
    return row && toPreAlarm(row);
  }

  preAlarm(id: string): PreAlarm | undefined {
    const row = this.stmt.getPreAlarm.get(id);
    return row && toPreAlarm(row);
  }

  unfinishedPreAlarms(): PreAlarm[] {
    return this.stmt.unfinishedPreAlarms.all().map(toPreAlarm);
  }

  /** pending -> raising (deadline passed, or the duress PIN): from here on a cancel no longer wins. */
  claimPreAlarm(id: string, by: 'duress' | 'expired'): boolean {
    return this.stmt.claimPreAlarm.run(by, id).changes === 1;
  }

  /** Ends a pre-alarm and forgets its location (it is on the alarm now, or no longer anyone's business). */
  closePreAlarm(id: string, from: PreAlarmState, to: 'raised' | 'cancelled', by: PreAlarmCloser, at: number, alarmId?: string): boolean {
    return this.stmt.closePreAlarm.run({ id, from, to, by, at, alarmId: alarmId ?? null }).changes === 1;
  }

  // --- check-in visits ---

  /** Undefined when the device already has an open visit. */
  startVisit(v: Omit<Visit, 'state'>, actor: string): Visit | undefined {
    return this.db.transaction(() => {
      if (v.deviceId && this.stmt.openVisitOfDevice.get(v.siteId, v.deviceId)) return undefined;
      this.stmt.insertVisit.run({ ...v, deviceId: v.deviceId ?? null, owner: v.owner ?? null, address: v.address ?? null });
      this.stmt.log.run(v.id, v.startedAt, 'started', actor, JSON.stringify({ until: new Date(v.until).toISOString() }));
      return { ...v, state: 'active' as const };
    })();
  }

  visit(id: string): Visit | undefined {
    const row = this.stmt.getVisit.get(id);
    return row && toVisit(row);
  }

  openVisitOfDevice(siteId: string, deviceId: string): Visit | undefined {
    const row = this.stmt.openVisitOfDevice.get(siteId, deviceId);
    return row && toVisit(row);
  }

  missedVisitsOfDevice(siteId: string, deviceId: string): Visit[] {
    return this.stmt.missedVisitsOfDevice.all(siteId, deviceId).map(toVisit);
  }

  openVisits(): Visit[] {
    return this.stmt.openVisits.all().map(toVisit);
  }

  listVisits(states: VisitState[] | undefined, limit: number): Visit[] {
    return this.stmt.listVisits.all({ states: states ? JSON.stringify(states) : null, limit }).map(toVisit);
  }

  extendVisit(id: string, until: number, at: number, actor: string): boolean {
    return this.logged(id, at, 'extended', actor, { until: new Date(until).toISOString() }, () => this.stmt.extendVisit.run(until, id).changes === 1);
  }

  markReminded(id: string, at: number): boolean {
    return this.logged(id, at, 'reminded', 'system', undefined, () => this.stmt.remindVisit.run(at, id).changes === 1);
  }

  /** active -> expiring once the deadline passed; from here on a checkout no longer prevents the alarm. */
  claimExpiry(id: string, now: number): boolean {
    return this.stmt.claimExpiry.run(id, now).changes === 1;
  }

  markMissed(id: string, at: number, alarmId: string): boolean {
    return this.logged(id, at, 'missed', 'system', { alarmId }, () => this.stmt.markMissed.run(at, alarmId, id).changes === 1);
  }

  /** In time: the visit ends. Late (expiring/missed): recorded on the visit, the alarm stays for a person to resolve. */
  checkOut(id: string, at: number, actor: string): boolean {
    return this.logged(id, at, 'checked-out', actor, undefined, () => this.stmt.checkOut.run(at, actor, id).changes === 1);
  }

  locateVisit(id: string, location: DeviceLocation, at: number): boolean {
    return this.stmt.locateVisit.run(JSON.stringify(location), at, id).changes === 1;
  }

  visitLog(id: string): { at: number; type: string; actor: string; detail?: unknown }[] {
    return this.stmt.visitLog.all(id).map((r) => ({ at: r.at, type: r.type, actor: r.actor, ...(r.detail ? { detail: JSON.parse(r.detail) as unknown } : {}) }));
  }

  /**
   * Retention: erases positions recorded on this site's missed visits before `locatedBefore`,
   * except visits whose alarm is in `openAlarmIds` (someone may still be on the way). Returns how many.
   */
  eraseVisitPositions(siteId: string, locatedBefore: number, openAlarmIds: string[]): number {
    const keep = new Set(openAlarmIds);
    const rows = (this.db.prepare('SELECT id, alarm_id FROM lone_work_visits WHERE site_id = ? AND location IS NOT NULL AND located_at < ?')
      .all(siteId, locatedBefore) as { id: string; alarm_id: string | null }[]).filter((r) => !r.alarm_id || !keep.has(r.alarm_id));
    const erase = this.db.prepare('UPDATE lone_work_visits SET location = NULL, located_at = NULL WHERE id = ?');
    return this.db.transaction(() => rows.reduce((n, r) => n + erase.run(r.id).changes, 0)).immediate();
  }

  /**
   * Retention: deletes this site's finished visits (checked out, or missed with their alarm no
   * longer open) that ended before `endedBefore`, with their log, and closed pre-alarms. Returns how many visits.
   */
  purgeVisits(siteId: string, endedBefore: number, openAlarmIds: string[]): number {
    const keep = new Set(openAlarmIds);
    return this.db.transaction((): number => {
      const ids = (this.db.prepare(`SELECT id, alarm_id FROM lone_work_visits WHERE site_id = ? AND state IN ('checked-out', 'missed')
        AND coalesce(checked_out_at, missed_at, until) < ?`).all(siteId, endedBefore) as { id: string; alarm_id: string | null }[])
        .filter((r) => !r.alarm_id || !keep.has(r.alarm_id)).map((r) => r.id);
      const log = this.db.prepare('DELETE FROM lone_work_visit_log WHERE visit_id = ?');
      const row = this.db.prepare('DELETE FROM lone_work_visits WHERE id = ?');
      for (const id of ids) {
        log.run(id);
        row.run(id);
      }
      this.db.prepare("DELETE FROM lone_work_pre_alarms WHERE site_id = ? AND state IN ('raised', 'cancelled') AND closed_at < ?").run(siteId, endedBefore);
      return ids.length;
    }).immediate();
  }

  /** A person's visits (they own or are the person of) with their logs: for the person's data export. */
  personVisits(username: string, name: string): (Visit & { log: { at: number; type: string; actor: string; detail?: unknown }[] })[] {
    const rows = this.db.prepare('SELECT * FROM lone_work_visits WHERE owner = ? OR person = ? ORDER BY started_at').all(username, name) as VisitRow[];
    return rows.map((r) => { const v = toVisit(r); return { ...v, log: this.visitLog(v.id) }; });
  }

  /** Person erasure: their visits keep times and states; owner, person, address, position and log actor are replaced or dropped. */
  erasePerson(username: string, name: string, pseudonym: { username: string; name: string }): number {
    return this.db.transaction((): number => {
      const ids = (this.db.prepare('SELECT id FROM lone_work_visits WHERE owner = ? OR person = ?').all(username, name) as { id: string }[]).map((r) => r.id);
      const visit = this.db.prepare('UPDATE lone_work_visits SET owner = ?, person = ?, address = NULL, location = NULL, located_at = NULL WHERE id = ?');
      for (const id of ids) visit.run(pseudonym.username, pseudonym.name, id);
      const actors = this.db.prepare('UPDATE lone_work_visit_log SET actor = ? WHERE actor = ?').run(`user:${pseudonym.username}`, `user:${username}`).changes;
      return ids.length + actors;
    }).immediate();
  }

  close(): void {
    this.db.close();
  }

  private logged(id: string, at: number, type: string, actor: string, detail: object | undefined, change: () => boolean): boolean {
    return this.db.transaction(() => {
      const changed = change();
      if (changed) this.stmt.log.run(id, at, type, actor, detail ? JSON.stringify(detail) : null);
      return changed;
    })();
  }
}

function toPreAlarm(r: PreAlarmRow): PreAlarm {
  return {
    id: r.id, siteId: r.site_id, deviceId: r.device_id, startedAt: r.started_at, deadline: r.deadline, state: r.state,
    ...(r.location ? { location: JSON.parse(r.location) as DeviceLocation } : {}),
    ...(r.alarm_id ? { alarmId: r.alarm_id } : {}),
    ...(r.closed_by ? { closedBy: r.closed_by } : {}),
  };
}

function toVisit(r: VisitRow): Visit {
  const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
  return {
    id: r.id, siteId: r.site_id, deviceId: opt(r.device_id), owner: opt(r.owner), person: r.person, address: opt(r.address),
    startedAt: r.started_at, until: r.until, reminderSentAt: opt(r.reminder_sent_at), state: r.state, missedAt: opt(r.missed_at),
    alarmId: opt(r.alarm_id), checkedOutAt: opt(r.checked_out_at), checkedOutBy: opt(r.checked_out_by),
    location: r.location ? (JSON.parse(r.location) as DeviceLocation) : undefined, locatedAt: opt(r.located_at),
  };
}
