import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { NotifierConfig } from '../config/types';
import type { Notification, Notifier, SendResult } from './notifier';
import { NotifierSet } from './notifier-set';

/** A notifier whose sends finish when the test says so, and that records whether it was closed. */
class HeldNotifier implements Notifier {
  closed = false;
  readonly sent: string[] = [];
  private readonly held: (() => void)[] = [];
  constructor(readonly channel: string, readonly label: string) {}
  send(n: Notification): Promise<SendResult> {
    this.sent.push(n.id);
    return new Promise((resolve) => this.held.push(() => resolve({ ok: true, detail: this.label })));
  }
  finishAll(): void {
    for (const f of this.held.splice(0)) f();
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const notification = (id: string, target: string, channel = 'webhook') =>
  ({ id, target, channel, purpose: 'alarm', attempt: 1, createdAt: '2026-01-01T00:00:00.000Z', recipient: { id: 'r' }, subject: {} }) as unknown as Notification;

function setUp() {
  const built: HeldNotifier[] = [];
  const set = new NotifierSet((c: NotifierConfig) => {
    if ((c.settings as { fail?: boolean } | undefined)?.fail) throw new Error(`cannot build ${c.id}`);
    const n = new HeldNotifier(c.channel, String((c.settings as { url?: string } | undefined)?.url));
    built.push(n);
    return n;
  }, pino({ level: 'silent' }));
  return { set, built };
}

describe('NotifierSet: notifiers follow configuration changes', () => {
  it('keeps unchanged notifiers, builds changed and new ones, and sends to the current one', async () => {
    const { set, built } = setUp();
    set.apply([{ id: 'a', channel: 'webhook', settings: { url: 'one' } }, { id: 'b', channel: 'webhook', settings: { url: 'b' } }]);
    const change = set.apply([{ id: 'a', channel: 'webhook', settings: { url: 'two' } }, { id: 'b', channel: 'webhook', settings: { url: 'b' } }, { id: 'c', channel: 'sms' }]);
    expect(change).toEqual({ added: ['c'], changed: ['a'], removed: [], failed: [] });
    expect(built.map((n) => n.label)).toEqual(['one', 'b', 'two', 'undefined']);
    const sending = set.routers.get('webhook')!.send(notification('n1', 'a'), new AbortController().signal);
    built[2]!.finishAll();
    expect(await sending).toEqual({ ok: true, detail: 'two' });
    expect(built[0]!.sent).toEqual([]);
  });

  it('a replaced notifier finishes its send in flight and is closed only then', async () => {
    const { set, built } = setUp();
    set.apply([{ id: 'a', channel: 'webhook', settings: { url: 'old' } }]);
    const inFlight = set.routers.get('webhook')!.send(notification('n1', 'a'), new AbortController().signal);
    set.apply([{ id: 'a', channel: 'webhook', settings: { url: 'new' } }]);
    expect(built[0]!.closed).toBe(false);
    built[0]!.finishAll();
    expect(await inFlight).toEqual({ ok: true, detail: 'old' });
    await set.close();
    expect(built[0]!.closed).toBe(true);
    expect(built[1]!.closed).toBe(true);
  });

  it('a removed notifier is closed; a send for it fails for good (the chain escalates)', async () => {
    const { set, built } = setUp();
    set.apply([{ id: 'a', channel: 'webhook', settings: { url: 'old' } }]);
    expect(set.apply([]).removed).toEqual(['a']);
    await set.close();
    expect(built[0]!.closed).toBe(true);
    expect(await set.routers.get('webhook')!.send(notification('n2', 'a'), new AbortController().signal))
      .toMatchObject({ ok: false, recoverable: false, error: expect.stringContaining('no notifier "a"') });
  });

  it('a notifier that cannot be built keeps the previous one, and is reported', async () => {
    const { set, built } = setUp();
    set.apply([{ id: 'a', channel: 'webhook', settings: { url: 'old' } }]);
    const change = set.apply([{ id: 'a', channel: 'webhook', settings: { fail: true } }]);
    expect(change.failed).toEqual([{ id: 'a', error: 'cannot build a' }]);
    expect(set.get('a')).toBe(built[0]);
    expect(() => setUp().set.apply([{ id: 'x', channel: 'webhook', settings: { fail: true } }], { throwOnFailure: true })).toThrow('cannot build x');
  });

  it('a target on another channel is not used (a notifier is reached only by its own channel)', async () => {
    const { set } = setUp();
    set.apply([{ id: 'a', channel: 'webhook', settings: { url: 'x' } }, { id: 's', channel: 'sms' }]);
    expect(await set.routers.get('sms')!.send(notification('n3', 'a', 'sms'), new AbortController().signal)).toMatchObject({ ok: false, recoverable: false });
  });
});
