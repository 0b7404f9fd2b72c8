import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemClock, type Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import { composeSms, composeVoice, type Language } from '../../compose-text';
import type { Notification, Notifier, SendResult } from '../../notifier';
import type { ProviderReply, ReplyListener } from '../../provider-reply';

/**
 * Loopback SMS/voice provider for tests and demos. It "sends" by recording the message (in memory
 * and, optionally, as JSON lines in a file), can be told to fail or hang, and can reply the way a
 * person would — an SMS "TRYGG OK", a keypress "1" — to registered listeners (roll call).
 */
export interface FakeProviderOptions {
  channel?: 'sms' | 'voice';
  name?: string;
  /** Append every message and reply to this file as JSON lines. */
  file?: string;
  clock?: Clock;
  logger?: Logger;
  /** A pretend API key, held like a real provider's; never logged or reported (conformance checks). */
  secret?: string;
  /** Text language when the recipient has none; default nb. */
  language?: Language;
  /** Every delivered message gets this reply after `afterMs` on the clock. */
  autoReply?: { input: string; afterMs?: number };
}

export interface FakeMessage {
  /** The notification id (idempotency key). */
  id: string;
  providerRef: string;
  channel: string;
  to: string;
  text: string;
  attempt: number;
  at: number;
  /** A message with this id was already delivered (a retry after a lost answer). */
  duplicate: boolean;
}

export class FakeProvider implements Notifier {
  readonly channel: 'sms' | 'voice';
  /** Every accepted message, duplicates included. */
  readonly messages: FakeMessage[] = [];
  /** Every send call's notification id, failed ones included (what reached the "provider"). */
  readonly received: string[] = [];
  private readonly listeners = new Set<ReplyListener>();
  private failures: { remaining: number; recoverable: boolean }[] = [];
  private hanging = false;
  private seq = 0;
  private readonly clock: Clock;

  constructor(private readonly options: FakeProviderOptions = {}) {
    this.channel = options.channel ?? 'sms';
    this.clock = options.clock ?? systemClock;
    if (options.file) mkdirSync(dirname(options.file), { recursive: true });
  }

  /** The next `times` sends fail (Infinity: until `reset()`); queued after earlier failures. */
  failNext(times: number, failure: { recoverable: boolean }): this {
    this.failures.push({ remaining: times, recoverable: failure.recoverable });
    return this;
  }

  /** Sends wait, unanswered, until their signal aborts. */
  hang(on = true): this {
    this.hanging = on;
    return this;
  }

  reset(): this {
    this.failures = [];
    this.hanging = false;
    return this;
  }

  /** Messages delivered once per notification (what people actually saw). */
  delivered(): FakeMessage[] {
    return this.messages.filter((m) => !m.duplicate);
  }

  onReply(listener: ReplyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The recipient of a delivered notification answers: SMS text, or a voice keypress. */
  reply(notificationId: string, input: string): ProviderReply {
    const message = [...this.messages].reverse().find((m) => m.id === notificationId);
    if (!message) throw new Error(`fake provider: no message ${notificationId} to reply to`);
    const reply: ProviderReply = {
      channel: this.channel, notificationId, providerRef: message.providerRef, from: message.to, at: this.clock.now(),
      ...(this.channel === 'voice' ? { keypress: input } : { text: input }),
    };
    this.write({ type: 'reply', ...reply });
    for (const listener of this.listeners) {
      try {
        listener(reply);
      } catch (err) {
        this.options.logger?.error({ err }, 'fake provider reply listener failed');
      }
    }
    return reply;
  }

  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const label = `${this.channel} via fake provider${this.options.name ? ` "${this.options.name}"` : ''}`;
    if (signal.aborted) return { ok: false, recoverable: true, error: `${label}: aborted before sending` };
    this.received.push(n.id);
    this.options.logger?.debug({ notificationId: n.id, attempt: n.attempt, channel: this.channel }, 'fake provider send');
    if (this.hanging) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return { ok: false, recoverable: true, error: `${label}: aborted while waiting for the provider` };
    }
    const failure = this.failures[0];
    if (failure) {
      if (--failure.remaining <= 0) this.failures.shift();
      return failure.recoverable
        ? { ok: false, recoverable: true, error: `${label}: simulated temporary failure (503)` }
        : { ok: false, recoverable: false, error: `${label}: simulated permanent failure (invalid number)` };
    }
    const to = n.recipient.phone?.trim();
    if (!to) return { ok: false, recoverable: false, error: `${label}: recipient ${n.recipient.id} has no phone number` };
    const language = n.recipient.language ?? this.options.language ?? 'nb';
    const text = this.channel === 'voice' ? composeVoice(n.subject, n.purpose, language) : composeSms(n.subject, n.purpose, language);
    const message: FakeMessage = {
      id: n.id, providerRef: `fake-${++this.seq}`, channel: this.channel, to, text, attempt: n.attempt, at: this.clock.now(),
      duplicate: this.messages.some((m) => m.id === n.id),
    };
    this.messages.push(message);
    this.write({ type: 'message', ...message });
    const auto = this.options.autoReply;
    if (auto) this.clock.setTimer(auto.afterMs ?? 0, () => this.reply(n.id, auto.input));
    return { ok: true, providerRef: message.providerRef, detail: message.duplicate ? 'duplicate' : 'accepted' };
  }

  private write(record: object): void {
    if (!this.options.file) return;
    try {
      appendFileSync(this.options.file, `${JSON.stringify(record)}\n`);
    } catch (err) {
      this.options.logger?.warn({ err }, 'fake provider could not write its file');
    }
  }
}
