/**
 * The ARC notifier: sends alarms to an alarm receiving centre (guards) over SIA DC-09, on TCP
 * or UDP, optionally AES-encrypted, with failover from the primary to the secondary receiver.
 *
 * Attempts go in rounds over the receivers: primary, secondary, primary, secondary ... up to
 * `attempts` rounds, with doubling backoff between rounds. So a primary that accepts the
 * connection and never answers costs one `timeoutMs` before the secondary has the frame, not
 * every attempt's. ACK -> delivered. NAK (framed or bare) -> take the receiver's time from it
 * when it carries one, rebuild the message with the corrected timestamp and try that receiver
 * once more; a second NAK takes that receiver out for this send (recoverably: the pipeline
 * retries later). DUH ("cannot process") takes that receiver out for
 * this message: the same message will not be understood on a retry. No answer -> next receiver.
 * The notification fails only when every attempt failed: permanently (recoverable: false) when
 * every receiver answered DUH — retrying cannot help and the chain must escalate — otherwise
 * recoverably, so the pipeline retries, and attemptBudgetMs() tells the pipeline how long the
 * whole plan may take so it does not cut the secondary off.
 *
 * Every frame of one notification carries the same sequence number, in every attempt and every
 * retry by the pipeline: the receiver can tell a repeat from a new alarm. Frames are reported to
 * `onFrame` (the /metrics counters, arc-metrics.ts), repeats marked.
 */
import {
  buildDc09Frame,
  dc09AnswerMatches,
  parseDc09Answer,
  systemClock,
  type Clock,
  type Dc09RandomBytes,
} from '@trygg/protocol';
import type { Notification, Notifier, SendResult } from '../../notifier';
import { arcMessageFor, type ArcClassifier, type ArcMessage } from './arc-message';
import { resolveArcTarget, type ArcReceiverAddress, type ArcReceiverRole, type ArcTargetConfig, type ResolvedArcTarget } from './config';
import type { Exchange } from './exchange';
import { exchanges as defaultExchanges } from './exchanges';
import { SequenceNumbers } from './sequence';

/** pino-compatible subset. */
export interface NotifierLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SiaDc09NotifierOptions {
  /** Validated with validateArcTargets(). */
  targets: Record<string, ArcTargetConfig>;
  channel?: string;
  clock?: Clock;
  logger?: NotifierLogger;
  classify?: ArcClassifier;
  randomBytes?: Dc09RandomBytes;
  sequences?: SequenceNumbers;
  /** Transport override (tests); defaults to the TCP and UDP exchanges. */
  exchanges?: Partial<Record<'tcp' | 'udp', Exchange>>;
  /** Every frame sent, with the answer it got (metrics). */
  onFrame?: (frame: ArcFrameReport) => void;
}

export interface ArcFrameReport {
  target: string;
  receiver: ArcReceiverRole;
  message: ArcMessage['id'];
  /** The same notification's sequence number was sent before (an attempt, a failover, a pipeline retry). */
  repeat: boolean;
  /** ACK, NAK, DUH, or why there was no usable answer (timeout, unreadable, mismatch). */
  answer: 'ACK' | 'NAK' | 'DUH' | 'none' | 'unreadable' | 'mismatch';
}

/** `duh`: the receiver cannot process it; `refused`: done with this receiver for this send (DUH, or NAK twice). */
type ReceiverOutcome = { ok: true; detail: string } | { ok: false; duh: boolean; refused?: boolean; error: string };

export const SIA_DC09_CHANNEL = 'sia-dc09';

export class SiaDc09Notifier implements Notifier {
  readonly channel: string;
  private readonly targets = new Map<string, ResolvedArcTarget>();
  private readonly clock: Clock;
  private readonly sequences: SequenceNumbers;
  /** Receiver clock minus ours, learnt from NAKs, per receiver address. */
  private readonly offsets = new Map<string, number>();
  private readonly inFlight = new Set<AbortController>();
  private readonly secrets: string[] = [];
  /** Notifications that already had a frame sent (bounded, like the sequence memory). */
  private readonly sentBefore = new Set<string>();
  private readonly frameListeners: ((frame: ArcFrameReport) => void)[] = [];
  private closed = false;

  constructor(private readonly options: SiaDc09NotifierOptions) {
    this.channel = options.channel ?? SIA_DC09_CHANNEL;
    this.clock = options.clock ?? systemClock;
    this.sequences = options.sequences ?? SequenceNumbers.fromTime(this.clock.now());
    for (const [name, cfg] of Object.entries(options.targets)) {
      const t = resolveArcTarget(name, cfg);
      this.targets.set(name, t);
      if (t.key) this.secrets.push(t.key.toString('hex'), cfg.key!);
    }
  }

  /** Links the ArcLinkSupervisor should test: every receiver of targets with an interval. */
  supervisedLinks(): { target: string; receiver: ArcReceiverRole; address: string; intervalS: number }[] {
    return [...this.targets.values()].flatMap((t) =>
      t.linkTestIntervalS > 0
        ? t.receivers.map((r) => ({ target: t.name, receiver: r.role, address: label(r.address), intervalS: t.linkTestIntervalS }))
        : [],
    );
  }

