// The console WebSocket (`/ws/console`): sends `hello`, keeps the connection alive with `ping`,
// and reconnects by itself with backoff. Timers and the WebSocket class are injectable so
// connection.test.ts runs it on fake time.

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped';
type Message = { type: string; [key: string]: unknown };
type Timers = Pick<typeof globalThis, 'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval'>;
type SocketHandler = (e: { data?: unknown; code?: number }) => void;
type SocketLike = {
  readyState: number;
  send(data: string): void;
  close(code?: number): void;
  onopen: SocketHandler | null;
  onmessage: SocketHandler | null;
  onclose: SocketHandler | null;
  onerror: SocketHandler | null;
};

export interface ConnectionOptions {
  url: string;
  stationId: string;
  onMessage: (msg: Message) => void;
  onStateChange?: (state: ConnectionState, conn: ConsoleConnection) => void;
  WebSocketImpl?: new (url: string) => SocketLike;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
}

/** Reconnect delays in ms; the last repeats. Jitter spreads consoles after a server restart. */
export const BACKOFF_MS: readonly number[] = [500, 1000, 2000, 4000, 8000, 15000];
export const PING_INTERVAL_MS = 20000;
/** A connection that stays silent this long after a ping (or after opening) is treated as dead. */
export const SILENCE_LIMIT_MS = 10000;

/** A user's console socket, or (`station`) an enrolled PC's watch, authenticated by its station cookie. */
export function consoleSocketUrl(location: { protocol: string; host: string }, mode: 'user' | 'station' = 'user'): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${mode === 'station' ? '/api/v1/this-station/ws' : '/ws/console'}`;
}

export class ConsoleConnection {
  state: ConnectionState = 'idle';
  /** Failed attempts since the last `welcome`. */
  attempt = 0;
  /** When the next reconnect attempt starts (ms since epoch), while `reconnecting`. */
  retryAt = 0;

  readonly options: ConnectionOptions;
  readonly timers: Timers;
  readonly now: () => number;
  readonly random: () => number;
  #ws: SocketLike | null = null;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #silenceTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.timers = options.timers ?? globalThis;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  start() {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.attempt = 0;
    this.#open();
  }

  /** Closes for good (logout, change of station); no reconnect. */
  stop() {
    this.#clearTimers();
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
    }
    this.#setState('stopped');
  }

  /** Reconnects at once (the user asked, or the network came back). */
  retryNow() {
    if (this.state !== 'reconnecting' || this.#ws) return; // an attempt is already under way
    this.timers.clearTimeout(this.#retryTimer);
    this.#open();
  }

  /** Sends one client message; false when not connected (the caller tells the user). */
  send(msg: object): boolean {
    if (this.state !== 'connected' || !this.#ws || this.#ws.readyState !== 1) return false;
    try {
      this.#ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  #open() {
    const Impl = this.options.WebSocketImpl ?? (globalThis.WebSocket as unknown as new (url: string) => SocketLike);
    this.#setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws: SocketLike;
    try {
      ws = new Impl(this.options.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', stationId: this.options.stationId }));
      this.#expectWithin(SILENCE_LIMIT_MS); // the welcome must come soon
    };
    ws.onmessage = (event) => this.#receive(event.data);
    ws.onerror = () => {
      // a close event always follows; reconnect is handled there
    };
    ws.onclose = () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#scheduleReconnect();
    };
  }

  #receive(data: unknown): void {
    this.timers.clearTimeout(this.#silenceTimer); // any message proves the connection lives
    let msg: Message;
    try {
      msg = JSON.parse(String(data));
    } catch {
      return; // not ours to crash on; the server only sends JSON
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string') return;
    if (msg.type === 'welcome') {
      this.attempt = 0;
      this.#setState('connected');
      this.#startPing();
    }
    if (msg.type === 'pong') return;
    this.options.onMessage(msg);
  }

  #startPing() {
    this.timers.clearInterval(this.#pingTimer);
    this.#pingTimer = this.timers.setInterval(() => {
      if (this.send({ type: 'ping' })) this.#expectWithin(SILENCE_LIMIT_MS);
    }, PING_INTERVAL_MS);
  }

  #expectWithin(ms: number): void {
    this.timers.clearTimeout(this.#silenceTimer);
    this.#silenceTimer = this.timers.setTimeout(() => {
      // Half-open connection (sleeping laptop, dead Wi-Fi): drop it and reconnect.
      const ws = this.#ws;
      this.#ws = null;
      if (ws) {
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        try {
          ws.close(4000);
        } catch {
          // ignore
        }
      }
      this.#scheduleReconnect();
    }, ms);
  }

  #scheduleReconnect() {
    this.#clearTimers();
    if (this.state === 'stopped') return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 15000;
    const delay = Math.round(base * (0.8 + 0.4 * this.random()));
    this.attempt += 1;
    this.retryAt = this.now() + delay;
    this.#setState('reconnecting');
    this.#retryTimer = this.timers.setTimeout(() => this.#open(), delay);
  }

  #clearTimers() {
    this.timers.clearInterval(this.#pingTimer);
    this.timers.clearTimeout(this.#silenceTimer);
    this.timers.clearTimeout(this.#retryTimer);
  }

  #setState(state: ConnectionState): void {
    this.state = state;
    this.options.onStateChange?.(state, this);
  }
}
