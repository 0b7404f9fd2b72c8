// The console reconnects by itself: hello on every connect, backoff between attempts, and a
// silent (half-open) connection is dropped and replaced. Runs on fake time with a fake socket.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKOFF_MS, ConsoleConnection, PING_INTERVAL_MS, SILENCE_LIMIT_MS, consoleSocketUrl } from './connection';

type Handler = ((e: { data?: unknown; code?: number }) => void) | null;

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  onopen: Handler = null;
  onmessage: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}

const latest = () => FakeSocket.all[FakeSocket.all.length - 1]!;
const welcome = { type: 'welcome', stationId: 'backoffice', siteId: 'demo', user: 'Kari Kollega', openAlarms: 0 };

function connect() {
  const messages: Array<{ type: string }> = [];
  const states: string[] = [];
  const conn = new ConsoleConnection({
    url: 'ws://localhost:8080/ws/console',
    stationId: 'backoffice',
    onMessage: (m: { type: string }) => messages.push(m),
    onStateChange: (s: string) => states.push(s),
    WebSocketImpl: FakeSocket,
    random: () => 0.5, // no jitter
  });
  conn.start();
  return { conn, messages, states };
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ConsoleConnection', () => {
  it('builds ws/wss URLs from the page location', () => {
    expect(consoleSocketUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/ws/console');
    expect(consoleSocketUrl({ protocol: 'https:', host: 'trygg.example' })).toBe('wss://trygg.example/ws/console');
  });

  it('says hello on connect and is connected after welcome', () => {
    const { conn, messages, states } = connect();
    expect(conn.state).toBe('connecting');
    latest().open();
    expect(latest().sent).toEqual([{ type: 'hello', stationId: 'backoffice' }]);
    latest().receive(welcome);
    expect(conn.state).toBe('connected');
    expect(states).toEqual(['connecting', 'connected']);
    expect(messages).toEqual([welcome]);
    expect(conn.send({ type: 'respond', alarmId: 'a1' })).toBe(true);
  });

  it('reconnects with growing backoff, says hello again, and resets after welcome', () => {
    const { conn } = connect();
    latest().open();
    latest().receive(welcome);
    latest().drop();
    expect(conn.state).toBe('reconnecting');
    expect(conn.send({ type: 'ping' })).toBe(false);

    vi.advanceTimersByTime(BACKOFF_MS[0]! - 1);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    latest().drop(); // server still down
    vi.advanceTimersByTime(BACKOFF_MS[1]! - 1);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3);

    latest().open();
    expect(latest().sent).toEqual([{ type: 'hello', stationId: 'backoffice' }]);
    latest().receive(welcome);
    expect(conn.state).toBe('connected');
    expect(conn.attempt).toBe(0);
  });

  it('caps the backoff', () => {
    connect();
    for (let i = 0; i < 10; i++) {
      latest().drop();
      vi.advanceTimersByTime(BACKOFF_MS[BACKOFF_MS.length - 1]!);
    }
    expect(FakeSocket.all).toHaveLength(11);
  });

  it('drops a connection that never says welcome', () => {
    const { conn } = connect();
    latest().open();
    vi.advanceTimersByTime(SILENCE_LIMIT_MS);
    expect(conn.state).toBe('reconnecting');
    vi.advanceTimersByTime(BACKOFF_MS[0]!);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('pings, and replaces a connection that stops answering', () => {
    const { conn, messages } = connect();
    latest().open();
    latest().receive(welcome);
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(latest().sent.at(-1)).toEqual({ type: 'ping' });
    latest().receive({ type: 'pong' });
    expect(messages.map((m) => m.type)).toEqual(['welcome']); // pong is not passed on
    vi.advanceTimersByTime(SILENCE_LIMIT_MS);
    expect(conn.state).toBe('connected');

    vi.advanceTimersByTime(PING_INTERVAL_MS - SILENCE_LIMIT_MS); // next ping, no answer
    vi.advanceTimersByTime(SILENCE_LIMIT_MS);
    expect(conn.state).toBe('reconnecting');
    expect(FakeSocket.all[0]!.readyState).toBe(3);
  });

  it('stop() closes for good', () => {
    const { conn } = connect();
    latest().open();
    latest().receive(welcome);
    conn.stop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(conn.state).toBe('stopped');
    expect(conn.send({ type: 'ping' })).toBe(false);
  });
});