  async send(notification: Notification, signal: AbortSignal): Promise<SendResult> {
    try {
      const target = this.targets.get(notification.target);
      if (!target) return { ok: false, recoverable: false, error: `unknown ARC target "${notification.target}"` };
      const message = arcMessageFor(notification, target, this.options.classify);
      const sequence = notification.purpose === 'link-test'
        ? this.sequences.take(target.name)
        : this.sequences.forNotification(target.name, notification.id);
      return await this.deliver(target, target.receivers, message, sequence, signal, target.attempts, `${target.name}\u0000${notification.id}`);
    } catch (err) {
      // send() never throws (the port's rule); an unexpected fault is worth a retry.
      return { ok: false, recoverable: true, error: this.redact(`SIA DC-09 send failed: ${(err as Error)?.message ?? String(err)}`) };
    }
  }

  /** One NULL message to one receiver, one attempt (the supervisor counts failures). */
  async linkTest(targetName: string, role: ArcReceiverRole, signal: AbortSignal): Promise<SendResult> {
    try {
      const target = this.targets.get(targetName);
      const receiver = target?.receivers.find((r) => r.role === role);
      if (!target || !receiver) return { ok: false, recoverable: false, error: `unknown ARC link ${targetName}/${role}` };
      return await this.deliver(target, [receiver], { id: 'NULL', data: '' }, this.sequences.take(target.name), signal, 1, undefined);
    } catch (err) {
      return { ok: false, recoverable: true, error: this.redact(`SIA DC-09 link test failed: ${(err as Error)?.message ?? String(err)}`) };
    }
  }

