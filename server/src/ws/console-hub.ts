import type { Clock, ConsoleClientMessage, ConsoleServerMessage } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { Alarm } from '../alarm/alarm-types';
import { toConsoleAlarm } from '../alarm/alarm-view';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import type { Presence } from '../dispatch/step-router';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';

/** One console connection as the hub sees it; the WebSocket route adapts a real socket to this. */
export interface ConsoleConnection {
  readonly stationId: string;
  /** Who is logged in at this console (role and person targets of a chain). */
  readonly user?: UserConfig;
  /**
   * A console of someone who does not respond to alarms (role employee, e.g. a receptionist):
   * it has the discreet panic button and gets evacuation banners, but never pop-ups, and it does
   * not count as a responder online for presence-aware routing.
   */
  readonly passive?: boolean;
  /**
   * Writes the message. `frame`, when given, is the message already serialised (a pop-up to many
   * consoles is serialised once, `frameOf`); the connection writes it as it is.
   */
  send(message: ConsoleServerMessage, frame?: ConsoleFrame): void;
}

/** Consoles reconnect within their backoff cap (15 s, +20 % jitter) after a server restart. */
export const STARTUP_GRACE_MS = 20_000;

/** A serialised console message, shared by every connection it goes to (a text WebSocket frame's payload). */
export type ConsoleFrame = Buffer;

