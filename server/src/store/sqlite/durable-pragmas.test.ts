import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigVersionStore } from '../../config-admin/config-version-store';
import { EvacuationStore } from '../../evacuation/evacuation-store';
import { IncidentsDb } from '../../incidents/incidents-db';
import { LoneWorkStore } from '../../lone-work/lone-work-store';
import { SqliteNotificationStore } from '../../notify/sqlite-notification-store';
import { PersonRecords } from '../../retention/person-records';
import { PrivacyAudit } from '../../retention/privacy-audit';
import { RiskDb } from '../../risk/risk-db';
import { BannedClientStore } from '../../safety-work/banned-clients/banned-client-store';
import { DrillStore } from '../../safety-work/drills/drill-store';
import { MeetingStore } from '../../safety-work/meetings/meeting-store';
import { StationCredentialStore } from '../../stations/station-credential-store';
import { SupervisionDb } from '../../supervision/supervision-db';
import { SqliteStore } from './sqlite-store';

/** An open store and how to close it; each keeps its connection in a `db` field (TypeScript-private, reachable at run time). */
interface OpenStore {
  store: object;
  close(): void | Promise<void>;
}

const closing = <T extends { close(): void | Promise<void> }>(store: T): OpenStore => ({ store, close: () => store.close() });

/**
 * Every store that writes to the server's SQLite file, opened on its own connection. `synchronous`
 * belongs to the connection, so it can only be read on the store's own one.
 */
const STORES: Record<string, (file: string) => OpenStore> = {
  'alarm store': (file) => closing(new SqliteStore(file)),
  notifications: (file) => closing(new SqliteNotificationStore(file)),
  'configuration versions': (file) => closing(new ConfigVersionStore(file)),
  supervision: (file) => closing(new SupervisionDb(file)),
  'person records (erasure)': (file) => closing(new PersonRecords(file)),
  'privacy audit': (file) => closing(new PrivacyAudit(file)),
  evacuation: (file) => closing(new EvacuationStore(file)),
  incidents: (file) => closing(new IncidentsDb(file)),
  'lone work': (file) => closing(new LoneWorkStore(file)),
  risk: (file) => closing(new RiskDb(file)),
  drills: (file) => closing(new DrillStore(file)),
  meetings: (file) => {
    const store = new MeetingStore(file);
    return { store, close: () => store.shutdown() };
  },
  'banned clients': (file) => closing(new BannedClientStore(file)),
  'station PCs': (file) => closing(new StationCredentialStore(file)),
};

describe('every store writes with WAL and synchronous=FULL (a commit survives a power cut)', () => {
  const dirs: string[] = [];
  const open: OpenStore[] = [];

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(STORES))('%s', (_name, make) => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-pragmas-'));
    dirs.push(dir);
    const opened = make(join(dir, 'trygg.db'));
    open.push(opened);
    const db = (opened.store as { db?: Database.Database }).db!;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });
});
