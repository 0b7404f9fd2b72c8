import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleNotification } from '../../notifier-conformance';
import type { ProviderReply } from '../../provider-reply';
import { FakeProvider } from './fake-provider';

const signal = () => new AbortController().signal;

describe('FakeProvider', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('records each message with its composed text, and marks a repeated id as duplicate', async () => {
    const fake = new FakeProvider({ channel: 'sms' });
    const n = sampleNotification();
    expect(await fake.send(n, signal())).toEqual({ ok: true, providerRef: 'fake-1', detail: 'accepted' });
    expect(await fake.send({ ...n, attempt: 2 }, signal())).toMatchObject({ ok: true, detail: 'duplicate' });
    expect(fake.messages.map((m) => [m.id, m.duplicate])).toEqual([[n.id, false], [n.id, true]]);
    expect(fake.delivered()).toHaveLength(1);
    expect(fake.messages[0]!.text).toContain('Overfallsalarm');
  });

  it('fails the next N sends as told, then delivers', async () => {
    const fake = new FakeProvider().failNext(2, { recoverable: true }).failNext(1, { recoverable: false });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await fake.send(sampleNotification(), signal()));
    expect(results.map((r) => (r.ok ? 'ok' : r.recoverable ? 'recoverable' : 'permanent'))).toEqual(['recoverable', 'recoverable', 'permanent', 'ok']);
  });

  it('delivers replies (SMS text, voice keypress) to listeners, by hand or automatically', async () => {
    const clock = new FakeClock();
    const sms = new FakeProvider({ channel: 'sms', clock });
    const voice = new FakeProvider({ channel: 'voice', clock, autoReply: { input: '1', afterMs: 20_000 } });
    const replies: ProviderReply[] = [];
    sms.onReply((r) => replies.push(r));
    const stop = voice.onReply((r) => replies.push(r));
    const n = sampleNotification({ purpose: 'evacuation' });
    await sms.send(n, signal());
    await voice.send(n, signal());
    sms.reply(n.id, 'TRYGG OK');
    expect(replies).toEqual([{ channel: 'sms', notificationId: n.id, providerRef: 'fake-1', from: '+4799999999', text: 'TRYGG OK', at: clock.now() }]);
    clock.advance(20_000);
    expect(replies[1]).toMatchObject({ channel: 'voice', keypress: '1', from: '+4799999999' });
    stop();
    voice.reply(n.id, '2');
    expect(replies).toHaveLength(2);
    expect(() => sms.reply('unknown', 'x')).toThrow(/no message/);
  });

  it('writes messages and replies to its file as JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-fake-'));
    dirs.push(dir);
    const file = join(dir, 'demo', 'sms.jsonl');
    const fake = new FakeProvider({ file });
    const n = sampleNotification();
    await fake.send(n, signal());
    fake.reply(n.id, 'TRYGG OK');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.type, l.id ?? l.notificationId])).toEqual([['message', n.id], ['reply', n.id]]);
  });

  it('refuses a recipient without a phone number, permanently', async () => {
    const fake = new FakeProvider();
    expect(await fake.send(sampleNotification({ recipient: { id: 'x' } }), signal())).toMatchObject({ ok: false, recoverable: false });
  });
});
