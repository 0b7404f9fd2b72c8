import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Alarm, Decision } from '../../alarm/alarm-types';
import { OPEN_ALARM_STATES } from '@trygg/protocol';
import type {
  AlarmFilter, AlarmHistoryPage, DeviceEventOutcome, DeviceEventRecord, DeviceSeen, GatewayStatusRecord, SessionRecord, Store, StoredAlarmEvent,
} from '../store';
import { alarmHistoryQuery } from './alarm-history-sql';
import { HistoryReader } from './history-reader';
import { migrate } from './migrate';
import { migrations } from './migrations';

const OPEN_STATES_SQL = OPEN_ALARM_STATES.map((s) => `'${s}'`).join(', ');

/**
 * SQLite store (better-sqlite3). WAL journal; alarm data on a connection with
 * `synchronous=FULL`, so a committed alarm survives power loss before anyone is told. Device
 * liveness, which is rewritten every few seconds and rebuilt by the next heartbeat, goes through
 * a second connection with `synchronous=NORMAL`.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statusDb: Database.Database;
  private readonly stmt;
  /** History pages off the alarm thread (none for an in-memory database: a worker cannot see it). */
  private readonly history?: HistoryReader;

  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    try {
      migrate(this.db, 'core', migrations);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.statusDb = file === ':memory:' ? this.db : new Database(file);
    this.statusDb.pragma('synchronous = NORMAL');
    this.statusDb.pragma('busy_timeout = 5000');
    if (file !== ':memory:') this.history = new HistoryReader(file);
    this.stmt = {
      findEvent: this.db.prepare<[string], { alarm_id: string | null }>('SELECT alarm_id FROM device_events WHERE event_id = ?'),
      insertEvent: this.db.prepare(`INSERT INTO device_events (event_id, site_id, gateway_id, device_id, kind, seq, at, received_at, alarm_id, claimed, pending_detail)
        VALUES (@eventId, @siteId, @gatewayId, @deviceId, @kind, @seq, @at, @receivedAt, @alarmId, @claimed, @pendingDetail)`),
      markHandled: this.db.prepare('UPDATE device_events SET handled_at = ?, pending_detail = NULL WHERE event_id = ?'),
      unhandled: this.db.prepare<[number], { event_id: string; site_id: string; gateway_id: string; device_id: string; kind: string; seq: number; at: string; received_at: number; alarm_id: string | null; claimed: number; pending_detail: string | null }>(
        'SELECT * FROM device_events WHERE handled_at IS NULL ORDER BY received_at LIMIT ?'),
      openForDevice: this.db.prepare<[string, string], { data: string }>(
        `SELECT data FROM alarms WHERE site_id = ? AND device_id = ? AND state IN (${OPEN_STATES_SQL})`),
      getAlarm: this.db.prepare<[string], { data: string }>('SELECT data FROM alarms WHERE id = ?'),
      upsertAlarm: this.db.prepare(`INSERT INTO alarms (id, site_id, kind, state, device_id, raised_at, updated_at, next_step_due_at, version, data)
        VALUES (@id, @siteId, @kind, @state, @deviceId, @raisedAt, @updatedAt, @nextStepDueAt, @version, @data)
        ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
          next_step_due_at = excluded.next_step_due_at, version = excluded.version, data = excluded.data`),
      insertAlarmEvent: this.db.prepare('INSERT INTO alarm_events (alarm_id, seq, type, at, data) VALUES (?, ?, ?, ?, ?)'),
      insertRoute: this.db.prepare('INSERT OR IGNORE INTO alarm_routes (alarm_id, station_id) VALUES (?, ?)'),
      alarmEvents: this.db.prepare<[string], { seq: number; data: string }>('SELECT seq, data FROM alarm_events WHERE alarm_id = ? ORDER BY seq'),
      pending: this.db.prepare<[], { data: string }>(
        `SELECT data FROM alarms WHERE next_step_due_at IS NOT NULL AND state IN (${OPEN_STATES_SQL}) ORDER BY next_step_due_at`),
      routedTo: this.db.prepare<[string], { data: string }>(`SELECT a.data FROM alarms a JOIN alarm_routes r ON r.alarm_id = a.id
        WHERE r.station_id = ? AND a.state IN (${OPEN_STATES_SQL}) ORDER BY a.raised_at`),
      upsertSeen: this.statusDb.prepare(`INSERT INTO devices_seen (site_id, device_id, gateway_id, last_seen_at, battery)
        VALUES (@siteId, @deviceId, @gatewayId, @lastSeenAt, @battery)
        ON CONFLICT (site_id, device_id) DO UPDATE SET gateway_id = excluded.gateway_id,
          last_seen_at = max(last_seen_at, excluded.last_seen_at), battery = coalesce(excluded.battery, battery)`),
      listSeen: this.statusDb.prepare<[], { site_id: string; device_id: string; gateway_id: string; last_seen_at: number; battery: number | null }>(
        'SELECT * FROM devices_seen ORDER BY site_id, device_id'),
      upsertGateway: this.statusDb.prepare(`INSERT INTO gateway_status (site_id, gateway_id, state, at, outbox_depth)
        VALUES (@siteId, @gatewayId, @state, @at, @outboxDepth)
        ON CONFLICT (site_id, gateway_id) DO UPDATE SET state = excluded.state, at = excluded.at, outbox_depth = excluded.outbox_depth`),
      listGateways: this.statusDb.prepare<[], { site_id: string; gateway_id: string; state: 'online' | 'offline'; at: number; outbox_depth: number | null }>(
        'SELECT * FROM gateway_status ORDER BY site_id, gateway_id'),
      insertSession: this.db.prepare('INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)'),
      getSession: this.db.prepare<[string, number], { token_hash: string; username: string; created_at: number; expires_at: number }>(
        'SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?'),
      deleteSession: this.db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      touchSession: this.db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
      deleteUserSessions: this.db.prepare("DELETE FROM sessions WHERE username = ? AND token_hash <> coalesce(?, '')"),
      purgeSessions: this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  async recordDeviceEvent(event: DeviceEventRecord, decide: (openAlarm: Alarm | undefined) => Decision | null): Promise<DeviceEventOutcome> {
    return this.db.transaction((): DeviceEventOutcome => {
      const known = this.stmt.findEvent.get(event.eventId);
      if (known) return { duplicate: true, alarmId: known.alarm_id ?? undefined };
      const row = this.stmt.openForDevice.get(event.siteId, event.deviceId);
      const open = row ? parseAlarm(row.data) : undefined;
      const routed = routesOf(open);
      const decision = decide(open);
      if (decision) this.writeDecision(decision, routed);
      this.stmt.insertEvent.run({
        eventId: event.eventId, siteId: event.siteId, gatewayId: event.gatewayId, deviceId: event.deviceId, kind: event.kind, seq: event.seq,
        at: event.at, receivedAt: event.receivedAt, alarmId: decision?.alarm.id ?? null, claimed: event.claimed ? 1 : 0,
        pendingDetail: event.pendingDetail ? JSON.stringify(event.pendingDetail) : null,
      });
      return { duplicate: false, decision };
    }).immediate();
  }

  async recordAlarm(siteId: string, dedupeKey: string | undefined, decide: (open: Alarm | undefined) => Decision | null, deviceId?: string): Promise<Decision | null> {
    return this.db.transaction((): Decision | null => {
      const byDevice = () => {
        const row = deviceId === undefined ? undefined : this.stmt.openForDevice.get(siteId, deviceId);
        return row ? parseAlarm(row.data) : undefined;
      };
      const open = (dedupeKey === undefined ? undefined : this.openByKey(siteId, dedupeKey)) ?? byDevice();
      const routed = routesOf(open);
      const decision = decide(open);
      if (decision) this.writeDecision(decision, routed);
      return decision;
    }).immediate();
  }

  async findOpenAlarmByKey(siteId: string, dedupeKey: string): Promise<Alarm | undefined> {
    return this.openByKey(siteId, dedupeKey);
  }

  private openByKey(siteId: string, dedupeKey: string): Alarm | undefined {
    const row = this.db.prepare(`SELECT data FROM alarms WHERE site_id = ? AND state IN (${OPEN_STATES_SQL})
      AND json_extract(data, '$.dedupeKey') = ?`).get(siteId, dedupeKey) as { data: string } | undefined;
    return row ? parseAlarm(row.data) : undefined;
  }

  async markDeviceEventHandled(eventId: string, at: number): Promise<void> {
    this.stmt.markHandled.run(at, eventId);
  }

  async unhandledDeviceEvents(limit: number): Promise<(DeviceEventRecord & { alarmId?: string })[]> {
    return this.stmt.unhandled.all(limit).map((r) => ({
      eventId: r.event_id, siteId: r.site_id, gatewayId: r.gateway_id, deviceId: r.device_id, kind: r.kind, seq: r.seq, at: r.at,
      receivedAt: r.received_at, claimed: r.claimed === 1, alarmId: r.alarm_id ?? undefined,
      pendingDetail: r.pending_detail ? (JSON.parse(r.pending_detail) as DeviceEventRecord['pendingDetail']) : undefined,
    }));
  }

  async updateAlarm(alarmId: string, decide: (alarm: Alarm) => Decision): Promise<Decision | undefined> {
    return this.db.transaction((): Decision | undefined => {
      const row = this.stmt.getAlarm.get(alarmId);
      if (!row) return undefined;
      const alarm = parseAlarm(row.data);
      const routed = routesOf(alarm);
      const decision = decide(alarm);
      this.writeDecision(decision, routed);
      return decision;
    }).immediate();
  }

  /**
   * Route rows are written only for stations the alarm had not reached before (`previous`): a
   * step to 500 consoles writes 500 rows once, and an acknowledge or a later step writes none
   * for stations already there (it used to re-insert every one, ignored, in each transaction).
   */
  private writeDecision({ alarm, events }: Decision, previous: { id: string; stations: Set<string> } | undefined): void {
    if (events.length === 0) return;
    const firstSeq = alarm.version - events.length + 1;
    this.stmt.upsertAlarm.run({
      id: alarm.id, siteId: alarm.siteId, kind: alarm.kind, state: alarm.state, deviceId: alarm.deviceId ?? null,
      raisedAt: alarm.raisedAt, updatedAt: alarm.updatedAt, nextStepDueAt: alarm.nextStepDueAt, version: alarm.version,
      data: JSON.stringify(alarm),
    });
    events.forEach((event, i) => this.stmt.insertAlarmEvent.run(alarm.id, firstSeq + i, event.type, event.at, JSON.stringify(event)));
    const known = previous?.id === alarm.id ? previous.stations : undefined;
    for (const station of alarm.routedStations) if (!known?.has(station)) this.stmt.insertRoute.run(alarm.id, station);
  }

  async getAlarm(alarmId: string): Promise<Alarm | undefined> {
    const row = this.stmt.getAlarm.get(alarmId);
    return row ? parseAlarm(row.data) : undefined;
  }

  async alarmEvents(alarmId: string): Promise<StoredAlarmEvent[]> {
    return this.stmt.alarmEvents.all(alarmId).map((r) => ({ alarmId, seq: r.seq, event: JSON.parse(r.data) }));
  }

  async listAlarms(filter: AlarmFilter): Promise<Alarm[]> {
    const query = alarmHistoryQuery(filter);
    if (!query) return [];
    return (this.db.prepare(query.sql).all(...query.params) as { data: string }[]).map((r) => parseAlarm(r.data));
  }

  async readHistory(filter: AlarmFilter): Promise<AlarmHistoryPage> {
    const query = alarmHistoryQuery(filter);
    if (!query) return { alarms: [] };
    const alarms = this.history ? await this.history.query<Alarm>(query.sql, query.params, 'data') : await this.listAlarms(filter);
    const limit = query.params[query.params.length - 1] as number;
    const last = alarms[alarms.length - 1];
    return { alarms, ...(alarms.length === limit && last ? { next: { raisedAt: last.raisedAt, id: last.id } } : {}) };
  }

  async alarmsWithPendingSteps(): Promise<Alarm[]> {
    return this.stmt.pending.all().map((r) => parseAlarm(r.data));
  }

  async openAlarmsRoutedTo(stationId: string): Promise<Alarm[]> {
    return this.stmt.routedTo.all(stationId).map((r) => parseAlarm(r.data));
  }

  async alarmsClosedSince(since: number): Promise<Alarm[]> {
    // Once at start: the state index narrows to closed alarms, and only the recent ones are parsed.
    const closedAt = "coalesce(json_extract(data, '$.closedAt'), updated_at)";
    return (this.db.prepare(`SELECT data FROM alarms WHERE state NOT IN (${OPEN_STATES_SQL}) AND ${closedAt} >= ? ORDER BY ${closedAt}, id`)
      .all(since) as { data: string }[]).map((r) => parseAlarm(r.data));
  }

  async countOpenAlarms(): Promise<number> {
    return (this.db.prepare(`SELECT count(*) AS n FROM alarms WHERE state IN (${OPEN_STATES_SQL})`).get() as { n: number }).n;
  }

  // Retention and person erasure: run daily or on an administrator's request, so plain prepares suffice.
  private readonly closedBefore = `site_id = ? AND state NOT IN (${OPEN_STATES_SQL})
    AND coalesce(json_extract(data, '$.closedAt'), updated_at) < ?`;

  async eraseAlarmPositions(siteId: string, closedBefore: number): Promise<number> {
    return this.db.transaction((): number => {
      const ids = (this.db.prepare(`SELECT id FROM alarms WHERE ${this.closedBefore}
        AND json_extract(data, '$.detail.location') IS NOT NULL`).all(siteId, closedBefore) as { id: string }[]).map((r) => r.id);
      const alarm = this.db.prepare("UPDATE alarms SET data = json_remove(data, '$.detail.location') WHERE id = ?");
      const raised = this.db.prepare("UPDATE alarm_events SET data = json_remove(data, '$.origin.detail.location') WHERE alarm_id = ? AND type = 'raised'");
      // A `located` event keeps its time (the timeline still says a position came), not the position.
      const located = this.db.prepare("UPDATE alarm_events SET data = json_set(data, '$.location', json('{}')) WHERE alarm_id = ? AND type = 'located'");
      for (const id of ids) {
        alarm.run(id);
        raised.run(id);
        located.run(id);
      }
      return ids.length;
    }).immediate();
  }

  async purgeClosedAlarms(siteId: string, closedBefore: number): Promise<string[]> {
    return this.db.transaction((): string[] => {
      const ids = (this.db.prepare(`SELECT id FROM alarms WHERE ${this.closedBefore}`).all(siteId, closedBefore) as { id: string }[]).map((r) => r.id);
      const statements = ['alarm_events', 'alarm_routes', 'device_events']
        .map((table) => this.db.prepare(`DELETE FROM ${table} WHERE alarm_id = ?`));
      const alarm = this.db.prepare('DELETE FROM alarms WHERE id = ?');
      for (const id of ids) {
        for (const st of statements) st.run(id);
        alarm.run(id);
      }
      return ids;
    }).immediate();
  }

  async purgeDeviceEvents(siteId: string, receivedBefore: number): Promise<number> {
    // Unhandled events wait for their handlers (a crash came between): never purged.
    return this.db.prepare(`DELETE FROM device_events WHERE site_id = ? AND received_at < ? AND handled_at IS NOT NULL
      AND (alarm_id IS NULL OR alarm_id NOT IN (SELECT id FROM alarms WHERE state IN (${OPEN_STATES_SQL})))`).run(siteId, receivedBefore).changes;
  }

  async alarmsInvolving(username: string): Promise<Alarm[]> {
    // A substring match narrows the rows; the walk over each event decides (a username may be part of another word).
    const rows = this.db.prepare('SELECT alarm_id, data FROM alarm_events WHERE instr(data, ?) > 0').all(username) as { alarm_id: string; data: string }[];
    const ids = new Set(rows.filter((r) => involves(JSON.parse(r.data), username)).map((r) => r.alarm_id));
    const alarms = await Promise.all([...ids].map((id) => this.getAlarm(id)));
    return alarms.filter((a): a is Alarm => a !== undefined).sort((a, b) => b.raisedAt - a.raisedAt);
  }

  async pseudonymiseUser(username: string, pseudonym: { username: string; name: string }): Promise<number> {
    return this.db.transaction((): number => {
      const events = this.db.prepare('SELECT alarm_id, seq, data FROM alarm_events WHERE instr(data, ?) > 0').all(username) as { alarm_id: string; seq: number; data: string }[];
      const writeEvent = this.db.prepare('UPDATE alarm_events SET data = ? WHERE alarm_id = ? AND seq = ?');
      for (const e of events) {
        const next = JSON.stringify(replacePerson(JSON.parse(e.data), username, pseudonym));
        if (next !== JSON.stringify(JSON.parse(e.data))) writeEvent.run(next, e.alarm_id, e.seq);
      }
      const alarms = this.db.prepare('SELECT id, data FROM alarms WHERE instr(data, ?) > 0').all(username) as { id: string; data: string }[];
      const writeAlarm = this.db.prepare('UPDATE alarms SET data = ? WHERE id = ?');
      let changed = 0;
      for (const a of alarms) {
        const next = JSON.stringify(replacePerson(JSON.parse(a.data), username, pseudonym));
        if (next === JSON.stringify(JSON.parse(a.data))) continue;
        writeAlarm.run(next, a.id);
        changed += 1;
      }
      return changed;
    }).immediate();
  }

  async listUserSessions(username: string): Promise<Omit<SessionRecord, 'tokenHash'>[]> {
    return (this.db.prepare('SELECT username, created_at, expires_at FROM sessions WHERE username = ? ORDER BY created_at')
      .all(username) as { username: string; created_at: number; expires_at: number }[])
      .map((r) => ({ username: r.username, createdAt: r.created_at, expiresAt: r.expires_at }));
  }

  async recordDeviceSeen(seen: DeviceSeen[]): Promise<void> {
    this.statusDb.transaction(() => {
      for (const s of seen) this.stmt.upsertSeen.run({ ...s, battery: s.battery ?? null });
    })();
  }

  async listDevicesSeen(): Promise<DeviceSeen[]> {
    return this.stmt.listSeen.all().map((r) => ({
      siteId: r.site_id, deviceId: r.device_id, gatewayId: r.gateway_id, lastSeenAt: r.last_seen_at, battery: r.battery ?? undefined,
    }));
  }

  async setGatewayStatus(status: GatewayStatusRecord): Promise<void> {
    this.stmt.upsertGateway.run({ ...status, outboxDepth: status.outboxDepth ?? null });
  }

  async listGatewayStatus(): Promise<GatewayStatusRecord[]> {
    return this.stmt.listGateways.all().map((r) => ({
      siteId: r.site_id, gatewayId: r.gateway_id, state: r.state, at: r.at, outboxDepth: r.outbox_depth ?? undefined,
    }));
  }

  async markStationPresence(stationId: string, online: boolean, at: number): Promise<void> {
    this.statusDb.prepare(`INSERT INTO station_presence (station_id, online, changed_at) VALUES (?, ?, ?)
      ON CONFLICT (station_id) DO UPDATE SET online = excluded.online, changed_at = excluded.changed_at`).run(stationId, online ? 1 : 0, at);
  }

  async stationsMarkedOnline(): Promise<string[]> {
    return (this.statusDb.prepare('SELECT station_id FROM station_presence WHERE online = 1').all() as { station_id: string }[]).map((r) => r.station_id);
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.stmt.insertSession.run(s.tokenHash, s.username, s.createdAt, s.expiresAt);
  }

  async getSession(tokenHash: string, now: number): Promise<SessionRecord | undefined> {
    const r = this.stmt.getSession.get(tokenHash, now);
    return r ? { tokenHash: r.token_hash, username: r.username, createdAt: r.created_at, expiresAt: r.expires_at } : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.stmt.deleteSession.run(tokenHash);
  }

  async touchSession(tokenHash: string, expiresAt: number): Promise<void> {
    this.stmt.touchSession.run(expiresAt, tokenHash);
  }

  async deleteUserSessions(username: string, exceptTokenHash?: string): Promise<number> {
    return this.stmt.deleteUserSessions.run(username, exceptTokenHash ?? null).changes;
  }

  async purgeExpiredSessions(now: number): Promise<void> {
    this.stmt.purgeSessions.run(now);
  }

  async close(): Promise<void> {
    await this.history?.close();
    if (this.statusDb !== this.db) this.statusDb.close();
    this.db.close();
  }
}

/** The stations an alarm was routed to before a decision (copied: `decide` must not be able to change it). */
function routesOf(alarm: Alarm | undefined): { id: string; stations: Set<string> } | undefined {
  return alarm ? { id: alarm.id, stations: new Set(alarm.routedStations) } : undefined;
}

function parseAlarm(data: string): Alarm {
  return JSON.parse(data) as Alarm;
}

/** Whether the alarm names the user as actor, responder or notified person. */
function involves(alarm: unknown, username: string): boolean {
  return JSON.stringify(replacePerson(alarm, username, { username: '\u0000', name: '' })) !== JSON.stringify(alarm);
}

/**
 * A copy of `value` with the person `username` replaced by `pseudonym` wherever an alarm names
 * them: an actor (`{ type: 'user', username, name }`), a responder (`{ username, name }`) or a
 * notified person (`recipient: { id, name, phone, email }`, whose phone and e-mail are dropped).
 */
function replacePerson(value: unknown, username: string, pseudonym: { username: string; name: string }): unknown {
  if (Array.isArray(value)) return value.map((v) => replacePerson(v, username, pseudonym));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = replacePerson(v, username, pseudonym);
  if (obj.username === username) {
    out.username = pseudonym.username;
    if ('name' in obj) out.name = pseudonym.name;
  }
  // Notified people are recipients `user:<username>` (dispatch/step-router.ts).
  const recipient = obj.recipient as Record<string, unknown> | undefined;
  if (recipient && typeof recipient === 'object' && recipient.id === `user:${username}`) {
    const { phone: _phone, email: _email, ...rest } = recipient;
    out.recipient = { ...rest, id: `user:${pseudonym.username}`, ...('name' in rest ? { name: pseudonym.name } : {}) };
  }
  return out;
}

