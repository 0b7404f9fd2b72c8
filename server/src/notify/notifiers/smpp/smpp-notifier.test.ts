import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sampleNotification } from '../../notifier-conformance';
import type { ProviderReply } from '../../provider-reply';
import type { DeliveryReportListener } from './smpp-notifier';
import { smppUnderTest } from './smpp-under-test';

const logger = pino({ level: 'silent' });
const signal = () => new AbortController().signal;

describe('SmppNotifier against an SMSC', () => {
  let ut: Awaited<ReturnType<typeof smppUnderTest>> | undefined;
  afterEach(async () => {
    await ut?.cleanup();
    ut = undefined;
  });

  it('binds as a transceiver and submits to the E.164 number, æøå intact in GSM 03.38', async () => {
    ut = await smppUnderTest({ logger });
    const n = sampleNotification({ recipient: { id: 'p', phone: '+47 912 34 567', language: 'nb' } });
    const result = await ut.notifier.send(n, signal());
    expect(result).toMatchObject({ ok: true, providerRef: 'smsc-1', detail: expect.stringContaining('gsm7') });
    await vi.waitFor(() => expect(ut!.smsc.messages).toHaveLength(1));
    const [message] = ut.smsc.messages;
    expect(message).toMatchObject({ to: '+4791234567', dataCoding: 0x00, notificationId: n.id });
    expect(message!.text).toContain('Resepsjon');
    expect(ut.smsc.binds).toEqual([{ systemId: 'trygg', ok: true }]);
  });

  it('sends UCS-2 when the text needs it and splits a long text into concatenated parts', async () => {
    ut = await smppUnderTest({ logger });
    const long = 'Rømningsvei: trappen ved resepsjonen — ikke heisen. '.repeat(6);
    const n = sampleNotification({ purpose: 'evacuation', subject: { ...sampleNotification().subject, kind: 'evacuation', text: { nb: long, en: long } } });
    const result = await ut.notifier.send(n, signal());
    expect(result.ok).toBe(true);
    await vi.waitFor(() => expect(ut!.smsc.messages).toHaveLength(1));
    const [message] = ut.smsc.messages;
    expect(message!.dataCoding).toBe(0x08); // the em dash is not in GSM 03.38
    expect(message!.messageIds.length).toBeGreaterThan(1);
    expect(message!.text).toContain(long);
    expect(result.ok && result.providerRefs).toEqual(message!.messageIds);
  });

  it('hands delivery receipts and replies to their listeners', async () => {
    ut = await smppUnderTest({ logger });
    const reports: Parameters<DeliveryReportListener>[0][] = [];
    const replies: ProviderReply[] = [];
    ut.notifier.onDeliveryReport((r) => reports.push(r));
    ut.notifier.onReply((r) => replies.push(r));
    const result = await ut.notifier.send(sampleNotification(), signal());
    await vi.waitFor(() => expect(reports).toHaveLength(1));
    expect(reports[0]).toMatchObject({ channel: 'sms', messageId: result.ok ? result.providerRef : '', state: 'delivered', detail: 'DELIVRD' });
    ut.smsc.receipt(result.ok ? result.providerRef! : '', 'UNDELIV', '001');
    await vi.waitFor(() => expect(reports).toHaveLength(2));
    expect(reports[1]).toMatchObject({ state: 'failed', detail: 'UNDELIV err:001' });
    ut.smsc.reply('+4791234567', 'ok');
    ut.smsc.reply('+4791234568', 'Jeg er trygg – på vei ut');
    await vi.waitFor(() => expect(replies).toHaveLength(2));
    expect(replies[0]).toMatchObject({ channel: 'sms', from: '+4791234567', text: 'ok' });
    expect(replies[1]).toMatchObject({ from: '+4791234568', text: 'Jeg er trygg – på vei ut' });
  });

  it('binds again after the SMSC drops the connection, and sends what waited', async () => {
    ut = await smppUnderTest({ logger, settings: { } });
    await vi.waitFor(() => expect(ut!.notifier.isBound()).toBe(true));
    ut.smsc.dropAll();
    await vi.waitFor(() => expect(ut!.notifier.isBound()).toBe(false));
    const result = await ut.notifier.send(sampleNotification(), signal());
    expect(result.ok).toBe(true);
    expect(ut.smsc.binds.filter((b) => b.ok)).toHaveLength(2);
  });

  it('pauses and resubmits when the SMSC throttles, without failing the notification', async () => {
    ut = await smppUnderTest({ logger });
    ut.smsc.throttle(2);
    const n = sampleNotification();
    const result = await ut.notifier.send(n, signal());
    expect(result.ok).toBe(true);
    expect(ut.smsc.notificationIds.filter((id) => id === n.id)).toHaveLength(3);
    expect(ut.smsc.messages).toHaveLength(1);
  });

  it('a refused bind is never reported with the password, and sends wait until aborted', async () => {
    ut = await smppUnderTest({ logger, settings: { password: 'wrong-password-123' } });
    await vi.waitFor(() => expect(ut!.smsc.binds.length).toBeGreaterThan(0));
    expect(ut.smsc.binds[0]).toEqual({ systemId: 'trygg', ok: false });
    const controller = new AbortController();
    const pending = ut.notifier.send(sampleNotification(), controller.signal);
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ ok: false, recoverable: true });
    expect(JSON.stringify(result)).not.toContain('wrong-password-123');
  });

  it('a retry while the first attempt still waits for the SMSC joins it: the phone gets one message', async () => {
    ut = await smppUnderTest({ logger });
    await vi.waitFor(() => expect(ut!.notifier.isBound()).toBe(true));
    ut.smsc.mode = 'hold';
    const n = sampleNotification();
    const first = new AbortController();
    const pending = ut.notifier.send(n, first.signal);
    await vi.waitFor(() => expect(ut!.smsc.notificationIds).toContain(n.id));
    first.abort(); // the pipeline's attempt timeout
    expect(await pending).toMatchObject({ ok: false, recoverable: true });
    const retry = ut.notifier.send({ ...n, attempt: 2 }, signal());
    ut.smsc.releaseHeld();
    expect(await retry).toMatchObject({ ok: true, providerRef: 'smsc-1' });
    expect(await ut.notifier.send({ ...n, attempt: 3 }, signal())).toMatchObject({ ok: true, providerRef: 'smsc-1' });
    expect(ut.smsc.notificationIds.filter((id) => id === n.id)).toHaveLength(1);
    expect(ut.smsc.messages).toHaveLength(1);
  });

  it('refuses a number that is not a phone number, for good', async () => {
    ut = await smppUnderTest({ logger });
    const result = await ut.notifier.send(sampleNotification({ recipient: { id: 'p', phone: '12' } }), signal());
    expect(result).toMatchObject({ ok: false, recoverable: false });
  });
});