/** Serialises a message once for any number of connections. */
export function frameOf(message: ConsoleServerMessage): ConsoleFrame {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

/** A message and its frame, serialised on first use only (a fan-out to nobody costs nothing). */
function lazyFrame(message: () => ConsoleServerMessage): { message: () => ConsoleServerMessage; frame: () => ConsoleFrame } {
  let m: ConsoleServerMessage | undefined;
  let f: ConsoleFrame | undefined;
  const get = () => (m ??= message());
  return { message: get, frame: () => (f ??= frameOf(get())) };
}

/** Console messages that a feature answers (evacuation roll call), not the alarm spine. */
export type FeatureConsoleMessage = Extract<ConsoleClientMessage, { type: 'safe' }>;
export type FeatureConsoleHandler = (conn: ConsoleConnection, message: FeatureConsoleMessage) => Promise<void>;
/** Told after a console's welcome and open alarms went out (a feature adds its own state, e.g. a banner). */
export type AttachListener = (conn: ConsoleConnection, siteId: string) => void;

/**
 * Console presence and delivery. A station is online while at least one connection has
 * announced it. Each connection remembers which alarms it has shown, so an alarm is popped up
 * once per connection whatever races between a reconnect and a new alarm.
 *
 * Presence has a grace period: a station that dropped less than `presenceGraceMs` ago (or was
 * online when the server last stopped) still counts as online, because a console that is
 * reconnecting will receive every alarm routed to it on `hello`, while skipping it would send
 * the alarm past the colleagues who are about to be back.
 */
export class ConsoleHub implements Presence {
  private readonly byStation = new Map<string, Set<ConsoleConnection>>();
  private readonly shown = new WeakMap<ConsoleConnection, Set<string>>();
  private readonly droppedAt = new Map<string, number>();
  private readonly gates = new Map<ConsoleConnection, ConsoleConnection>();
  private readonly featureHandlers = new Map<FeatureConsoleMessage['type'], FeatureConsoleHandler>();
  private readonly attachListeners: AttachListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly directory: OfficeDirectory,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly presenceGraceMs: number,
    private readonly startupGraceMs = STARTUP_GRACE_MS,
  ) {}

  private startedAt: number | undefined;

  /** Stations that were online when the server last stopped get the grace period from now. */
  async restorePresence(): Promise<void> {
    const now = this.clock.now();
    this.startedAt = now;
    for (const id of await this.store.stationsMarkedOnline()) this.droppedAt.set(id, now);
  }

  /**
   * Just after a start, consoles are still reconnecting (their backoff is capped at about 18 s):
   * coverage says "connecting" rather than "reaches nobody" until this has passed.
   */
  startingUp(): boolean {
    return this.startedAt !== undefined && this.clock.now() - this.startedAt < this.startupGraceMs;
  }

  isConnected(stationId: string): boolean {
    const set = this.byStation.get(stationId);
    if (set) for (const c of set) if (!c.passive) return true;
    return false;
  }

  isOnline = (stationId: string): boolean => {
    if (this.isConnected(stationId)) return true;
    const dropped = this.droppedAt.get(stationId);
    return dropped !== undefined && this.clock.now() - dropped <= this.presenceGraceMs;
  };

  stationsWithUser(who: (user: UserConfig) => boolean): string[] {
    const found: string[] = [];
    for (const [station, set] of this.byStation) if ([...set].some((c) => !c.passive && c.user && who(c.user))) found.push(station);
    return found;
  }

  onlineStations(): string[] {
    return [...this.byStation.keys()].filter((id) => this.isConnected(id));
  }

  /** Distinct responders logged in at these stations (coverage). */
  respondersAt(stationIds: string[]): number {
    const people = new Set<string>();
    for (const id of stationIds) for (const c of this.byStation.get(id) ?? []) if (!c.passive && c.user) people.add(c.user.username);
    return people.size;
  }

  /** Every live connection at a station of the site, with who is logged in there. */
  connectedUsers(siteId: string): { stationId: string; user?: UserConfig }[] {
    return this.siteConnections(siteId).map((c) => ({ stationId: c.stationId, user: c.user }));
  }

  /**
   * Writes the message to every console of the site, whatever the routing (an evacuation banner:
   * everyone must leave, the origin-zone silence rule does not apply). `who` narrows by the user
   * logged in. Returns the connections written to.
   */
  broadcast(siteId: string, message: ConsoleServerMessage | ((conn: ConsoleConnection) => ConsoleServerMessage | undefined), who?: (user: UserConfig | undefined) => boolean): ConsoleConnection[] {
    const sent: ConsoleConnection[] = [];
    for (const conn of this.siteConnections(siteId)) {
      if (who && !who(conn.user)) continue;
      const m = typeof message === 'function' ? message(conn) : message;
      if (!m) continue;
      conn.send(m);
      sent.push(conn);
    }
    return sent;
  }

  /**
   * Writes the message to every connection of one station, passive ones too (an employee's PC
   * has the panic button): the feedback to the station whose panic button raised an alarm.
   * Returns how many connections it was written to.
   */
  toStation(stationId: string, message: ConsoleServerMessage): number {
    let sent = 0;
    for (const conn of this.byStation.get(stationId) ?? []) {
      conn.send(message);
      sent++;
    }
    return sent;
  }

  /** A feature answers console messages of this type (one handler per type). */
  handleFeatureMessages(type: FeatureConsoleMessage['type'], handler: FeatureConsoleHandler): void {
    this.featureHandlers.set(type, handler);
  }

  /** Passes a feature's console message on; false when no running feature takes it. */
  async fromConsole(conn: ConsoleConnection, message: FeatureConsoleMessage): Promise<boolean> {
    const handler = this.featureHandlers.get(message.type);
    if (!handler) return false;
    await handler(conn, message);
    return true;
  }

  onAttach(listener: AttachListener): void {
    this.attachListeners.push(listener);
  }

  private siteConnections(siteId: string): ConsoleConnection[] {
    const stations = this.directory.site(siteId)?.stations ?? [];
    return stations.flatMap((st) => [...(this.byStation.get(st.id) ?? [])]);
  }

  /**
   * Registers the connection and sends `welcome`, then every open alarm routed to its station
   * (nothing missed during a drop). Messages for this connection that race with the store query
   * are held back until after the welcome, so a console can trust that what follows it is the
   * complete set.
   */
  async attach(conn: ConsoleConnection, welcome: Omit<Extract<ConsoleServerMessage, { type: 'welcome' }>, 'openAlarms' | 'type'>): Promise<void> {
    const held: ConsoleServerMessage[] = [];
    let ready = false;
    const target = conn;
    const gated: ConsoleConnection = { stationId: conn.stationId, user: conn.user, passive: conn.passive, send: (m, frame) => (ready ? target.send(m, frame) : held.push(m)) };
    this.gates.set(conn, gated);
    let set = this.byStation.get(conn.stationId);
    const firstResponder = !conn.passive && !this.isConnected(conn.stationId);
    if (!set) this.byStation.set(conn.stationId, (set = new Set()));
    set.add(gated);
    this.shown.set(gated, new Set());
    if (!conn.passive) this.droppedAt.delete(conn.stationId);
    this.metrics.consoleStationsOnline.set(this.onlineStations().length);
    const sentWithWelcome = new Set<string>();
    try {
      if (firstResponder) await this.store.markStationPresence(conn.stationId, true, this.clock.now());
      const open = conn.passive ? [] : await this.store.openAlarmsRoutedTo(conn.stationId);
      const shown = this.shown.get(gated)!;
      conn.send({ type: 'welcome', ...welcome, openAlarms: open.length });
      for (const alarm of open) {
        shown.add(alarm.id);
        sentWithWelcome.add(alarm.id);
        conn.send({ type: 'popup', alarm: toConsoleAlarm(alarm, this.directory) });
      }
      this.logger.info({ stationId: conn.stationId, openAlarms: open.length }, 'console station online');
    } finally {
      ready = true;
      // Held pop-ups of alarms in the open list went out with the welcome; everything else now, in order.
      for (const m of held) if (!(m.type === 'popup' && sentWithWelcome.has(m.alarm.id))) conn.send(m);
    }
    const siteId = this.directory.station(conn.stationId)?.site.id;
    if (siteId === undefined || !this.gates.has(conn)) return;
    for (const listener of this.attachListeners) {
      try {
        listener(gated, siteId);
      } catch (err) {
        this.logger.error({ err, stationId: conn.stationId }, 'console attach listener failed');
      }
    }
  }

  /**
   * The connection is gone. A socket that dropped keeps the station present for the grace period
   * (it is probably reconnecting); with `absentAtOnce` (a station's watch closed on purpose or
   * its credential revoked) the station is absent for routing from this moment.
   */
  detach(conn: ConsoleConnection, options: { absentAtOnce?: boolean } = {}): void {
    const gated = this.gates.get(conn);
    const set = this.byStation.get(conn.stationId);
    if (!gated || !set?.delete(gated)) return;
    this.gates.delete(conn);
    if (set.size === 0) this.byStation.delete(conn.stationId);
    // The last responder console of the station went: presence grace starts now (or not at all).
    if (!gated.passive && !this.isConnected(conn.stationId)) {
      if (options.absentAtOnce) this.droppedAt.delete(conn.stationId);
      else this.droppedAt.set(conn.stationId, this.clock.now());
      void this.store.markStationPresence(conn.stationId, false, this.clock.now()).catch((err: unknown) =>
        this.logger.error({ err, stationId: conn.stationId }, 'recording presence failed'));
      this.logger.info({ stationId: conn.stationId }, 'console station offline');
    }
    this.metrics.consoleStationsOnline.set(this.onlineStations().length);
  }

  /**
   * Pops the alarm up on the given stations; returns how many connections it was written to.
   * The pop-up is built and serialised once, whatever the number of consoles: per connection
   * there is only the "already shown?" check and the write.
   */
  popup(alarm: Alarm, stations: string[]): number {
    let sent = 0;
    const popup = this.popupFrame(alarm);
    for (const station of stations) for (const conn of this.byStation.get(station) ?? []) if (this.show(conn, alarm, popup)) sent++;
    return sent;
  }

  update(alarm: Alarm): void {
    const view = lazyFrame(() => ({ type: 'update', alarm: toConsoleAlarm(alarm, this.directory) }));
    const popup = this.popupFrame(alarm);
    this.forRouted(alarm, (conn) => {
      if (this.shown.get(conn)?.has(alarm.id)) conn.send(view.message(), view.frame());
      else this.show(conn, alarm, popup);
    });
  }

  clear(alarm: Alarm): void {
    const clear = lazyFrame(() => ({ type: 'clear', alarmId: alarm.id, state: alarm.state }));
    this.forRouted(alarm, (conn) => {
      this.shown.get(conn)?.delete(alarm.id);
      conn.send(clear.message(), clear.frame());
    });
  }

  private popupFrame(alarm: Alarm) {
    return lazyFrame(() => ({ type: 'popup', alarm: toConsoleAlarm(alarm, this.directory) }));
  }

  private forRouted(alarm: Alarm, fn: (conn: ConsoleConnection) => void): void {
    for (const station of alarm.routedStations) for (const conn of this.byStation.get(station) ?? []) if (!conn.passive) fn(conn);
  }

  private show(conn: ConsoleConnection, alarm: Alarm, popup: ReturnType<ConsoleHub['popupFrame']>): boolean {
    const shown = this.shown.get(conn);
    if (conn.passive || !shown || shown.has(alarm.id)) return false;
    shown.add(alarm.id);
    conn.send(popup.message(), popup.frame());
    return true;
  }
}
