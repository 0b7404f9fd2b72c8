/**
 * The ARC notifier: sends alarms to an alarm receiving centre (guards) over SIA DC-09, on TCP
 * or UDP, optionally AES-encrypted, with failover from the primary to the secondary receiver.
 *
 * Per receiver: up to `attempts` tries with doubling backoff. ACK -> delivered. NAK -> take the
 * receiver's time from it, rebuild the message with the corrected timestamp and try once more;
 * a second NAK fails that receiver. DUH ("cannot process") fails that receiver at once: the
 * same message will not be understood on a retry. No answer -> next attempt.
 * The notification fails only when every receiver failed: permanently (recoverable: false) when
 * every receiver answered DUH — retrying cannot help and the chain must escalate — otherwise
 * recoverably, so the pipeline retries.
 */
import {
  buildDc09Frame,
  parseDc09Frame,
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
}

type ReceiverOutcome = { ok: true; detail: string } | { ok: false; duh: boolean; error: string };

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
      return await this.deliver(target, target.receivers, message, sequence, signal, target.attempts);
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
      return await this.deliver(target, [receiver], { id: 'NULL', data: '' }, this.sequences.take(target.name), signal, 1);
    } catch (err) {
      return { ok: false, recoverable: true, error: this.redact(`SIA DC-09 link test failed: ${(err as Error)?.message ?? String(err)}`) };
    }
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
    attempts: number,
  ): Promise<SendResult> {
    const failures: { role: ArcReceiverRole; outcome: Extract<ReceiverOutcome, { ok: false }> }[] = [];
    for (const { role, address } of receivers) {
      if (signal.aborted || this.closed) break;
      const outcome = await this.tryReceiver(target, address, message, sequence, signal, attempts);
      const log = { target: target.name, receiver: role, address: label(address), seq: seqText(sequence), message: message.id, code: codeOf(message) };
      if (outcome.ok) {
        this.options.logger?.info(log, 'ARC acknowledged');
        return { ok: true, providerRef: `${seqText(sequence)}@${role}`, detail: this.redact(`${outcome.detail} from ${role} ${label(address)}`) };
      }
      this.options.logger?.warn({ ...log, error: this.redact(outcome.error) }, 'ARC receiver failed');
      failures.push({ role, outcome });
    }
    const error = failures.length > 0
      ? `SIA DC-09 to ${target.name} failed: ${failures.map((f) => `${f.role} ${f.outcome.error}`).join('; ')}`
      : `SIA DC-09 to ${target.name} aborted`;
    const permanent = failures.length === receivers.length && failures.every((f) => f.outcome.duh);
    return { ok: false, recoverable: !permanent, error: this.redact(error) };
  }

  private async tryReceiver(
    target: ResolvedArcTarget,
    address: ArcReceiverAddress,
    message: ArcMessage,
    sequence: number,
    outer: AbortSignal,
    attempts: number,
  ): Promise<ReceiverOutcome> {
    const exchange = this.options.exchanges?.[address.protocol] ?? defaultExchanges[address.protocol];
    const where = label(address);
    let nakSeen = false;
    let lastError = 'no attempt made';
    for (let attempt = 1; attempt <= attempts; ) {
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
      const answer = await this.exchangeOnce(exchange, address, frame, target.timeoutMs, outer);
      if (!answer.ok) {
        lastError = answer.error;
      } else {
        const parsed = parseDc09Frame(answer.frame, { keyFor: () => target.key });
        if (!parsed.ok) {
          lastError = `unreadable answer (${parsed.reason})`;
        } else if (parsed.frame.id === 'ACK') {
          if (parsed.frame.sequence === sequence && (parsed.frame.account === undefined || parsed.frame.account.toUpperCase() === target.account)) {
            return { ok: true, detail: `ACK ${seqText(sequence)}${codeOf(message) ? ` (${codeOf(message)})` : ''}` };
          }
          lastError = `ACK for sequence ${seqText(parsed.frame.sequence)}, not ${seqText(sequence)}`;
        } else if (parsed.frame.id === 'NAK') {
          // [DC-09 5.5.3.2] The NAK carries the receiver's time: adopt it for this receiver.
          if (parsed.frame.timestamp != null) this.offsets.set(where, parsed.frame.timestamp - this.clock.now());
          if (nakSeen) return { ok: false, duh: false, error: 'NAK twice (rejected message, even with the receiver\'s time)' };
          nakSeen = true;
          lastError = 'NAK';
          continue; // retry at once with the corrected timestamp; does not use up an attempt
        } else if (parsed.frame.id === 'DUH') {
          return { ok: false, duh: true, error: `DUH (the receiver cannot process ${message.id} for account ${target.account})` };
        } else {
          lastError = `unexpected answer "${parsed.frame.id}"`;
        }
      }
      attempt++;
      if (attempt <= attempts) await this.sleep(target.retryBackoffMs * 2 ** (attempt - 2), outer);
    }
    return { ok: false, duh: false, error: `${lastError} (${attempts} attempt${attempts === 1 ? '' : 's'})` };
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
      if (s) out = out.replace(new RegExp(s, 'gi'), '[redacted]');
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
