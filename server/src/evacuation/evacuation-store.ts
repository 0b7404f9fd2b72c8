import type Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../store/sqlite/migrate';
import type {
  Answer, AnswerVia, DeliveryState, Evacuation, EvacuationChannel, EvacuationDelivery, EvacuationPerson, EvacuationTrigger,
} from './evacuation-types';

/** Migrations of module `evacuation` (see store/sqlite/migrate.ts). Never edit a released one. */
export const evacuationMigrations: Migration[] = [
  {
    version: 1,
    name: 'evacuations, people and deliveries',
    sql: `
      CREATE TABLE evacuations (
        id          TEXT PRIMARY KEY,
        site_id     TEXT NOT NULL,
        drill       INTEGER NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('running', 'ended')),
        started_via TEXT NOT NULL CHECK (started_via IN ('user', 'device')),
        started_at  INTEGER NOT NULL,
        started_by  TEXT NOT NULL,
        device_id   TEXT,
        message     TEXT,
        alarm_id    TEXT,
        texts       TEXT NOT NULL,
        fanout_ms   INTEGER,
        ended_at    INTEGER,
        ended_by    TEXT
      );
      CREATE UNIQUE INDEX evacuations_one_running_per_site ON evacuations (site_id) WHERE state = 'running';
      CREATE INDEX evacuations_started ON evacuations (started_at);
      CREATE TABLE evacuation_people (
        evacuation_id TEXT NOT NULL REFERENCES evacuations (id),
        username      TEXT NOT NULL,
        name          TEXT NOT NULL,
        phone         TEXT,
        email         TEXT,
        language      TEXT,
        answer        TEXT CHECK (answer IN ('safe', 'needs-help')),
        answered_at   INTEGER,
        via           TEXT,
        PRIMARY KEY (evacuation_id, username)
      );
      CREATE TABLE evacuation_deliveries (
        evacuation_id   TEXT NOT NULL REFERENCES evacuations (id),
        recipient_id    TEXT NOT NULL,
        channel         TEXT NOT NULL,
        target          TEXT NOT NULL,
        dedupe_key      TEXT NOT NULL UNIQUE,
        notification_id TEXT,
        state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        detail          TEXT,
        updated_at      INTEGER NOT NULL,
        PRIMARY KEY (evacuation_id, recipient_id, channel)
      );
      CREATE INDEX evacuation_deliveries_notification ON evacuation_deliveries (notification_id);`,
  },
];

interface EvacuationRow {
  id: string; site_id: string; drill: number; state: Evacuation['state']; started_via: EvacuationTrigger; started_at: number;
  started_by: string; device_id: string | null; message: string | null; alarm_id: string | null; texts: string;
  fanout_ms: number | null; ended_at: number | null; ended_by: string | null;
}
interface PersonRow {
  evacuation_id: string; username: string; name: string; phone: string | null; email: string | null; language: 'nb' | 'en' | null;
  answer: Answer | null; answered_at: number | null; via: AnswerVia | null;
}
interface DeliveryRow {
  evacuation_id: string; recipient_id: string; channel: EvacuationChannel; target: string; dedupe_key: string;
  notification_id: string | null; state: DeliveryState; detail: string | null; updated_at: number;
}

export type NewPerson = Omit<EvacuationPerson, 'answer' | 'answeredAt' | 'via'>;
export type NewDelivery = Omit<EvacuationDelivery, 'notificationId' | 'detail'>;

/**
 * The evacuation tables in the server's SQLite file, on a connection of their own (WAL,
 * `synchronous=FULL`: a roll call must survive a power cut). Every method is one synchronous
 * statement or transaction, so "one running evacuation per site" holds without a lock held
 * across an await (and the partial unique index enforces it anyway).
 */
