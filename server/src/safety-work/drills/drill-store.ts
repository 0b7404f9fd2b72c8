import type Database from 'better-sqlite3';
import type { Migration } from '../../store/sqlite/migrate';
import { openFeatureDb } from '../safety-db';

/** Migrations of module `drills` (see store/sqlite/migrate.ts). Never edit a released one. */
export const drillMigrations: Migration[] = [
  {
    version: 1,
    name: 'drills and the alarms they raised',
    sql: `
      CREATE TABLE drills (
        id          TEXT PRIMARY KEY,
        site_id     TEXT NOT NULL,
        room_id     TEXT,
        kind        TEXT NOT NULL,
        planned_at  INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('planned', 'running', 'finished', 'cancelled')),
        started_at  INTEGER,
        ended_at    INTEGER,
        ended_by    TEXT,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        note        TEXT
      );
      CREATE INDEX drills_site ON drills (site_id, planned_at);
      CREATE INDEX drills_unfinished ON drills (planned_at) WHERE state IN ('planned', 'running');
      CREATE TABLE drill_alarms (
        drill_id  TEXT NOT NULL REFERENCES drills (id),
        alarm_id  TEXT NOT NULL,
        origin    TEXT NOT NULL CHECK (origin IN ('started', 'press')),
        linked_at INTEGER NOT NULL,
        PRIMARY KEY (drill_id, alarm_id)
      );`,
  },
];

/** The alarm kinds a drill may raise; evacuation drills belong to the evacuation feature. */
export const DRILL_KINDS = ['panic', 'personal', 'man-down', 'no-checkin'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];
export type DrillState = 'planned' | 'running' | 'finished' | 'cancelled';

export interface Drill {
  id: string;
  siteId: string;
  roomId?: string;
  kind: DrillKind;
  plannedAt: number;
  durationMs: number;
  state: DrillState;
  startedAt?: number;
  endedAt?: number;
  endedBy?: string;
  createdBy: string;
  createdAt: number;
  note?: string;
}

interface DrillRow {
  id: string; site_id: string; room_id: string | null; kind: DrillKind; planned_at: number; duration_ms: number; state: DrillState;
  started_at: number | null; ended_at: number | null; ended_by: string | null; created_by: string; created_at: number; note: string | null;
}

export interface DrillAlarmLink {
  alarmId: string;
  origin: 'started' | 'press';
  linkedAt: number;
}

/**
 * The drill tables, on their own connection. State changes are conditional updates
 * (`... WHERE state = ?`), so a timer starting a drill and a person cancelling it cannot both win.
 */
export class DrillStore {
  readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    this.db = openFeatureDb(file, 'drills', drillMigrations);
    const db = this.db;
    this.stmt = {
      insert: db.prepare(`INSERT INTO drills (id, site_id, room_id, kind, planned_at, duration_ms, state, created_by, created_at, note)
        VALUES (@id, @siteId, @roomId, @kind, @plannedAt, @durationMs, 'planned', @createdBy, @createdAt, @note)`),
      get: db.prepare<[string], DrillRow>('SELECT * FROM drills WHERE id = ?'),
      unfinished: db.prepare<[], DrillRow>(`SELECT * FROM drills WHERE state IN ('planned', 'running') ORDER BY planned_at`),
      bySite: db.prepare<[string, number], DrillRow>('SELECT * FROM drills WHERE site_id = ? ORDER BY planned_at DESC LIMIT ?'),
      start: db.prepare<[number, string]>(`UPDATE drills SET state = 'running', started_at = ? WHERE id = ? AND state = 'planned'`),
      end: db.prepare<[string, number, string, string, string]>(`UPDATE drills SET state = ?, ended_at = ?, ended_by = ? WHERE id = ? AND state = ?`),
      link: db.prepare<[string, string, string, number]>('INSERT OR IGNORE INTO drill_alarms (drill_id, alarm_id, origin, linked_at) VALUES (?, ?, ?, ?)'),
      links: db.prepare<[string], { alarm_id: string; origin: 'started' | 'press'; linked_at: number }>(
        'SELECT alarm_id, origin, linked_at FROM drill_alarms WHERE drill_id = ? ORDER BY linked_at, rowid'),
      earlier: db.prepare<[string, number, string, number], DrillRow>(
        `SELECT * FROM drills WHERE site_id = ? AND started_at IS NOT NULL AND started_at < ? AND id <> ? AND state IN ('running', 'finished')
         ORDER BY started_at DESC LIMIT ?`),
    };
  }

  insert(d: Omit<Drill, 'state'>): Drill {
    this.stmt.insert.run({ ...d, roomId: d.roomId ?? null, note: d.note ?? null });
    return { ...d, state: 'planned' };
  }

  get(id: string): Drill | undefined {
    const row = this.stmt.get.get(id);
    return row && toDrill(row);
  }

  unfinished(): Drill[] {
    return this.stmt.unfinished.all().map(toDrill);
  }

  bySite(siteId: string, limit: number): Drill[] {
    return this.stmt.bySite.all(siteId, limit).map(toDrill);
  }

  /** planned -> running; false if someone else got there first. */
  claimStart(id: string, at: number): boolean {
    return this.stmt.start.run(at, id).changes === 1;
  }

  end(id: string, from: 'planned' | 'running', at: number, by: string): boolean {
    return this.stmt.end.run(from === 'planned' ? 'cancelled' : 'finished', at, by, id, from).changes === 1;
  }

  link(drillId: string, alarmId: string, origin: 'started' | 'press', at: number): void {
    this.stmt.link.run(drillId, alarmId, origin, at);
  }

  links(drillId: string): DrillAlarmLink[] {
    return this.stmt.links.all(drillId).map((r) => ({ alarmId: r.alarm_id, origin: r.origin, linkedAt: r.linked_at }));
  }

  /** Drills of the site started before this one, newest first. */
  earlier(drill: Drill, limit: number): Drill[] {
    return this.stmt.earlier.all(drill.siteId, drill.startedAt ?? drill.plannedAt, drill.id, limit).map(toDrill);
  }

  close(): void {
    this.db.close();
  }
}

function toDrill(r: DrillRow): Drill {
  return {
    id: r.id, siteId: r.site_id, roomId: r.room_id ?? undefined, kind: r.kind, plannedAt: r.planned_at, durationMs: r.duration_ms,
    state: r.state, startedAt: r.started_at ?? undefined, endedAt: r.ended_at ?? undefined, endedBy: r.ended_by ?? undefined,
    createdBy: r.created_by, createdAt: r.created_at, note: r.note ?? undefined,
  };
}
