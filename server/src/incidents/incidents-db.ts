import type Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../store/sqlite/migrate';
import type { AlarmPart, FollowUpAction, Incident, IncidentSource, IncidentStatus } from './incident-types';

/** Migrations of module `incidents` (see store/sqlite/migrate.ts). Never edit a released one. */
export const incidentMigrations: Migration[] = [
  {
    version: 1,
    name: 'incident reports, read/write audit, leader copies',
    sql: `
      CREATE TABLE incidents (
        id                TEXT PRIMARY KEY,
        site_id           TEXT NOT NULL,
        source            TEXT NOT NULL CHECK (source IN ('alarm', 'manual')),
        alarm_id          TEXT UNIQUE,
        status            TEXT NOT NULL CHECK (status IN ('new', 'reviewed', 'closed')),
        -- statistics fields: kept for good
        occurred_at       INTEGER NOT NULL,
        room_id           TEXT,
        category          TEXT,
        consequence       INTEGER CHECK (consequence BETWEEN 1 AND 5),
        cause_factors     TEXT NOT NULL DEFAULT '[]',
        police_reported   INTEGER NOT NULL DEFAULT 0,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        reviewed_at       INTEGER,
        closed_at         INTEGER,
        erased_at         INTEGER,
        -- personal fields: erased after the site's retention period
        police_case       TEXT,
        narrative         TEXT,
        reporter_username TEXT,
        reporter_name     TEXT,
        involved          TEXT NOT NULL DEFAULT '[]',
        alarm             TEXT,
        actions           TEXT NOT NULL DEFAULT '[]',
        created_by        TEXT,
        reviewed_by       TEXT,
        review_note       TEXT,
        closed_by         TEXT
      );
      CREATE INDEX incidents_site_time ON incidents (site_id, occurred_at);
      CREATE INDEX incidents_reporter ON incidents (reporter_username);
      CREATE INDEX incidents_not_erased ON incidents (occurred_at) WHERE erased_at IS NULL;
      CREATE TABLE incident_audit (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id TEXT NOT NULL,
        site_id     TEXT NOT NULL,
        at          INTEGER NOT NULL,
        username    TEXT NOT NULL,
        action      TEXT NOT NULL,
        via         TEXT NOT NULL
      );
      CREATE INDEX incident_audit_incident ON incident_audit (incident_id, id);
      CREATE TABLE incident_leader_copies (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id TEXT NOT NULL,
        site_id     TEXT NOT NULL,
        recipient   TEXT NOT NULL,
        channel     TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('recorded', 'dispatched')),
        created_at  INTEGER NOT NULL,
        notification_id TEXT,
        dispatched_at   INTEGER,
        UNIQUE (incident_id, recipient)
      );
      CREATE TABLE incidents_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  },
];

export type AuditAction = 'read' | 'create' | 'update' | 'review' | 'close' | 'erase';
export type AuditVia = 'get' | 'list' | 'review-queue' | 'export' | 'api' | 'alarm' | 'retention';

export interface AuditEntry {
  incidentId: string;
  siteId: string;
  at: number;
  username: string;
  action: AuditAction;
  via: AuditVia;
}

/** `recorded`: stored, not (yet) handed to the notification dispatcher; `dispatched`: handed over (it sends and retries). */
export interface LeaderCopy {
  incidentId: string;
  siteId: string;
  recipient: string;
  channel: string;
  state: 'recorded' | 'dispatched';
  createdAt: number;
  notificationId?: string;
  dispatchedAt?: number;
}

export interface IncidentQuery {
  siteIds?: string[];
  reporter?: string;
  status?: IncidentStatus[];
  fromMs?: number;
  toMs?: number;
  limit?: number;
}

interface Row {
  id: string; site_id: string; source: IncidentSource; alarm_id: string | null; status: IncidentStatus;
  occurred_at: number; room_id: string | null; category: string | null; consequence: number | null; cause_factors: string;
  police_reported: number; created_at: number; updated_at: number; reviewed_at: number | null; closed_at: number | null; erased_at: number | null;
  police_case: string | null; narrative: string | null; reporter_username: string | null; reporter_name: string | null; involved: string;
  alarm: string | null; actions: string; created_by: string | null; reviewed_by: string | null; review_note: string | null; closed_by: string | null;
}

const fromRow = (r: Row): Incident => ({
  id: r.id, siteId: r.site_id, source: r.source, status: r.status, occurredAt: r.occurred_at, roomId: r.room_id,
  category: r.category, consequence: r.consequence, causeFactors: JSON.parse(r.cause_factors) as string[],
  policeReported: r.police_reported === 1, policeCaseNumber: r.police_case, narrative: r.narrative,
  reporterUsername: r.reporter_username, reporterName: r.reporter_name, involved: JSON.parse(r.involved) as string[],
  alarm: r.alarm ? JSON.parse(r.alarm) as AlarmPart : null, actions: JSON.parse(r.actions) as FollowUpAction[],
  createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at, reviewedAt: r.reviewed_at, reviewedBy: r.reviewed_by,
  reviewNote: r.review_note, closedAt: r.closed_at, closedBy: r.closed_by, erasedAt: r.erased_at,
});

const toRow = (i: Incident): Row => ({
  id: i.id, site_id: i.siteId, source: i.source, alarm_id: i.alarm?.id ?? null, status: i.status, occurred_at: i.occurredAt,
  room_id: i.roomId, category: i.category, consequence: i.consequence, cause_factors: JSON.stringify(i.causeFactors),
  police_reported: i.policeReported ? 1 : 0, created_at: i.createdAt, updated_at: i.updatedAt, reviewed_at: i.reviewedAt,
  closed_at: i.closedAt, erased_at: i.erasedAt, police_case: i.policeCaseNumber, narrative: i.narrative,
  reporter_username: i.reporterUsername, reporter_name: i.reporterName, involved: JSON.stringify(i.involved),
  alarm: i.alarm ? JSON.stringify(i.alarm) : null, actions: JSON.stringify(i.actions), created_by: i.createdBy,
  reviewed_by: i.reviewedBy, review_note: i.reviewNote, closed_by: i.closedBy,
});

const COLUMNS = Object.keys(toRow({
  id: '', siteId: '', source: 'manual', status: 'new', occurredAt: 0, roomId: null, category: null, consequence: null, causeFactors: [],
  policeReported: false, policeCaseNumber: null, narrative: null, reporterUsername: null, reporterName: null, involved: [], alarm: null,
  actions: [], createdAt: 0, createdBy: null, updatedAt: 0, reviewedAt: null, reviewedBy: null, reviewNote: null, closedAt: null, closedBy: null, erasedAt: null,
}));

interface CopyRow {
  incident_id: string; site_id: string; recipient: string; channel: string; state: 'recorded' | 'dispatched'; created_at: number;
  notification_id: string | null; dispatched_at: number | null;
}
const copyFromRow = (row: unknown): LeaderCopy => {
  const r = row as CopyRow;
  return {
    incidentId: r.incident_id, siteId: r.site_id, recipient: r.recipient, channel: r.channel, state: r.state, createdAt: r.created_at,
    ...(r.notification_id !== null ? { notificationId: r.notification_id } : {}), ...(r.dispatched_at !== null ? { dispatchedAt: r.dispatched_at } : {}),
  };
};

/** The incidents feature's tables in the server's SQLite file. Synchronous (better-sqlite3). */
export class IncidentsDb {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openDatabase(file, 'incidents', incidentMigrations);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** False if a report for the same alarm exists already (nothing is written). */
  insert(incident: Incident): boolean {
    const sql = `INSERT OR IGNORE INTO incidents (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`;
    return this.db.prepare(sql).run(toRow(incident)).changes > 0;
  }

  update(incident: Incident): void {
    const sql = `UPDATE incidents SET ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`;
    this.db.prepare(sql).run(toRow(incident));
  }

  get(id: string): Incident | undefined {
    const row = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  hasAlarm(alarmId: string): boolean {
    return this.db.prepare('SELECT 1 FROM incidents WHERE alarm_id = ?').get(alarmId) !== undefined;
  }

  list(q: IncidentQuery): Incident[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.siteIds) {
      if (q.siteIds.length === 0) return [];
      where.push(`site_id IN (${q.siteIds.map(() => '?').join(', ')})`);
      params.push(...q.siteIds);
    }
    if (q.reporter !== undefined) { where.push('reporter_username = ?'); params.push(q.reporter); }
    if (q.status) {
      if (q.status.length === 0) return [];
      where.push(`status IN (${q.status.map(() => '?').join(', ')})`);
      params.push(...q.status);
    }
    if (q.fromMs !== undefined) { where.push('occurred_at >= ?'); params.push(q.fromMs); }
    if (q.toMs !== undefined) { where.push('occurred_at <= ?'); params.push(q.toMs); }
    const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY occurred_at, id LIMIT ?`;
    params.push(Math.min(q.limit ?? 10_000, 10_000));
    return (this.db.prepare(sql).all(...params) as Row[]).map(fromRow);
  }

  /** Reports per category of a site in [fromMs, toMs] (statistics fields only; erased reports count too). */
  countByCategory(siteId: string, fromMs: number, toMs: number): Map<string | null, number> {
    const rows = this.db.prepare('SELECT category, count(*) AS n FROM incidents WHERE site_id = ? AND occurred_at >= ? AND occurred_at <= ? GROUP BY category')
      .all(siteId, fromMs, toMs) as { category: string | null; n: number }[];
    return new Map(rows.map((r) => [r.category, r.n]));
  }

  /** Reports of a site whose personal fields are still there and that occurred at or before `before`. */
  erasable(siteId: string, before: number): Incident[] {
    return (this.db.prepare('SELECT * FROM incidents WHERE site_id = ? AND erased_at IS NULL AND occurred_at <= ?').all(siteId, before) as Row[]).map(fromRow);
  }

  /** Sites that still have reports with personal fields (the retention job visits each). */
  sitesWithPersonalData(): string[] {
    return (this.db.prepare('SELECT DISTINCT site_id FROM incidents WHERE erased_at IS NULL').all() as { site_id: string }[]).map((r) => r.site_id);
  }

  audit(entries: AuditEntry[]): void {
    if (entries.length === 0) return;
    const stmt = this.db.prepare('INSERT INTO incident_audit (incident_id, site_id, at, username, action, via) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const e of entries) stmt.run(e.incidentId, e.siteId, e.at, e.username, e.action, e.via);
    })();
  }

  auditOf(incidentId: string): AuditEntry[] {
    return (this.db.prepare('SELECT incident_id, site_id, at, username, action, via FROM incident_audit WHERE incident_id = ? ORDER BY id').all(incidentId) as {
      incident_id: string; site_id: string; at: number; username: string; action: AuditAction; via: AuditVia;
    }[]).map((r) => ({ incidentId: r.incident_id, siteId: r.site_id, at: r.at, username: r.username, action: r.action, via: r.via }));
  }

  addLeaderCopy(copy: LeaderCopy): void {
    this.db.prepare('INSERT OR IGNORE INTO incident_leader_copies (incident_id, site_id, recipient, channel, state, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(copy.incidentId, copy.siteId, copy.recipient, copy.channel, copy.state, copy.createdAt);
  }

  leaderCopies(siteId: string, recipient?: string): LeaderCopy[] {
    return (recipient === undefined
      ? this.db.prepare('SELECT * FROM incident_leader_copies WHERE site_id = ? ORDER BY id').all(siteId)
      : this.db.prepare('SELECT * FROM incident_leader_copies WHERE site_id = ? AND recipient = ? ORDER BY id').all(siteId, recipient)).map(copyFromRow);
  }

  /** Copies not yet handed to the dispatcher (of one report, or all). */
  undispatchedCopies(incidentId?: string): LeaderCopy[] {
    return (incidentId === undefined
      ? this.db.prepare("SELECT * FROM incident_leader_copies WHERE state = 'recorded' ORDER BY id").all()
      : this.db.prepare("SELECT * FROM incident_leader_copies WHERE state = 'recorded' AND incident_id = ? ORDER BY id").all(incidentId)).map(copyFromRow);
  }

  markCopyDispatched(incidentId: string, recipient: string, notificationId: string, at: number): void {
    this.db.prepare("UPDATE incident_leader_copies SET state = 'dispatched', notification_id = ?, dispatched_at = ? WHERE incident_id = ? AND recipient = ?")
      .run(notificationId, at, incidentId, recipient);
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM incidents_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO incidents_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Retention (retention/retention-job.ts): deletes this site's read and change log rows older than `before`; returns how many. */
  pruneAudit(siteId: string, before: number): number {
    return this.db.prepare('DELETE FROM incident_audit WHERE site_id = ? AND at < ?').run(siteId, before).changes;
  }

  close(): void {
    this.db.close();
  }
}
