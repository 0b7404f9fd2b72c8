import type Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../store/sqlite/migrate';
import type { Consequence, Likelihood, MeasureKind, Text } from './report-catalogue';

/** Migrations of module `risk` (see store/sqlite/migrate.ts). Never edit a released one. */
export const riskMigrations: Migration[] = [
  {
    version: 1,
    name: 'site risk register edits and measures',
    sql: `
      CREATE TABLE risk_register_edits (
        site_id     TEXT NOT NULL,
        event_id    TEXT NOT NULL,
        likelihood  INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
        consequence INTEGER NOT NULL CHECK (consequence BETWEEN 1 AND 5),
        note        TEXT,
        updated_by  TEXT NOT NULL,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (site_id, event_id)
      );
      CREATE TABLE risk_measures (
        id          TEXT PRIMARY KEY,
        site_id     TEXT NOT NULL,
        event_ids   TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('preventive', 'damage-limiting')),
        template_id TEXT,
        text        TEXT NOT NULL,
        owner       TEXT,
        status      TEXT NOT NULL CHECK (status IN ('proposed', 'planned', 'in-progress', 'done', 'rejected')),
        due         TEXT,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_by  TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      CREATE INDEX risk_measures_site ON risk_measures (site_id);`,
  },
];

export interface RegisterEdit {
  siteId: string;
  eventId: string;
  likelihood: Likelihood;
  consequence: Consequence;
  note?: string;
  updatedBy: string;
  updatedAt: number;
}

export type MeasureStatus = 'proposed' | 'planned' | 'in-progress' | 'done' | 'rejected';
export const MEASURE_STATUSES: readonly MeasureStatus[] = ['proposed', 'planned', 'in-progress', 'done', 'rejected'];

export interface Measure {
  id: string;
  siteId: string;
  eventIds: string[];
  kind: MeasureKind;
  templateId?: string;
  text: Text;
  owner?: string;
  status: MeasureStatus;
  /** YYYY-MM-DD. */
  due?: string;
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
}

interface MeasureRow {
  id: string; site_id: string; event_ids: string; kind: MeasureKind; template_id: string | null; text: string;
  owner: string | null; status: MeasureStatus; due: string | null; created_by: string; created_at: number; updated_by: string; updated_at: number;
}

const fromRow = (r: MeasureRow): Measure => ({
  id: r.id, siteId: r.site_id, eventIds: JSON.parse(r.event_ids) as string[], kind: r.kind,
  ...(r.template_id ? { templateId: r.template_id } : {}), text: JSON.parse(r.text) as Text,
  ...(r.owner !== null ? { owner: r.owner } : {}), status: r.status, ...(r.due !== null ? { due: r.due } : {}),
  createdBy: r.created_by, createdAt: r.created_at, updatedBy: r.updated_by, updatedAt: r.updated_at,
});

/** The risk feature's tables in the server's SQLite file: per-site edits of the register, and measures. */
export class RiskDb {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openDatabase(file, 'risk', riskMigrations);
  }

  edits(siteId: string): Map<string, RegisterEdit> {
    const rows = this.db.prepare('SELECT * FROM risk_register_edits WHERE site_id = ?').all(siteId) as {
      site_id: string; event_id: string; likelihood: Likelihood; consequence: Consequence; note: string | null; updated_by: string; updated_at: number;
    }[];
    return new Map(rows.map((r) => [r.event_id, {
      siteId: r.site_id, eventId: r.event_id, likelihood: r.likelihood, consequence: r.consequence,
      ...(r.note !== null ? { note: r.note } : {}), updatedBy: r.updated_by, updatedAt: r.updated_at,
    }]));
  }

  putEdit(edit: RegisterEdit): void {
    this.db.prepare(`INSERT INTO risk_register_edits (site_id, event_id, likelihood, consequence, note, updated_by, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (site_id, event_id) DO UPDATE SET likelihood = excluded.likelihood, consequence = excluded.consequence,
        note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at`)
      .run(edit.siteId, edit.eventId, edit.likelihood, edit.consequence, edit.note ?? null, edit.updatedBy, edit.updatedAt);
  }

  dropEdit(siteId: string, eventId: string): boolean {
    return this.db.prepare('DELETE FROM risk_register_edits WHERE site_id = ? AND event_id = ?').run(siteId, eventId).changes > 0;
  }

  measures(siteId: string): Measure[] {
    return (this.db.prepare('SELECT * FROM risk_measures WHERE site_id = ? ORDER BY created_at, id').all(siteId) as MeasureRow[]).map(fromRow);
  }

  measure(siteId: string, id: string): Measure | undefined {
    const row = this.db.prepare('SELECT * FROM risk_measures WHERE site_id = ? AND id = ?').get(siteId, id) as MeasureRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  putMeasure(m: Measure): void {
    this.db.prepare(`INSERT INTO risk_measures (id, site_id, event_ids, kind, template_id, text, owner, status, due, created_by, created_at, updated_by, updated_at)
      VALUES (@id, @site_id, @event_ids, @kind, @template_id, @text, @owner, @status, @due, @created_by, @created_at, @updated_by, @updated_at)
      ON CONFLICT (id) DO UPDATE SET event_ids = excluded.event_ids, kind = excluded.kind, template_id = excluded.template_id,
        text = excluded.text, owner = excluded.owner, status = excluded.status, due = excluded.due,
        updated_by = excluded.updated_by, updated_at = excluded.updated_at`).run({
      id: m.id, site_id: m.siteId, event_ids: JSON.stringify(m.eventIds), kind: m.kind, template_id: m.templateId ?? null,
      text: JSON.stringify(m.text), owner: m.owner ?? null, status: m.status, due: m.due ?? null,
      created_by: m.createdBy, created_at: m.createdAt, updated_by: m.updatedBy, updated_at: m.updatedAt,
    });
  }

  deleteMeasure(siteId: string, id: string): boolean {
    return this.db.prepare('DELETE FROM risk_measures WHERE site_id = ? AND id = ?').run(siteId, id).changes > 0;
  }

  close(): void {
    this.db.close();
  }
}
