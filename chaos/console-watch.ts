import type { ConsoleClientMessage, ConsoleServerMessage } from '@trygg/protocol';
import WebSocket from 'ws';

export interface SeenPopup {
  alarmId: string;
  deviceId?: string;
  kind: string;
  at: number;
  /** Which WebSocket connection of this console it came on (1, 2, ... one per reconnect). */
  connection: number;
}

/**
 * A console station left open for the whole run, as on a desk: it logs in, holds `/ws/console`
 * open, reconnects whenever the server goes away (a crashed server drops the socket; a frozen one
 * only stops answering, so a ping that goes unanswered for a while drops it too), and handles
 * every pop-up like a colleague would: acknowledge, then resolve. Handling alarms keeps the open
 * set small, and it makes every later redelivery of a press meet a resolved alarm, where a second
 * alarm would show.
 */
export class ConsoleWatch {
  readonly popups: SeenPopup[] = [];
  connections = 0;
  errors = 0;
  private socket: WebSocket | null = null;
  private cookie: string | null = null;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    readonly baseUrl: string,
    readonly stationId: string,
    private readonly username: string,
    private readonly password = 'trygg-demo',
    /** Resolve what pops up (false: only watch). */
    private readonly handleAlarms = true,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.socket?.terminate();
    await this.loop;
  }

  isConnected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.cookie ??= await this.login();
        await this.session(this.cookie);
      } catch (err) {
        if ((err as { status?: number }).status === 401) this.cookie = null;
      }
      if (this.running) await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async login(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.username, password: this.password }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw Object.assign(new Error(`login ${res.status}`), { status: res.status });
    const cookie = res.headers.get('set-cookie');
    if (!cookie) throw new Error('no session cookie');
    return cookie.split(';')[0]!;
  }

  /** One connection, until it closes. */
  private session(cookie: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/ws/console`, { headers: { cookie }, handshakeTimeout: 5000 });
      this.socket = ws;
      const connection = ++this.connections;
      let lastHeard = Date.now();
      const watchdog = setInterval(() => {
        // A frozen server holds the socket open and silent; reconnecting is what a console does.
        if (Date.now() - lastHeard > 6000) ws.terminate();
        else if (ws.readyState === WebSocket.OPEN) this.send(ws, { type: 'ping' });
      }, 2000);
      ws.on('unexpected-response', (_req, res) => {
        clearInterval(watchdog);
        reject(Object.assign(new Error(`ws ${res.statusCode}`), { status: res.statusCode }));
        ws.terminate();
      });
      ws.on('open', () => this.send(ws, { type: 'hello', stationId: this.stationId }));
      ws.on('message', (data) => {
        lastHeard = Date.now();
        let message: ConsoleServerMessage;
        try {
          message = JSON.parse(data.toString()) as ConsoleServerMessage;
        } catch {
          return;
        }
        this.onMessage(ws, connection, message);
      });
      ws.on('error', () => {});
      ws.on('close', () => {
        clearInterval(watchdog);
        if (this.socket === ws) this.socket = null;
        resolve();
      });
    });
  }

  private onMessage(ws: WebSocket, connection: number, message: ConsoleServerMessage): void {
    if (message.type === 'error') this.errors++;
    if (message.type !== 'popup') return;
    const alarm = message.alarm;
    this.popups.push({ alarmId: alarm.id, deviceId: alarm.deviceId, kind: alarm.kind, at: Date.now(), connection });
    if (!this.handleAlarms || alarm.state === 'resolved' || alarm.state === 'cancelled') return;
    // A moment later, as a person reads the pop-up first.
    setTimeout(() => {
      if (alarm.state === 'raised') this.send(ws, { type: 'acknowledge', alarmId: alarm.id });
      this.send(ws, { type: 'resolve', alarmId: alarm.id, outcome: 'test' });
    }, 200);
  }

  private send(ws: WebSocket, message: ConsoleClientMessage): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }
}
