// The colleague's console: station, arming, the WebSocket, the open alarms, sound, desktop
// notifications and the discreet panic button. No DOM here (the views render `state`); every
// browser facility comes in through `ConsoleDeps`, so console-controller.test.ts drives it in Node.
import type { ConsoleClientMessage as ClientMessage, ConsoleAlarm, ConsoleEvacuation, UserOutcome as ResolveOutcome, RollCallCounts, ConsoleServerMessage as ServerMessage, Station } from '@trygg/protocol';
import { AlarmBoard, type BoardChange } from './alarm-board';
import type { ConnectionState } from './connection';
import { Observable } from './observable';

/** After `welcome`, alarms not re-sent within this time were closed while we were away. */
export const SYNC_TIMEOUT_MS = 10_000;
/** After a panic press, alarms of this station's zone stay hidden here until the server says which alarm it raised. */
export const PANIC_HIDE_MS = 15_000;
/** A panic pressed while the socket is down is sent on reconnect if it is no older than this. */
export const PANIC_QUEUE_MS = 5 * 60_000;
const STATION_KEY = 'trygg.console.station';

/** `on-scene`: the responder has arrived (time to "on scene" in statistics and drill reports). */
export type AlarmAction = 'respond' | 'acknowledge' | 'on-scene' | 'resolve';
export type NotificationPermissionState = 'granted' | 'denied' | 'default' | 'unsupported';

export interface ConnectionLike {
  state: ConnectionState;
  attempt: number;
  retryAt: number;
  start(): void;
  stop(): void;
  retryNow(): void;
  send(msg: object): boolean;
}

export interface SirenLike {
  unlock(): Promise<boolean>;
  readonly unlocked: boolean;
  readonly playing: boolean;
  beep(): void;
  start(): void;
  stop(): void;
}

/** Whose socket: a logged-in user's console, or an enrolled PC's station watch (docs/stations.md). */
export type WatchMode = 'user' | 'station';
/** What GET /api/v1/this-station says about this PC (asked when the station's socket keeps failing). */
export type StationStatus = 'ok' | 'revoked' | 'not-enrolled' | 'unknown-station' | 'unreachable';

export interface ConsoleDeps {
  connect(options: {
    stationId: string;
    mode: WatchMode;
    onMessage: (msg: { type: string; [key: string]: unknown }) => void;
    onStateChange: (state: ConnectionState, conn: ConnectionLike) => void;
  }): ConnectionLike;
  siren: SirenLike;
  notifications: {
    permission(): NotificationPermissionState;
    request(): Promise<unknown>;
    /** Shows a desktop notification; returns a function that closes it. */
    show(title: string, body: string, tag: string): (() => void) | null;
  };
  storage: { get(key: string): string | null; set(key: string, value: string | null): void };
  isHidden(): boolean;
  /** Asked after repeated failed reconnects: has the session ended (401)? */
  sessionEnded(): Promise<boolean>;
  /** Asked after repeated failed reconnects of a station watch: is this PC still enrolled? */
  stationStatus(): Promise<StationStatus>;
  /** The text of a desktop notification for an alarm (translated by the caller). */
  notificationText(alarm: ConsoleAlarm): { title: string; body: string };
  now?: () => number;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}

