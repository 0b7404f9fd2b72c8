import type Database from 'better-sqlite3';
import type { Migration } from '../../store/sqlite/migrate';
import { openFeatureDb } from '../safety-db';

/** Migrations of module `meetings` (see store/sqlite/migrate.ts). Never edit a released one. */
export const meetingMigrations: Migration[] = [
  {
    version: 1,
    name: 'meetings with elevated risk',
    sql: `
      CREATE TABLE meetings (
        id         TEXT PRIMARY KEY,
        site_id    TEXT NOT NULL,
        room_id    TEXT NOT NULL,
        owner      TEXT NOT NULL,
        starts_at  INTEGER NOT NULL,
        ends_at    INTEGER NOT NULL,
        reason     TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('open', 'expiring', 'missed', 'closed')),
        created_at INTEGER NOT NULL,
        closed_at  INTEGER,
        closed_by  TEXT,
        missed_at  INTEGER,
        alarm_id   TEXT
      );
      CREATE INDEX meetings_open ON meetings (ends_at) WHERE closed_at IS NULL;
      CREATE INDEX meetings_site ON meetings (site_id, starts_at);`,
  },
];

/**
 * Why a meeting is elevated risk: a category, never the client's name (data minimisation). From
 * the report: a client assessed as dangerous, earlier threats or violence, a decision the client
 * will dislike (e.g. emergency aid refused), an appointment with a banned client, or other.
 */
export const MEETING_REASONS = ['assessed-dangerous', 'earlier-threats-or-violence', 'difficult-decision', 'banned-client-appointment', 'other'] as const;
export type MeetingReason = (typeof MEETING_REASONS)[number];

/** `expiring`: the deadline passed and the no-checkin alarm is being raised. */
export type MeetingState = 'open' | 'expiring' | 'missed' | 'closed';

export interface Meeting {
  id: string;
  siteId: string;
  roomId: string;
  owner: string;
  startsAt: number;
  endsAt: number;
  reason: MeetingReason;
  state: MeetingState;
  createdAt: number;
  closedAt?: number;
  closedBy?: string;
  missedAt?: number;
  alarmId?: string;
}

interface MeetingRow {
  id: string; site_id: string; room_id: string; owner: string; starts_at: number; ends_at: number; reason: MeetingReason; state: MeetingState;
  created_at: number; closed_at: number | null; closed_by: string | null; missed_at: number | null; alarm_id: string | null;
}

export class MeetingStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    this.db = openFeatureDb(file, 'meetings', meetingMigrations);
    const db = this.db;
    this.stmt = {
      insert: db.prepare(`INSERT INTO meetings (id, site_id, room_id, owner, starts_at, ends_at, reason, state, created_at)
        VALUES (@id, @siteId, @roomId, @owner, @startsAt, @endsAt, @reason, 'open', @createdAt)`),
      get: db.prepare<[string], MeetingRow>('SELECT * FROM meetings WHERE id = ?'),
      unclosed: db.prepare<[], MeetingRow>('SELECT * FROM meetings WHERE closed_at IS NULL ORDER BY starts_at'),
      list: db.prepare<[number], MeetingRow>('SELECT * FROM meetings ORDER BY starts_at DESC LIMIT ?'),
      claimExpiry: db.prepare<[string, number]>(`UPDATE meetings SET state = 'expiring' WHERE id = ? AND state = 'open' AND closed_at IS NULL AND ends_at <= ?`),
      markMissed: db.prepare<[number, string, string]>(`UPDATE meetings SET state = 'missed', missed_at = ?, alarm_id = ? WHERE id = ? AND state = 'expiring'`),
      close: db.prepare<[number, string, string]>(
        `UPDATE meetings SET closed_at = ?, closed_by = ?, state = CASE state WHEN 'open' THEN 'closed' ELSE state END
         WHERE id = ? AND closed_at IS NULL`),
    };
  }

  insert(m: Omit<Meeting, 'state'>): Meeting {
    this.stmt.insert.run(m);
    return { ...m, state: 'open' };
  }

  get(id: string): Meeting | undefined {
    const row = this.stmt.get.get(id);
    return row && toMeeting(row);
  }

  /** Meetings nobody has closed yet (planned, running, overdue), oldest first. */
  unclosed(): Meeting[] {
    return this.stmt.unclosed.all().map(toMeeting);
  }

  list(limit: number): Meeting[] {
    return this.stmt.list.all(limit).map(toMeeting);
  }

  /** open -> expiring once its deadline passed; from here a close no longer stops the alarm. */
  claimExpiry(id: string, now: number): boolean {
    return this.stmt.claimExpiry.run(id, now).changes === 1;
  }

  markMissed(id: string, at: number, alarmId: string): boolean {
    return this.stmt.markMissed.run(at, alarmId, id).changes === 1;
  }

  /** Records the close; an overdue meeting keeps its state (`missed`): its alarm is a person's to resolve. */
  close(id: string, at: number, by: string): boolean {
    return this.stmt.close.run(at, by, id).changes === 1;
  }

  shutdown(): void {
    this.db.close();
  }
}

function toMeeting(r: MeetingRow): Meeting {
  return {
    id: r.id, siteId: r.site_id, roomId: r.room_id, owner: r.owner, startsAt: r.starts_at, endsAt: r.ends_at, reason: r.reason, state: r.state,
    createdAt: r.created_at, closedAt: r.closed_at ?? undefined, closedBy: r.closed_by ?? undefined, missedAt: r.missed_at ?? undefined, alarmId: r.alarm_id ?? undefined,
  };
}
