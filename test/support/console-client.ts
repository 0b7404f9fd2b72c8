import type { ConsoleAlarm, ConsoleClientMessage, ConsoleServerMessage } from '@trygg/protocol';
import WebSocket from 'ws';

/** Logs in over the REST API and returns the session cookie. */
export async function login(baseUrl: string, username = 'kollega', password = 'trygg-demo'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

/**
 * A console station as a test sees it: a real WebSocket to `/ws/console` that records every
 * message, so a test can wait for a pop-up and assert that another station got none.
 */
export class ConsoleClient {
  readonly messages: ConsoleServerMessage[] = [];
  private socket?: WebSocket;
  private waiters: (() => void)[] = [];

  /** The close code of the last socket, once it closed (4403: station credential revoked). */
  closeCode: number | undefined;

  /** `path`: `/ws/console` (a user's console) or `/api/v1/this-station/ws` (an enrolled station's watch). */
  constructor(readonly baseUrl: string, readonly stationId: string, private cookie: string, readonly path = '/ws/console') {}

  static async open(baseUrl: string, stationId: string, username = 'kollega'): Promise<ConsoleClient> {
    const client = new ConsoleClient(baseUrl, stationId, await login(baseUrl, username));
    await client.connect();
    return client;
  }

  async connect(): Promise<void> {
    const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}${this.path}`, { headers: { cookie: this.cookie } });
    this.socket = ws;
    this.closeCode = undefined;
    ws.on('close', (code) => {
      if (this.socket !== ws) return; // an earlier socket, replaced by reconnect()
      this.closeCode = code;
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ConsoleServerMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const welcomed = this.messages.filter((m) => m.type === 'welcome').length;
    this.send({ type: 'hello', stationId: this.stationId });
    await this.waitFor(() => this.messages.filter((m) => m.type === 'welcome').length > welcomed || this.closeCode !== undefined);
    if (this.closeCode !== undefined) throw new Error(`console ${this.stationId}: closed (${this.closeCode}) before its welcome`);
  }

  send(message: ConsoleClientMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  popups(): ConsoleAlarm[] {
    return this.messages.flatMap((m) => (m.type === 'popup' ? [m.alarm] : []));
  }

  /** Resolves when `predicate` holds for the messages so far (checked on every new message). */
  async waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`console ${this.stationId}: condition not met; messages: ${JSON.stringify(this.messages).slice(0, 800)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  async waitForPopup(alarmFilter: (a: ConsoleAlarm) => boolean = () => true, timeoutMs?: number): Promise<ConsoleAlarm> {
    await this.waitFor(() => this.popups().some(alarmFilter), timeoutMs);
    return this.popups().find(alarmFilter)!;
  }

  close(): void {
    this.socket?.close();
  }

  /** Drops the socket and connects again, as a console does after a network blip. */
  async reconnect(): Promise<void> {
    this.socket?.terminate();
    await this.connect();
  }
}

/** Polls until `fn` returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