export class EvacuationStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    this.db = openDatabase(file, 'evacuation', evacuationMigrations);
    const db = this.db;
    this.stmt = {
      insert: db.prepare(`INSERT INTO evacuations (id, site_id, drill, state, started_via, started_at, started_by, device_id, message, texts)
        VALUES (@id, @siteId, @drill, 'running', @trigger, @startedAt, @startedBy, @deviceId, @message, @texts)`),
      get: db.prepare<[string], EvacuationRow>('SELECT * FROM evacuations WHERE id = ?'),
      runningForSite: db.prepare<[string], EvacuationRow>(`SELECT * FROM evacuations WHERE site_id = ? AND state = 'running'`),
      running: db.prepare<[], EvacuationRow>(`SELECT * FROM evacuations WHERE state = 'running' ORDER BY started_at`),
      recent: db.prepare<[number], EvacuationRow>('SELECT * FROM evacuations ORDER BY started_at DESC LIMIT ?'),
      setAlarm: db.prepare<[string, string]>('UPDATE evacuations SET alarm_id = ? WHERE id = ?'),
      setFanout: db.prepare<[number, string]>('UPDATE evacuations SET fanout_ms = ? WHERE id = ? AND fanout_ms IS NULL'),
      end: db.prepare<[number, string, string]>(`UPDATE evacuations SET state = 'ended', ended_at = ?, ended_by = ? WHERE id = ? AND state = 'running'`),
      insertPerson: db.prepare(`INSERT OR IGNORE INTO evacuation_people (evacuation_id, username, name, phone, email, language)
        VALUES (@evacuationId, @username, @name, @phone, @email, @language)`),
      person: db.prepare<[string, string], PersonRow>('SELECT * FROM evacuation_people WHERE evacuation_id = ? AND username = ?'),
      people: db.prepare<[string], PersonRow>('SELECT * FROM evacuation_people WHERE evacuation_id = ? ORDER BY name, username'),
      answer: db.prepare<[Answer, number, AnswerVia, string, string]>(
        'UPDATE evacuation_people SET answer = ?, answered_at = ?, via = ? WHERE evacuation_id = ? AND username = ?'),
      insertDelivery: db.prepare(`INSERT OR IGNORE INTO evacuation_deliveries (evacuation_id, recipient_id, channel, target, dedupe_key, state, updated_at)
        VALUES (@evacuationId, @recipientId, @channel, @target, @dedupeKey, @state, @updatedAt)`),
      deliveries: db.prepare<[string], DeliveryRow>('SELECT * FROM evacuation_deliveries WHERE evacuation_id = ? ORDER BY recipient_id, channel'),
      deliveriesOf: db.prepare<[string, string], DeliveryRow>('SELECT * FROM evacuation_deliveries WHERE evacuation_id = ? AND recipient_id = ? ORDER BY channel'),
      // Per person: the answer, and how many channels have not failed (none: unreached).
      standing: db.prepare<[string], { answer: Answer | null; live: number }>(`SELECT p.answer AS answer,
        (SELECT count(*) FROM evacuation_deliveries d WHERE d.evacuation_id = p.evacuation_id
          AND d.recipient_id = 'user:' || p.username AND d.state <> 'failed') AS live
        FROM evacuation_people p WHERE p.evacuation_id = ?`),
      delivery: db.prepare<[string], DeliveryRow>('SELECT * FROM evacuation_deliveries WHERE dedupe_key = ?'),
      byNotification: db.prepare<[string], DeliveryRow>('SELECT * FROM evacuation_deliveries WHERE notification_id = ?'),
      // An outcome may overtake the dispatch receipt: never move a delivery back to pending.
      receipt: db.prepare<[string, DeliveryState, number, string]>(`UPDATE evacuation_deliveries SET notification_id = ?,
        state = CASE WHEN state = 'pending' THEN ? ELSE state END, updated_at = ? WHERE dedupe_key = ?`),
      outcome: db.prepare<[DeliveryState, string | null, number, string]>(
        'UPDATE evacuation_deliveries SET state = ?, detail = ?, updated_at = ? WHERE dedupe_key = ?'),
    };
  }

  /**
   * Stores a new running evacuation with its people and planned deliveries, in one transaction —
   * unless the site already has one running: then that one is returned and nothing is written.
   */
  startOrGetRunning(evacuation: Evacuation, people: NewPerson[], deliveries: NewDelivery[]): { evacuation: Evacuation; created: boolean } {
    return this.db.transaction(() => {
      const running = this.stmt.runningForSite.get(evacuation.siteId);
      if (running) return { evacuation: toEvacuation(running), created: false };
      this.stmt.insert.run({
        id: evacuation.id, siteId: evacuation.siteId, drill: evacuation.drill ? 1 : 0, trigger: evacuation.trigger,
        startedAt: evacuation.startedAt, startedBy: evacuation.startedBy, deviceId: evacuation.deviceId ?? null,
        message: evacuation.message ?? null, texts: JSON.stringify(evacuation.texts),
      });
      for (const p of people) this.insertPerson(p);
      for (const d of deliveries) this.stmt.insertDelivery.run(d);
      return { evacuation: toEvacuation(this.stmt.get.get(evacuation.id)!), created: true };
    }).immediate();
  }

  get(id: string): Evacuation | undefined {
    const row = this.stmt.get.get(id);
    return row ? toEvacuation(row) : undefined;
  }

  runningForSite(siteId: string): Evacuation | undefined {
    const row = this.stmt.runningForSite.get(siteId);
    return row ? toEvacuation(row) : undefined;
  }

  running(): Evacuation[] {
    return this.stmt.running.all().map(toEvacuation);
  }

  recent(limit: number): Evacuation[] {
    return this.stmt.recent.all(limit).map(toEvacuation);
  }

  setAlarm(id: string, alarmId: string): void {
    this.stmt.setAlarm.run(alarmId, id);
  }

  setFanout(id: string, ms: number): void {
    this.stmt.setFanout.run(Math.round(ms), id);
  }

  /** False when it was not running (ended already). */
  end(id: string, at: number, by: string): boolean {
    return this.stmt.end.run(at, by, id).changes > 0;
  }

  /** Adds a person (someone who logged in at a console mid-evacuation); false if already there. */
  addPerson(person: NewPerson): boolean {
    return this.insertPerson(person);
  }

  person(evacuationId: string, username: string): EvacuationPerson | undefined {
    const row = this.stmt.person.get(evacuationId, username);
    return row ? toPerson(row) : undefined;
  }

  people(evacuationId: string): EvacuationPerson[] {
    return this.stmt.people.all(evacuationId).map(toPerson);
  }

  answer(evacuationId: string, username: string, answer: Answer, via: AnswerVia, at: number): boolean {
    return this.stmt.answer.run(answer, at, via, evacuationId, username).changes > 0;
  }

  /** Adds a delivery; false if one with its key exists. */
  addDelivery(delivery: NewDelivery): boolean {
    return this.stmt.insertDelivery.run(delivery).changes > 0;
  }

  deliveries(evacuationId: string): EvacuationDelivery[] {
    return this.stmt.deliveries.all(evacuationId).map(toDelivery);
  }

  deliveriesOf(evacuationId: string, recipientId: string): EvacuationDelivery[] {
    return this.stmt.deliveriesOf.all(evacuationId, recipientId).map(toDelivery);
  }

  /** Every person's answer and number of channels not (yet) failed: the roll-call counts in one query. */
  standing(evacuationId: string): { answer?: Answer; live: number }[] {
    return this.stmt.standing.all(evacuationId).map((r) => ({ ...(r.answer !== null && { answer: r.answer }), live: r.live }));
  }

  delivery(dedupeKey: string): EvacuationDelivery | undefined {
    const row = this.stmt.delivery.get(dedupeKey);
    return row ? toDelivery(row) : undefined;
  }

  deliveryByNotification(notificationId: string): EvacuationDelivery | undefined {
    const row = this.stmt.byNotification.get(notificationId);
    return row ? toDelivery(row) : undefined;
  }

  /** The dispatcher's receipts: the notification id, and the state if it is further than pending. */
  recordReceipts(receipts: { dedupeKey: string; notificationId: string; state: DeliveryState }[], at: number): void {
    this.db.transaction(() => {
      for (const r of receipts) this.stmt.receipt.run(r.notificationId, r.state, at, r.dedupeKey);
    })();
  }

  /** Final outcomes, in one transaction; returns the deliveries as they were before (unknown keys left out). */
  recordOutcomes(outcomes: { dedupeKey: string; state: DeliveryState; detail?: string }[], at: number): EvacuationDelivery[] {
    return this.db.transaction(() => outcomes.flatMap((o) => {
      const before = this.stmt.delivery.get(o.dedupeKey);
      if (!before) return [];
      this.stmt.outcome.run(o.state, o.detail?.slice(0, 300) ?? null, at, o.dedupeKey);
      return [toDelivery(before)];
    }))();
  }

  /** Retention: deletes this site's evacuations ended before `endedBefore` with their roll call and deliveries; returns how many. */
  purgeEnded(siteId: string, endedBefore: number): number {
    return this.db.transaction((): number => {
      const ids = (this.db.prepare("SELECT id FROM evacuations WHERE site_id = ? AND state = 'ended' AND ended_at < ?")
        .all(siteId, endedBefore) as { id: string }[]).map((r) => r.id);
      const children = ['evacuation_deliveries', 'evacuation_people'].map((t) => this.db.prepare(`DELETE FROM ${t} WHERE evacuation_id = ?`));
      const row = this.db.prepare('DELETE FROM evacuations WHERE id = ?');
      for (const id of ids) {
        for (const st of children) st.run(id);
        row.run(id);
      }
      return ids.length;
    }).immediate();
  }

  /** A person's roll-call entries and the evacuations they started or ended: for the person's data export. */
  personEntries(username: string): { rollCall: (EvacuationPerson & { evacuationId: string; startedAt: number })[]; startedOrEnded: string[] } {
    const rows = this.db.prepare(`SELECT p.*, e.started_at FROM evacuation_people p JOIN evacuations e ON e.id = p.evacuation_id
      WHERE p.username = ? ORDER BY e.started_at`).all(username) as (PersonRow & { started_at: number })[];
    const rollCall = rows.map((r) => ({ ...toPerson(r), evacuationId: r.evacuation_id, startedAt: r.started_at }));
    const startedOrEnded = (this.db.prepare('SELECT id FROM evacuations WHERE started_by = ? OR ended_by = ? ORDER BY started_at')
      .all(`user:${username}`, `user:${username}`) as { id: string }[]).map((r) => r.id);
    return { rollCall, startedOrEnded };
  }

  /**
   * Person erasure: the roll call keeps the answer (the evacuation's statistics), not who gave it:
   * username and name become the pseudonym, phone and e-mail are dropped. Returns the rows changed.
   */
  erasePerson(username: string, pseudonym: { username: string; name: string }): number {
    return this.db.transaction((): number => {
      let changed = this.db.prepare('UPDATE evacuation_people SET username = ?, name = ?, phone = NULL, email = NULL WHERE username = ?')
        .run(pseudonym.username, pseudonym.name, username).changes;
      changed += this.db.prepare('UPDATE evacuation_deliveries SET recipient_id = ? WHERE recipient_id = ?')
        .run(`user:${pseudonym.username}`, `user:${username}`).changes;
      for (const column of ['started_by', 'ended_by']) {
        changed += this.db.prepare(`UPDATE evacuations SET ${column} = ? WHERE ${column} = ?`).run(`user:${pseudonym.username}`, `user:${username}`).changes;
      }
      return changed;
    }).immediate();
  }

  close(): void {
    this.db.close();
  }

  private insertPerson(p: NewPerson): boolean {
    return this.stmt.insertPerson.run({
      evacuationId: p.evacuationId, username: p.username, name: p.name, phone: p.phone ?? null, email: p.email ?? null, language: p.language ?? null,
    }).changes > 0;
  }
}