export interface ConsoleState {
  station: Station | null;
  connection: ConnectionState;
  retryAt: number;
  /** Open alarms shown here, newest first (alarms raised by this station's own panic button are never here). */
  alarms: ConsoleAlarm[];
  soundUnlocked: boolean;
  notificationPermission: NotificationPermissionState;
  /** The last refused action or message, for a short notice; `seq` changes with every error. */
  error: { code: string; seq: number } | null;
  /** Why the console stopped by itself (session over, station gone, station credential revoked). */
  stopped: 'session-ended' | 'unknown-station' | 'forbidden' | 'revoked' | null;
  /** This PC is an enrolled station: it armed itself and watches whoever is logged in. */
  stationWatch: boolean;
  /** Panic presses the server confirmed (stored). */
  panicConfirmed: number;
  /**
   * Where this station's own panic alarm stands, as a hardware button's LED would say: stored,
   * or someone is coming. Shown only as a small mark on the panic button (no text, no sound);
   * null when there is none open (or it is over).
   */
  panicFeedback: { alarmId: string; action: 'received' | 'help-coming' } | null;
  /** Running evacuations of this console's site: the banner, and "I'm safe" until answered. */
  evacuations: ConsoleEvacuation[];
  /** Roll-call counts pushed to security contacts and above, by evacuation id. */
  rollCall: Record<string, RollCallCounts>;
}

export class ConsoleController {
  readonly state: Observable<ConsoleState>;
  readonly board = new AlarmBoard();
  #conn: ConnectionLike | null = null;
  #syncTimer: ReturnType<typeof setTimeout> | undefined;
  #notifications = new Map<string, () => void>();
  #ownPanicAlarms = new Set<string>();
  #panicHideUntil = 0;
  #panicQueuedAt: number | null = null;
  #errorSeq = 0;
  #evacuationsHeard = new Set<string>();
  #checkingSession = false;
  readonly #now: () => number;
  readonly #timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };

  constructor(private readonly deps: ConsoleDeps) {
    this.#now = deps.now ?? Date.now;
    this.#timers = deps.timers ?? globalThis;
    this.state = new Observable<ConsoleState>({
      station: null, connection: 'idle', retryAt: 0, alarms: [], soundUnlocked: false,
      notificationPermission: deps.notifications.permission(), error: null, stopped: null, panicConfirmed: 0, panicFeedback: null,
      evacuations: [], rollCall: {}, stationWatch: false,
    });
  }

  get armed(): boolean {
    return this.#conn !== null;
  }

  storedStationId(): string | null {
    return this.deps.storage.get(STATION_KEY);
  }

  /**
   * Arms the console at `station`. Call it from the click handler itself: browsers allow sound
   * and the notification prompt only in response to a user gesture.
   */
  arm(station: Station): void {
    this.#arm(station, 'user');
  }

  /**
   * Arms an enrolled station PC on page load, without a click: the station credential (an
   * HttpOnly cookie) authenticates its socket, whoever is logged in. Without a user gesture the
   * browser may keep sound off; the page then says so loudly until a click unlocks it.
   */
  armStation(station: Station): void {
    this.#arm(station, 'station');
  }

  /** A user logged in or out at a station PC: the watch reconnects, so what they do carries their name (or the station's). */
  renewStationIdentity(): void {
    const station = this.state.value.station;
    if (this.state.value.stationWatch && station) this.#arm(station, 'station');
  }

  /** The station PC cannot watch (revoked, unknown station): it says so until someone acts. */
  stationRefused(reason: 'revoked' | 'unknown-station'): void {
    const station = this.state.value.station;
    this.disarm();
    this.state.update({ station, stationWatch: true, stopped: reason });
  }

  #arm(station: Station, mode: WatchMode): void {
    const sound = this.deps.siren.unlock();
    // A station arms itself on load, without a click: browsers ignore a permission prompt then
    // (its enrolment page asks), and a test beep at every load would startle the room.
    if (mode === 'user' && this.deps.notifications.permission() === 'default') {
      void this.deps.notifications.request().then(() => this.#refreshPermissions(), () => this.#refreshPermissions());
    }
    void sound.then((ok) => {
      if (ok && mode === 'user') this.deps.siren.beep();
      this.#refreshPermissions();
    });
    if (mode === 'user') this.deps.storage.set(STATION_KEY, station.id);
    this.disarm();
    this.state.update({ station, stopped: null, error: null, stationWatch: mode === 'station' });
    const conn = this.deps.connect({
      stationId: station.id,
      mode,
      onMessage: (msg) => this.#onMessage(msg),
      onStateChange: (state, c) => this.#onStateChange(state, c),
    });
    this.#conn = conn;
    conn.start();
  }

