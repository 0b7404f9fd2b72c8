import type { AlarmStateName } from '@trygg/protocol';
import type { Alarm, AlarmEvent, Decision } from '../alarm/alarm-types';

/**
 * The persistence port. SQLite implements it today; a PostgreSQL store must pass the same
 * conformance suite (store-conformance.ts). Operations are atomic at the level the alarm path
 * needs ("record this device event and the alarm change it causes"), so a backend with row locks
 * can implement them without the caller knowing.
 */
export interface DeviceEventRecord {
  eventId: string;
  /** Set by `decide` when a feature claimed the press (self-test, fire input): no alarm. */
  claimed?: boolean;
  /** What the event's handlers need if they must run again after a crash (never a PIN). */
  pendingDetail?: { until?: string; location?: unknown; battery?: number };
  siteId: string;
  gatewayId: string;
  deviceId: string;
  kind: string;
  seq: number;
  at: string;
  receivedAt: number;
}

export type DeviceEventOutcome =
  | { duplicate: true; alarmId?: string }
  | { duplicate: false; decision: Decision | null };

export interface StoredAlarmEvent {
  alarmId: string;
  seq: number;
  event: AlarmEvent;
}

export interface AlarmFilter {
  state?: AlarmStateName | 'open';
  /** Undefined means every site. */
  siteIds?: string[];
  limit?: number;
  /** Keyset pagination: only alarms strictly older than this one (newest first, id breaks ties). */
  before?: AlarmCursor;
}

/** Where a history page ended: the last alarm's raisedAt and id. */
export interface AlarmCursor {
  raisedAt: number;
  id: string;
}

export interface AlarmHistoryPage {
  alarms: Alarm[];
  /** The cursor for the next (older) page; absent on the last page. */
  next?: AlarmCursor;
}

export interface DeviceSeen {
  siteId: string;
  deviceId: string;
  gatewayId: string;
  lastSeenAt: number;
  battery?: number;
}

export interface GatewayStatusRecord {
  siteId: string;
  gatewayId: string;
  state: 'online' | 'offline';
  at: number;
  outboxDepth?: number;
}

export interface SessionRecord {
  tokenHash: string;
  username: string;
  createdAt: number;
  expiresAt: number;
}

export interface Store {
  /**
   * Records a device event once. For a new event, `decide` is called with the device's open
   * alarm (if any) and its decision is committed in the same transaction, durably, before this
   * resolves. A known eventId returns `duplicate` and changes nothing.
   */
  recordDeviceEvent(event: DeviceEventRecord, decide: (openAlarm: Alarm | undefined) => Decision | null): Promise<DeviceEventOutcome>;
  /** The event's handlers have run: it will not be handed to them again. */
  markDeviceEventHandled(eventId: string, at: number): Promise<void>;
  /** Events stored but not yet handled (a crash came between): oldest first. */
  unhandledDeviceEvents(limit: number): Promise<(DeviceEventRecord & { alarmId?: string })[]>;
  /**
   * Raises an alarm that no device event carries (technical, lone work, console, API). With a
   * `dedupeKey`, `decide` gets the open alarm holding that key, so one cause is one alarm.
   */
  /**
   * `decide` gets the open alarm holding `dedupeKey`, else (with `deviceId`) the device's open
   * alarm, in one transaction: a new cause on a device with an open alarm is attached to it.
   */
  recordAlarm(siteId: string, dedupeKey: string | undefined, decide: (open: Alarm | undefined) => Decision | null, deviceId?: string): Promise<Decision | null>;
  findOpenAlarmByKey(siteId: string, dedupeKey: string): Promise<Alarm | undefined>;
  /** Atomically reads the alarm, decides, and commits the decision. Undefined if no such alarm. */
  updateAlarm(alarmId: string, decide: (alarm: Alarm) => Decision): Promise<Decision | undefined>;
  getAlarm(alarmId: string): Promise<Alarm | undefined>;
  alarmEvents(alarmId: string): Promise<StoredAlarmEvent[]>;
  listAlarms(filter: AlarmFilter): Promise<Alarm[]>;
  /**
   * The same list for people (history pages): may run off the thread that handles presses
   * (SQLite: a read-only connection in a worker), so it never delays an alarm. Newest first.
   */
  readHistory(filter: AlarmFilter): Promise<AlarmHistoryPage>;
  /** Open alarms with a stored escalation deadline: what a restarted server must resume. */
  alarmsWithPendingSteps(): Promise<Alarm[]>;
  openAlarmsRoutedTo(stationId: string): Promise<Alarm[]>;
  countOpenAlarms(): Promise<number>;
  /** Alarms resolved or cancelled at or after `since` (their closedAt), oldest first: what a restarted server re-checks for restore messages. */
  alarmsClosedSince(since: number): Promise<Alarm[]>;

  /**
   * Retention (privacy by default, retention/retention-job.ts). Open alarms are never touched.
   * Erases the positions (detail.location, the raised event's location, `located` events' positions)
   * of this site's alarms closed before `closedBefore`; returns how many alarms had one.
   */
  eraseAlarmPositions(siteId: string, closedBefore: number): Promise<number>;
  /** Retention: deletes this site's alarms closed before `closedBefore` with their timeline, routes and device events; returns their ids. */
  purgeClosedAlarms(siteId: string, closedBefore: number): Promise<string[]>;
  /** Retention: deletes this site's handled device events received before `receivedBefore`, except those of open alarms; returns how many. */
  purgeDeviceEvents(siteId: string, receivedBefore: number): Promise<number>;
  /** Person export (retention/person-data.ts): alarms in whose timeline the user acted or was notified, newest first. */
  alarmsInvolving(username: string): Promise<Alarm[]>;
  /**
   * Person erasure: the user's username, name, phone and e-mail in alarms and their timelines are
   * replaced by `pseudonym` (the event stays: "a responder acknowledged"); returns how many alarms changed.
   */
  pseudonymiseUser(username: string, pseudonym: { username: string; name: string }): Promise<number>;
  /** The user's sessions (for a person's export); the token hashes stay inside. */
  listUserSessions(username: string): Promise<Omit<SessionRecord, 'tokenHash'>[]>;

  recordDeviceSeen(seen: DeviceSeen[]): Promise<void>;
  listDevicesSeen(): Promise<DeviceSeen[]>;
  setGatewayStatus(status: GatewayStatusRecord): Promise<void>;
  listGatewayStatus(): Promise<GatewayStatusRecord[]>;

  markStationPresence(stationId: string, online: boolean, at: number): Promise<void>;
  /** Stations whose last recorded presence is online (e.g. still online when the server died). */
  stationsMarkedOnline(): Promise<string[]>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string, now: number): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Moves a session's expiry (idle timeout: each use pushes it, never past the absolute limit). */
  touchSession(tokenHash: string, expiresAt: number): Promise<void>;
  /** Ends every session of a user except `exceptTokenHash` (log out everywhere, password change); returns how many. */
  deleteUserSessions(username: string, exceptTokenHash?: string): Promise<number>;
  /** Drops sessions whose expiry has passed. */
  purgeExpiredSessions(now: number): Promise<void>;

  close(): Promise<void>;
}
