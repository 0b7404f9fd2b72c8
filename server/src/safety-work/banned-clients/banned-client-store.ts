import type Database from 'better-sqlite3';
import type { Migration } from '../../store/sqlite/migrate';
import { openFeatureDb } from '../safety-db';

/** Migrations of module `banned-clients` (see store/sqlite/migrate.ts). Never edit a released one. */
export const bannedClientMigrations: Migration[] = [
  {
    version: 1,
    name: 'banned clients register and its audit trail',
    sql: `
      CREATE TABLE banned_clients (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        name_key     TEXT NOT NULL,
        birth_year   INTEGER,
        birth_date   TEXT,
        sites        TEXT NOT NULL,
        decided_at   TEXT NOT NULL,
        decided_by   TEXT NOT NULL,
        legal_basis  TEXT NOT NULL,
        valid_from   INTEGER NOT NULL,
        valid_to     INTEGER NOT NULL,
        created_by   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        updated_by   TEXT,
        updated_at   INTEGER
      );
      CREATE INDEX banned_clients_name ON banned_clients (name_key);
      CREATE INDEX banned_clients_expiry ON banned_clients (valid_to);
      -- Who looked, when, why, where, and what came of it. No looked-up name is kept: a miss
      -- would otherwise leave a register of people who are not banned.
      CREATE TABLE banned_client_audit (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        at           INTEGER NOT NULL,
        username     TEXT NOT NULL,
        role         TEXT NOT NULL,
        site_id      TEXT,
        action       TEXT NOT NULL CHECK (action IN ('check', 'list', 'read', 'create', 'edit', 'delete', 'erase')),
        reason       TEXT,
        entry_id     TEXT,
        matched      INTEGER,
        applies_here INTEGER
      );
      CREATE INDEX banned_client_audit_at ON banned_client_audit (at);`,
  },
];

export interface BannedClient {
  id: string;
  name: string;
  birthYear?: number;
  /** YYYY-MM-DD; when given, its year is the birth year. */
  birthDate?: string;
  /** Site ids the decision applies to; `*` for every office of the installation. */
  sites: string[];
  decision: { date: string; decidedBy: string; legalBasis: string };
  validFrom: number;
  validTo: number;
  createdBy: string;
  createdAt: number;
  updatedBy?: string;
  updatedAt?: number;
}

export type AuditAction = 'check' | 'list' | 'read' | 'create' | 'edit' | 'delete' | 'erase';

export interface AuditEntry {
  id: number;
  at: number;
  username: string;
  role: string;
  siteId?: string;
  action: AuditAction;
  reason?: string;
  entryId?: string;
  matched?: boolean;
  appliesHere?: boolean;
}

interface Row {
  id: string; name: string; name_key: string; birth_year: number | null; birth_date: string | null; sites: string; decided_at: string; decided_by: string;
  legal_basis: string; valid_from: number; valid_to: number; created_by: string; created_at: number; updated_by: string | null; updated_at: number | null;
}
interface AuditRow {
  id: number; at: number; username: string; role: string; site_id: string | null; action: AuditAction; reason: string | null; entry_id: string | null;
  matched: number | null; applies_here: number | null;
}