  /** Stops receiving alarms (logout, change of station). */
  disarm(): void {
    const conn = this.#conn;
    this.#conn = null;
    conn?.stop();
    this.#timers.clearTimeout(this.#syncTimer);
    this.board.clearAll();
    for (const close of this.#notifications.values()) close();
    this.#notifications.clear();
    this.#panicQueuedAt = null;
    this.deps.siren.stop();
    this.state.update({ station: null, connection: 'idle', alarms: [], evacuations: [], rollCall: {}, stationWatch: false, panicFeedback: null });
  }

  forgetStation(): void {
    this.deps.storage.set(STATION_KEY, null);
  }

  /** "Jeg kommer", acknowledge or resolve; false when not connected (the card says so). */
  act(alarmId: string, action: AlarmAction, outcome?: ResolveOutcome): boolean {
    if (!this.#conn) return false;
    const msg: ClientMessage = action === 'resolve' ? { type: 'resolve', alarmId, outcome: outcome ?? 'real' } : { type: action, alarmId };
    return this.#conn.send(msg);
  }

  /**
   * The discreet panic button. Safety rule: the station that pressed shows and sounds nothing,
   * so an aggressor in the room sees no change. Returns whether the press was sent or queued.
   */
  panic(): boolean {
    if (!this.#conn) return false;
    this.#panicHideUntil = this.#now() + PANIC_HIDE_MS;
    if (this.#conn.send({ type: 'panic' })) return true;
    this.#panicQueuedAt = this.#now(); // sent on the next welcome
    this.#conn.retryNow();
    return true;
  }

  /** "I'm safe" during an evacuation (roll call); false when not connected. */
  safe(evacuationId: string): boolean {
    if (!this.#conn) return false;
    return this.#conn.send({ type: 'safe', evacuationId } satisfies ClientMessage);
  }

  /** From a click on the station's enrolment page: browsers ask for notification permission only then. */
  askNotifications(): void {
    void this.deps.notifications.request().then(() => this.#refreshPermissions(), () => this.#refreshPermissions());
  }

  testSound(): void {
    void this.deps.siren.unlock().then((ok) => {
      if (ok) this.deps.siren.beep();
      this.#refreshPermissions();
    });
  }

  /** The network came back: reconnect at once instead of waiting for the backoff. */
  retryNow(): void {
    this.#conn?.retryNow();
  }

  /** Once a second: ends a stale panic hide window and keeps the tone in step. */
  tick(): void {
    if (this.#panicHideUntil !== 0 && this.#now() >= this.#panicHideUntil) {
      this.#panicHideUntil = 0;
      this.#publishAlarms({ added: this.board.list().map((a) => a.id), updated: [], removed: [] });
    }
    this.#updateTone();
    this.#refreshPermissions();
  }

  /** Technical alarms (a device offline, low battery) are a calm banner: no siren. */
  static isTechnical(alarm: ConsoleAlarm): boolean {
    return alarm.kind === 'technical';
  }

  #hidden(alarm: ConsoleAlarm): boolean {
    if (this.#ownPanicAlarms.has(alarm.id)) return true;
    // The alarm of a running evacuation is the banner (with "Jeg er i sikkerhet"), not a second
    // card with Kvitter/Løs, once someone owns it (whoever started it does at once). One that
    // nobody owns yet (a fire input) stays a card until someone takes it: never a lost alarm.
    if (alarm.kind === 'evacuation' && alarm.state !== 'raised' && this.state.value.evacuations.some((e) => e.siteId === alarm.siteId)) return true;
    // Until the server names the alarm our panic raised, hold back panic alarms of our own zone.
    const station = this.state.value.station;
    return this.#panicHideUntil > this.#now() && alarm.kind === 'panic' && station !== null && alarm.zoneId === station.zoneId;
  }

  #onMessage(msg: { type: string; [key: string]: unknown }): void {
    const m = msg as ServerMessage;
    switch (m.type) {
      case 'error':
        this.#onServerError(String(m.code ?? ''));
        return;
      case 'panic-ack':
        this.#ownPanicAlarms.add(m.alarmId);
        this.#panicHideUntil = 0;
        this.#publishAlarms({ added: [], updated: [], removed: [] });
        this.state.update({
          panicConfirmed: this.state.value.panicConfirmed + 1,
          // Stored. A `help-coming` for the same alarm that came first stays.
          panicFeedback: this.state.value.panicFeedback?.alarmId === m.alarmId ? this.state.value.panicFeedback : { alarmId: m.alarmId, action: 'received' },
        });
        return;
      case 'panic-feedback': {
        // Only this station's own panic alarm: never shown here as a pop-up.
        this.#ownPanicAlarms.add(m.alarmId);
        this.#publishAlarms({ added: [], updated: [], removed: [] });
        const current = this.state.value.panicFeedback;
        if (m.action === 'resolved' || m.action === 'cancelled') {
          if (current?.alarmId === m.alarmId) this.state.update({ panicFeedback: null });
        } else if (!(current?.alarmId === m.alarmId && current.action === 'help-coming')) {
          this.state.update({ panicFeedback: { alarmId: m.alarmId, action: m.action } });
        }
        return;
      }
      case 'evacuation': {
        const e = m.evacuation;
        if (!e || typeof e.id !== 'string') return;
        const others = this.state.value.evacuations.filter((x) => x.id !== e.id);
        this.state.update({ evacuations: e.state === 'running' ? [e, ...others] : others });
        // One note the first time this console hears of it (not again after a reconnect).
        if (e.state === 'running' && !this.#evacuationsHeard.has(e.id)) this.deps.siren.beep();
        this.#evacuationsHeard.add(e.id);
        this.#publishAlarms({ added: [], updated: [], removed: [] }); // its alarm is the banner now
        return;
      }
      case 'evacuation-ended': {
        const { [m.id]: _gone, ...rollCall } = this.state.value.rollCall;
        this.state.update({ evacuations: this.state.value.evacuations.filter((x) => x.id !== m.id), rollCall });
        this.#publishAlarms({ added: [], updated: [], removed: [] });
        return;
      }
      case 'roll-call':
        if (typeof m.evacuationId === 'string' && m.counts) this.state.update({ rollCall: { ...this.state.value.rollCall, [m.evacuationId]: m.counts } });
        return;
      case 'welcome':
        // The server sends the banner of every running evacuation right after `welcome`, and
        // where this station's own open panic alarm stands.
        this.state.update({ evacuations: [], panicFeedback: null });
        this.#timers.clearTimeout(this.#syncTimer);
        this.#syncTimer = this.#timers.setTimeout(() => this.#publishAlarms(this.board.finishSync()), SYNC_TIMEOUT_MS);
        if (this.#panicQueuedAt !== null) {
          if (this.#now() - this.#panicQueuedAt <= PANIC_QUEUE_MS) {
            this.#panicHideUntil = this.#now() + PANIC_HIDE_MS;
            this.#conn?.send({ type: 'panic' });
          }
          this.#panicQueuedAt = null;
        }
        break;
      default:
        break;
    }
    const change = this.board.apply(m);
    if (!this.board.syncing) this.#timers.clearTimeout(this.#syncTimer);
    this.#publishAlarms(change);
  }

  #publishAlarms(change: BoardChange): void {
    const shown = this.board.list().filter((a) => !this.#hidden(a));
    const shownIds = new Set(shown.map((a) => a.id));
    for (const id of change.added) {
      const alarm = this.board.get(id);
      if (alarm && shownIds.has(id) && !this.#notifications.has(id)) this.#notify(alarm);
    }
    for (const [id, close] of [...this.#notifications]) {
      if (!shownIds.has(id)) {
        close();
        this.#notifications.delete(id);
      }
    }
    this.state.update({ alarms: shown });
    this.#updateTone();
  }

  #notify(alarm: ConsoleAlarm): void {
    if (ConsoleController.isTechnical(alarm)) {
      this.deps.siren.beep(); // one soft note: worth a look, not an emergency
    }
    if (!this.deps.isHidden() || this.deps.notifications.permission() !== 'granted') {
      this.#notifications.set(alarm.id, () => {});
      return;
    }
    const { title, body } = this.deps.notificationText(alarm);
    const close = this.deps.notifications.show(title, body, `trygg-${alarm.id}`);
    this.#notifications.set(alarm.id, close ?? (() => {}));
  }

  #updateTone(): void {
    const needed = this.#conn !== null && this.board.needsTone((a) => !this.#hidden(a) && !ConsoleController.isTechnical(a));
    if (needed && !this.deps.siren.playing) this.deps.siren.start();
    else if (!needed && this.deps.siren.playing) this.deps.siren.stop();
  }

  #onServerError(code: string): void {
    if (this.state.value.stationWatch) {
      // A station's watch does not end with a user's session: the server closes the socket and
      // it reconnects at once as the station alone.
      if (code === 'TRYGG_SRV_UNAUTHENTICATED') return;
      if (code === 'TRYGG_SRV_STATION_REVOKED') return this.stationRefused('revoked');
      if (code === 'TRYGG_SRV_UNKNOWN_STATION') return this.stationRefused('unknown-station');
    }
    if (code === 'TRYGG_SRV_UNAUTHENTICATED') {
      this.disarm();
      this.state.update({ stopped: 'session-ended' });
      return;
    }
    if (code === 'TRYGG_SRV_UNKNOWN_STATION' || (code === 'TRYGG_SRV_FORBIDDEN' && this.state.value.connection !== 'connected')) {
      this.disarm();
      if (code === 'TRYGG_SRV_UNKNOWN_STATION') this.forgetStation();
      this.state.update({ stopped: code === 'TRYGG_SRV_UNKNOWN_STATION' ? 'unknown-station' : 'forbidden' });
      return;
    }
    this.#errorSeq += 1;
    this.state.update({ error: { code, seq: this.#errorSeq } });
  }

  #onStateChange(state: ConnectionState, conn: ConnectionLike): void {
    if (conn !== this.#conn) return;
    this.state.update({ connection: state, retryAt: conn.retryAt });
    // A refused upgrade looks like any network failure; ask HTTP whether the session has ended
    // (for a station's watch: whether its credential still holds; it never gives up otherwise).
    if (state === 'reconnecting' && conn.attempt >= 2 && conn.attempt % 3 === 2 && !this.#checkingSession) {
      this.#checkingSession = true;
      const station = this.state.value.stationWatch;
      (station ? this.deps.stationStatus().then((s) => (s === 'revoked' || s === 'unknown-station' || s === 'not-enrolled' ? s : null)) : this.deps.sessionEnded().then((ended) => (ended ? 'session-ended' as const : null)))
        .then((ended) => {
          if (!ended || this.#conn !== conn) return;
          if (ended === 'session-ended') {
            this.disarm();
            this.state.update({ stopped: 'session-ended' });
          } else this.stationRefused(ended === 'unknown-station' ? 'unknown-station' : 'revoked');
        })
        .catch(() => {})
        .finally(() => {
          this.#checkingSession = false;
        });
    }
  }

  #refreshPermissions(): void {
    const soundUnlocked = this.deps.siren.unlocked;
    const notificationPermission = this.deps.notifications.permission();
    const s = this.state.value;
    if (s.soundUnlocked !== soundUnlocked || s.notificationPermission !== notificationPermission) {
      this.state.update({ soundUnlocked, notificationPermission });
    }
  }
}