  /**
   * The longest the whole plan of one send() may take: every round to every receiver, each
   * attempt possibly a NAK plus the resent frame, and the backoffs. The pipeline gives the send
   * this long (stages/retry.ts), so its own per-attempt timeout cannot cut the secondary off.
   */
  attemptBudgetMs(notification: Pick<Notification, 'target'>): number | undefined {
    const t = this.targets.get(notification.target);
    if (!t) return undefined;
    let backoff = 0;
    for (let round = 2; round <= t.attempts; round++) backoff += t.retryBackoffMs * 2 ** (round - 2);
    return t.attempts * t.receivers.length * 2 * t.timeoutMs + backoff + 1000;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.inFlight) c.abort();
  }

  private async deliver(
    target: ResolvedArcTarget,
    receivers: ResolvedArcTarget['receivers'],
    message: ArcMessage,
    sequence: number,
    signal: AbortSignal,
    rounds: number,
    repeatKey: string | undefined,
  ): Promise<SendResult> {
    const failures: string[] = [];
    const refused = new Set<ArcReceiverRole>();
    const duhs = new Set<ArcReceiverRole>();
    for (let round = 1; round <= rounds; round++) {
      for (const { role, address } of receivers) {
        if (signal.aborted || this.closed) return { ok: false, recoverable: true, error: this.redact(`SIA DC-09 to ${target.name} aborted${failures.length ? `: ${failures.join('; ')}` : ''}`) };
        if (refused.has(role)) continue;
        const outcome = await this.tryReceiver(target, role, address, message, sequence, signal, repeatKey);
        const log = { target: target.name, receiver: role, address: label(address), seq: seqText(sequence), message: message.id, code: codeOf(message), round };
        if (outcome.ok) {
          this.options.logger?.info(log, 'ARC acknowledged');
          return { ok: true, providerRef: `${seqText(sequence)}@${role}`, detail: this.redact(`${outcome.detail} from ${role} ${label(address)}`) };
        }
        this.options.logger?.warn({ ...log, error: this.redact(outcome.error) }, 'ARC receiver failed');
        failures.push(`${role} ${outcome.error}`);
        if (outcome.duh || outcome.refused) refused.add(role);
        if (outcome.duh) duhs.add(role);
      }
      if (refused.size === receivers.length) break;
      if (round < rounds) await this.sleep(target.retryBackoffMs * 2 ** (round - 1), signal);
    }
    const error = failures.length > 0 ? `SIA DC-09 to ${target.name} failed: ${failures.join('; ')}` : `SIA DC-09 to ${target.name} aborted`;
    const permanent = failures.length > 0 && duhs.size === receivers.length;
    return { ok: false, recoverable: !permanent, error: this.redact(error) };
  }

  /** One attempt at one receiver: the frame, and once more after a NAK with the receiver's time. */
  private async tryReceiver(
    target: ResolvedArcTarget,
    role: ArcReceiverRole,
    address: ArcReceiverAddress,
    message: ArcMessage,
    sequence: number,
    outer: AbortSignal,
    repeatKey: string | undefined,
  ): Promise<ReceiverOutcome> {
    const exchange = this.options.exchanges?.[address.protocol] ?? defaultExchanges[address.protocol];
    const where = label(address);
    const sent = { sequence, account: target.account, encrypted: target.key !== undefined };
    let error = 'no attempt made';
    for (let nak = 0; nak < 2; nak++) {
      if (outer.aborted || this.closed) return { ok: false, duh: false, error: 'aborted' };
      const frame = buildDc09Frame(
        {
          id: message.id,
          sequence,
          receiver: target.receiver,
          line: target.line,
          account: target.account,
          data: message.data,
          timestamp: this.clock.now() + (this.offsets.get(where) ?? 0),
        },
        { key: target.key, randomBytes: this.options.randomBytes },
      );
      const repeat = this.markSent(repeatKey);
      const report = (answer: ArcFrameReport['answer']) => this.report({ target: target.name, receiver: role, message: message.id, repeat, answer });
      const result = await this.exchangeOnce(exchange, address, frame, target.timeoutMs, outer);
      if (!result.ok) {
        report('none');
        return { ok: false, duh: false, error: result.error };
      }
      const parsed = parseDc09Answer(result.frame, { key: target.key });
      if (!parsed.ok) {
        report('unreadable');
        return { ok: false, duh: false, error: `unreadable answer (${parsed.reason}: ${parsed.message})` };
      }
      const answer = parsed.answer;
      const match = dc09AnswerMatches(answer, sent);
      if (!match.ok) {
        report('mismatch');
        return { ok: false, duh: false, error: match.why };
      }
      if (answer.kind === 'ACK' || answer.kind === 'RSP') {
        report('ACK');
        return { ok: true, detail: `${answer.kind} ${seqText(sequence)}${codeOf(message) ? ` (${codeOf(message)})` : ''}` };
      }
      if (answer.kind === 'DUH') {
        report('DUH');
        return { ok: false, duh: true, error: `DUH (the receiver cannot process ${message.id} for account ${target.account})` };
      }
      report('NAK');
      // [DC-09 5.5.3.2] The NAK carries the receiver's time: adopt it for this receiver. A bare
      // or empty NAK carries none; the resent frame then differs only in its own timestamp.
      if (answer.timestamp !== undefined) this.offsets.set(where, answer.timestamp - this.clock.now());
      error = nak === 0 ? 'NAK' : 'NAK twice (rejected message, even with the receiver\'s time)';
    }
    // Rejected twice, the second time with the receiver's own time: more of the same will not help now.
    return { ok: false, duh: false, refused: true, error };
  }

  /** True when this notification had a frame sent before (a repeat the receiver may recognise by its sequence). */
  private markSent(key: string | undefined): boolean {
    if (key === undefined) return false;
    if (this.sentBefore.has(key)) return true;
    this.sentBefore.add(key);
    if (this.sentBefore.size > 1024) this.sentBefore.delete(this.sentBefore.values().next().value!);
    return false;
  }

  /** Adds a listener for every frame sent (arc-metrics.ts counts them for /metrics). */
  watchFrames(listener: (frame: ArcFrameReport) => void): void {
    this.frameListeners.push(listener);
  }

  private report(frame: ArcFrameReport): void {
    for (const l of [...(this.options.onFrame ? [this.options.onFrame] : []), ...this.frameListeners]) {
      try {
        l(frame);
      } catch {
        // Metrics must never stop an alarm.
      }
    }
  }

  private async exchangeOnce(
    exchange: Exchange,
    address: ArcReceiverAddress,
    frame: Buffer,
    timeoutMs: number,
    outer: AbortSignal,
  ): Promise<{ ok: true; frame: Buffer } | { ok: false; error: string }> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    outer.addEventListener('abort', onAbort, { once: true });
    this.inFlight.add(controller);
    try {
      return { ok: true, frame: await exchange({ host: address.host, port: address.port, frame, timeoutMs, signal: controller.signal, clock: this.clock }) };
    } catch (err) {
      return { ok: false, error: (err as Error)?.message ?? String(err) };
    } finally {
      outer.removeEventListener('abort', onAbort);
      this.inFlight.delete(controller);
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        timer.cancel();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.clock.setTimer(ms, done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Last line of defence: no configured key, in any case, leaves this notifier. */
  private redact(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      // An ASCII key may hold regular-expression characters: match it literally.
      if (s) out = out.replace(new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[redacted]');
    }
    return out;
  }
}

export function createSiaDc09Notifier(options: SiaDc09NotifierOptions): SiaDc09Notifier {
  return new SiaDc09Notifier(options);
}

function label(a: ArcReceiverAddress): string {
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}/${a.protocol}`;
}

function seqText(n: number): string {
  return String(n).padStart(4, '0');
}

function codeOf(m: ArcMessage): string {
  if (!m.event) return m.id === 'NULL' ? 'NULL' : '';
  return m.id === 'ADM-CID' ? `CID ${m.event.cid.qualifier}${m.event.cid.event}` : `SIA ${m.event.sia}`;
}
