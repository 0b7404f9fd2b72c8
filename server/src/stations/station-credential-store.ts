import type Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../store/sqlite/migrate';

/** Migrations of module `stations` (see store/sqlite/migrate.ts). Never edit a released one. */
export const stationMigrations: Migration[] = [
  {
    version: 1,
    name: 'station credentials and their audit trail',
    sql: `
      CREATE TABLE station_credentials (
        id              TEXT PRIMARY KEY,
        site_id         TEXT NOT NULL,
        station_id      TEXT NOT NULL,
        secret_hash     TEXT NOT NULL UNIQUE,
        label           TEXT,
        created_at      INTEGER NOT NULL,
        created_by      TEXT NOT NULL,
        last_contact_at INTEGER,
        revoked_at      INTEGER,
        revoked_by      TEXT
      );
      CREATE INDEX station_credentials_station ON station_credentials (site_id, station_id);
      CREATE TABLE station_credential_audit (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        at            INTEGER NOT NULL,
        credential_id TEXT NOT NULL,
        site_id       TEXT NOT NULL,
        station_id    TEXT NOT NULL,
        action        TEXT NOT NULL CHECK (action IN ('enrolled', 'revoked')),
        actor         TEXT NOT NULL,
        detail        TEXT
      );`,
  },
];

/** A station credential as stored: the secret itself is never kept, only its SHA-256. */
export interface StationCredentialRecord {
  id: string;
  siteId: string;
  stationId: string;
  label?: string;
  createdAt: number;
  createdBy: string;
  lastContactAt?: number;
  revokedAt?: number;
  revokedBy?: string;
}

export interface StationAuditEntry {
  at: number;
  credentialId: string;
  siteId: string;
  stationId: string;
  action: 'enrolled' | 'revoked';
  actor: string;
  detail?: string;
}

interface Row {
  id: string; site_id: string; station_id: string; label: string | null; created_at: number; created_by: string;
  last_contact_at: number | null; revoked_at: number | null; revoked_by: string | null;
}

const COLUMNS = 'id, site_id, station_id, label, created_at, created_by, last_contact_at, revoked_at, revoked_by';

function toRecord(r: Row): StationCredentialRecord {
  return {
    id: r.id, siteId: r.site_id, stationId: r.station_id, createdAt: r.created_at, createdBy: r.created_by,
    ...(r.label !== null && { label: r.label }),
    ...(r.last_contact_at !== null && { lastContactAt: r.last_contact_at }),
    ...(r.revoked_at !== null && { revokedAt: r.revoked_at }),
    ...(r.revoked_by !== null && { revokedBy: r.revoked_by }),
  };
}

/**
 * Station credentials on their own connection to the server's SQLite file. A credential and its
 * audit entry are written in one transaction: an enrolment is never without its trail.
 */
export class StationCredentialStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    this.db = openDatabase(file, 'stations', stationMigrations);
    this.stmt = {
      insert: this.db.prepare(`INSERT INTO station_credentials (id, site_id, station_id, secret_hash, label, created_at, created_by)
        VALUES (@id, @siteId, @stationId, @secretHash, @label, @createdAt, @createdBy)`),
      byHash: this.db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM station_credentials WHERE secret_hash = ?`),
      byId: this.db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM station_credentials WHERE id = ?`),
      all: this.db.prepare<[], Row>(`SELECT ${COLUMNS} FROM station_credentials ORDER BY created_at DESC, id`),
      revoke: this.db.prepare('UPDATE station_credentials SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL'),
      touch: this.db.prepare('UPDATE station_credentials SET last_contact_at = ? WHERE id = ?'),
      countActive: this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM station_credentials WHERE revoked_at IS NULL'),
      audit: this.db.prepare(`INSERT INTO station_credential_audit (at, credential_id, site_id, station_id, action, actor, detail)
        VALUES (@at, @credentialId, @siteId, @stationId, @action, @actor, @detail)`),
      auditAll: this.db.prepare<[], { at: number; credential_id: string; site_id: string; station_id: string; action: 'enrolled' | 'revoked'; actor: string; detail: string | null }>(
        'SELECT at, credential_id, site_id, station_id, action, actor, detail FROM station_credential_audit ORDER BY seq'),
    };
  }

  insert(record: StationCredentialRecord & { secretHash: string }): void {
    this.db.transaction(() => {
      this.stmt.insert.run({ ...record, label: record.label ?? null });
      this.stmt.audit.run({ at: record.createdAt, credentialId: record.id, siteId: record.siteId, stationId: record.stationId, action: 'enrolled', actor: record.createdBy, detail: record.label ?? null });
    })();
  }

  byHash(secretHash: string): StationCredentialRecord | undefined {
    const row = this.stmt.byHash.get(secretHash);
    return row && toRecord(row);
  }

  byId(id: string): StationCredentialRecord | undefined {
    const row = this.stmt.byId.get(id);
    return row && toRecord(row);
  }

  list(): StationCredentialRecord[] {
    return this.stmt.all.all().map(toRecord);
  }

  /** Revokes an active credential with its audit entry; false when it was already revoked or never existed. */
  revoke(id: string, at: number, by: string): boolean {
    return this.db.transaction(() => {
      const current = this.stmt.byId.get(id);
      if (!current || this.stmt.revoke.run(at, by, id).changes === 0) return false;
      this.stmt.audit.run({ at, credentialId: id, siteId: current.site_id, stationId: current.station_id, action: 'revoked', actor: by, detail: null });
      return true;
    })();
  }

  touch(id: string, at: number): void {
    this.stmt.touch.run(at, id);
  }

  countActive(): number {
    return this.stmt.countActive.get()?.n ?? 0;
  }

  audit(): StationAuditEntry[] {
    return this.stmt.auditAll.all().map((r) => ({
      at: r.at, credentialId: r.credential_id, siteId: r.site_id, stationId: r.station_id, action: r.action, actor: r.actor, ...(r.detail !== null && { detail: r.detail }),
    }));
  }

  close(): void {
    this.db.close();
  }
}