/**
 * Name as compared: Unicode-normalised, lower case, punctuation and hyphens as spaces, parts in
 * order ("Hansen, Ola-Kristian" = "ola kristian hansen"). Letters are kept as they are: æ, ø, å
 * are not o or a.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('nb').replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(' ').filter(Boolean).sort().join(' ');
}

export function birthYearOf(entry: Pick<BannedClient, 'birthYear' | 'birthDate'>): number | undefined {
  return entry.birthYear ?? (entry.birthDate ? Number(entry.birthDate.slice(0, 4)) : undefined);
}

export class BannedClientStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    this.db = openFeatureDb(file, 'banned-clients', bannedClientMigrations);
    const db = this.db;
    this.stmt = {
      insert: db.prepare(`INSERT INTO banned_clients (id, name, name_key, birth_year, birth_date, sites, decided_at, decided_by, legal_basis,
        valid_from, valid_to, created_by, created_at) VALUES (@id, @name, @nameKey, @birthYear, @birthDate, @sites, @decidedAt, @decidedBy, @legalBasis,
        @validFrom, @validTo, @createdBy, @createdAt)`),
      update: db.prepare(`UPDATE banned_clients SET name = @name, name_key = @nameKey, birth_year = @birthYear, birth_date = @birthDate, sites = @sites,
        decided_at = @decidedAt, decided_by = @decidedBy, legal_basis = @legalBasis, valid_from = @validFrom, valid_to = @validTo,
        updated_by = @updatedBy, updated_at = @updatedAt WHERE id = @id`),
      get: db.prepare<[string], Row>('SELECT * FROM banned_clients WHERE id = ?'),
      byName: db.prepare<[string, number, number], Row>('SELECT * FROM banned_clients WHERE name_key = ? AND valid_from <= ? AND valid_to > ?'),
      notExpired: db.prepare<[number], Row>('SELECT * FROM banned_clients WHERE valid_to > ? ORDER BY valid_to'),
      remove: db.prepare<[string]>('DELETE FROM banned_clients WHERE id = ?'),
      expired: db.prepare<[number], { id: string }>('SELECT id FROM banned_clients WHERE valid_to <= ?'),
      nextExpiry: db.prepare<[], { t: number | null }>('SELECT min(valid_to) AS t FROM banned_clients'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM banned_clients'),
      audit: db.prepare(`INSERT INTO banned_client_audit (at, username, role, site_id, action, reason, entry_id, matched, applies_here)
        VALUES (@at, @username, @role, @siteId, @action, @reason, @entryId, @matched, @appliesHere)`),
      auditList: db.prepare<[number, number, number], AuditRow>('SELECT * FROM banned_client_audit WHERE at >= ? AND at < ? ORDER BY id DESC LIMIT ?'),
      auditPrune: db.prepare<[number]>('DELETE FROM banned_client_audit WHERE at < ?'),
    };
  }

  insert(entry: BannedClient): void {
    this.stmt.insert.run({ ...this.columns(entry), createdBy: entry.createdBy, createdAt: entry.createdAt });
  }

  update(entry: BannedClient): boolean {
    return this.stmt.update.run({ ...this.columns(entry), updatedBy: entry.updatedBy ?? null, updatedAt: entry.updatedAt ?? null }).changes === 1;
  }

  get(id: string): BannedClient | undefined {
    const row = this.stmt.get.get(id);
    return row && toEntry(row);
  }

  /** Entries in force now whose name compares equal. */
  inForceByName(key: string, now: number): BannedClient[] {
    return this.stmt.byName.all(key, now, now).map(toEntry);
  }

  notExpired(now: number): BannedClient[] {
    return this.stmt.notExpired.all(now).map(toEntry);
  }

  remove(id: string): boolean {
    return this.stmt.remove.run(id).changes === 1;
  }

  /** Deletes every entry whose decision has ended; returns their ids (for the audit trail). */
  eraseExpired(now: number): string[] {
    return this.db.transaction(() => {
      const ids = this.stmt.expired.all(now).map((r) => r.id);
      for (const id of ids) this.stmt.remove.run(id);
      return ids;
    })();
  }

  nextExpiry(): number | undefined {
    return this.stmt.nextExpiry.get()?.t ?? undefined;
  }

  count(): number {
    return this.stmt.count.get()!.n;
  }

  audit(e: Omit<AuditEntry, 'id'>): void {
    this.stmt.audit.run({
      at: e.at, username: e.username, role: e.role, siteId: e.siteId ?? null, action: e.action, reason: e.reason ?? null, entryId: e.entryId ?? null,
      matched: e.matched === undefined ? null : Number(e.matched), appliesHere: e.appliesHere === undefined ? null : Number(e.appliesHere),
    });
  }

  auditLog(from: number, to: number, limit: number): AuditEntry[] {
    return this.stmt.auditList.all(from, to, limit).map((r) => ({
      id: r.id, at: r.at, username: r.username, role: r.role, siteId: r.site_id ?? undefined, action: r.action, reason: r.reason ?? undefined,
      entryId: r.entry_id ?? undefined, matched: r.matched === null ? undefined : r.matched === 1, appliesHere: r.applies_here === null ? undefined : r.applies_here === 1,
    }));
  }

  pruneAudit(before: number): number {
    return this.stmt.auditPrune.run(before).changes;
  }

  close(): void {
    this.db.close();
  }

  private columns(e: BannedClient) {
    return {
      id: e.id, name: e.name, nameKey: nameKey(e.name), birthYear: e.birthYear ?? null, birthDate: e.birthDate ?? null, sites: JSON.stringify(e.sites),
      decidedAt: e.decision.date, decidedBy: e.decision.decidedBy, legalBasis: e.decision.legalBasis, validFrom: e.validFrom, validTo: e.validTo,
    };
  }
}

function toEntry(r: Row): BannedClient {
  return {
    id: r.id, name: r.name, birthYear: r.birth_year ?? undefined, birthDate: r.birth_date ?? undefined, sites: JSON.parse(r.sites) as string[],
    decision: { date: r.decided_at, decidedBy: r.decided_by, legalBasis: r.legal_basis }, validFrom: r.valid_from, validTo: r.valid_to,
    createdBy: r.created_by, createdAt: r.created_at, updatedBy: r.updated_by ?? undefined, updatedAt: r.updated_at ?? undefined,
  };
}