function toEvacuation(r: EvacuationRow): Evacuation {
  return {
    id: r.id, siteId: r.site_id, drill: r.drill === 1, state: r.state, trigger: r.started_via, startedAt: r.started_at, startedBy: r.started_by,
    ...(r.device_id !== null && { deviceId: r.device_id }), ...(r.message !== null && { message: r.message }),
    ...(r.alarm_id !== null && { alarmId: r.alarm_id }), texts: JSON.parse(r.texts) as Evacuation['texts'],
    ...(r.fanout_ms !== null && { fanoutMs: r.fanout_ms }), ...(r.ended_at !== null && { endedAt: r.ended_at }),
    ...(r.ended_by !== null && { endedBy: r.ended_by }),
  };
}

function toPerson(r: PersonRow): EvacuationPerson {
  return {
    evacuationId: r.evacuation_id, username: r.username, name: r.name,
    ...(r.phone !== null && { phone: r.phone }), ...(r.email !== null && { email: r.email }), ...(r.language !== null && { language: r.language }),
    ...(r.answer !== null && { answer: r.answer }), ...(r.answered_at !== null && { answeredAt: r.answered_at }), ...(r.via !== null && { via: r.via }),
  };
}

function toDelivery(r: DeliveryRow): EvacuationDelivery {
  return {
    evacuationId: r.evacuation_id, recipientId: r.recipient_id, channel: r.channel, target: r.target, dedupeKey: r.dedupe_key,
    ...(r.notification_id !== null && { notificationId: r.notification_id }), state: r.state,
    ...(r.detail !== null && { detail: r.detail }), updatedAt: r.updated_at,
  };
}
