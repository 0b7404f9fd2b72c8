import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import type * as Smpp from 'smpp';
import { smpp } from './smpp-lib';

/**
 * One SMPP 3.4 transceiver bind to an SMSC, kept up for as long as the notifier lives: connect,
 * bind_transceiver, enquire_link on a timer (a link whose enquire_link goes unanswered is cut
 * and bound again), reconnect with backoff, a window of outstanding submits, and a pause when the
 * SMSC says it is throttled or its queue is full. Incoming deliver_sm (receipts and replies) are
 * answered here and handed on as events.
 */
export interface SmppLinkOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** enquire_link period; default 30 s. */
  enquireLinkMs?: number;
  /** How long an answer may take (bind, submit, enquire_link); default 10 s. */
  responseTimeoutMs?: number;
  /** Submits in flight at once; default 10. */
  window?: number;
  reconnect?: { baseMs?: number; maxMs?: number };
  clock?: Clock;
  logger: Logger;
  /** For logs: which notifier this link belongs to. */
  label: string;
}

export interface SmppLinkEvents {
  bound: [];
  down: [reason: string];
  deliver: [pdu: Smpp.PDU];
}

export type SubmitAnswer =
  | { ok: true; messageId: string }
  | { ok: false; status: number; recoverable: boolean; error: string };

const THROTTLED = new Set([smpp.ESME_RTHROTTLED, smpp.ESME_RMSGQFUL]);

export class SmppLink extends EventEmitter<SmppLinkEvents> {
  private session: Smpp.Session | null = null;
  private bound = false;
  private stopped = false;
  private started = false;
  private failures = 0;
  private reconnectTimer: ReturnType<Clock['setTimer']> | null = null;
  private enquireTimer: ReturnType<Clock['setTimer']> | null = null;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private throttledUntil = 0;
  private throttleMs = 0;
  private readonly clock: Clock;

  constructor(private readonly opts: SmppLinkOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
  }

  /** Idempotent: the first call connects; later ones do nothing while the link lives. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    this.connect();
  }

  isBound(): boolean {
    return this.bound;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reconnectTimer?.cancel();
    this.enquireTimer?.cancel();
    const session = this.session;
    this.session = null;
    this.setDown('stopped');
    if (!session || session.closed) return;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      session.unbind(() => session.destroy(done));
      // An SMSC that does not answer the unbind is cut anyway.
      const cut = setTimeout(() => session.destroy(done), 1000);
      cut.unref();
    });
  }

  /**
   * One submit_sm, once the link is bound, within the window and after any throttle pause. A
   * throttled answer is retried here after a pause (growing while the SMSC keeps saying so);
   * everything else goes back to the caller.
   */
  async submit(fields: Record<string, unknown>, signal: AbortSignal): Promise<SubmitAnswer> {
    for (;;) {
      if (signal.aborted) return { ok: false, status: -1, recoverable: true, error: 'aborted before the SMSC answered' };
      const ready = await this.ready(signal);
      if (!ready) return { ok: false, status: -1, recoverable: true, error: 'aborted while waiting for the SMPP bind' };
      const wait = this.throttledUntil - this.clock.now();
      if (wait > 0) {
        if (!(await this.sleep(wait, signal))) return { ok: false, status: -1, recoverable: true, error: 'aborted while the SMSC throttled' };
        continue;
      }
      await this.acquire(signal);
      if (signal.aborted) {
        this.release();
        return { ok: false, status: -1, recoverable: true, error: 'aborted while waiting for the submit window' };
      }
      let answer: Smpp.PDU | string;
      try {
        answer = await this.request((session, cb) => session.submit_sm(fields, cb));
      } finally {
        this.release();
      }
      if (typeof answer === 'string') return { ok: false, status: -1, recoverable: true, error: answer };
      if (answer.command_status === smpp.ESME_ROK) {
        this.throttleMs = 0;
        return { ok: true, messageId: String(answer.message_id ?? '') };
      }
      if (THROTTLED.has(answer.command_status)) {
        this.throttleMs = Math.min(Math.max(this.throttleMs * 2, 500), 30_000);
        this.throttledUntil = this.clock.now() + this.throttleMs;
        this.opts.logger.warn({ notifier: this.opts.label, status: answer.command_status, pauseMs: this.throttleMs }, 'SMSC throttles; pausing submits');
        continue;
      }
      return { ok: false, status: answer.command_status, recoverable: isRecoverable(answer.command_status), error: `SMSC refused submit_sm (status 0x${answer.command_status.toString(16)})` };
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const { host, port, label, logger } = this.opts;
    const session = smpp.connect({ host, port, connectTimeout: this.opts.responseTimeoutMs ?? 10_000 });
    this.session = session;
    // Every request in flight waits on 'close' (window + bind + enquire_link).
    session.setMaxListeners((this.opts.window ?? 10) + 10);
    session.on('connect', () => this.bind(session));
    session.on('error', (err: Error) => logger.warn({ notifier: label, err: err.message }, 'SMPP link error'));
    session.on('close', () => {
      if (this.session !== session) return;
      this.session = null;
      this.setDown('connection closed');
      this.scheduleReconnect();
    });
    session.on('deliver_sm', (pdu: Smpp.PDU) => {
      try {
        this.emit('deliver', pdu);
      } finally {
        session.send(pdu.response());
      }
    });
    session.on('enquire_link', (pdu: Smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: Smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
  }

  private bind(session: Smpp.Session): void {
    const { systemId, password, systemType, label, logger } = this.opts;
    void this.request((s, cb) => s.bind_transceiver({ system_id: systemId, password, system_type: systemType ?? '', interface_version: 0x34 }, cb), undefined, session)
      .then((answer) => {
        if (this.session !== session) return;
        if (typeof answer === 'string' || answer.command_status !== smpp.ESME_ROK) {
          const status = typeof answer === 'string' ? answer : `status 0x${answer.command_status.toString(16)}`;
          logger.error({ notifier: label, systemId, status }, 'SMPP bind refused');
          session.destroy();
          return;
        }
        this.failures = 0;
        this.bound = true;
        logger.info({ notifier: label, systemId }, 'SMPP bound as transceiver');
        this.emit('bound');
        this.scheduleEnquire(session);
        this.wakeAll();
      });
  }

  private scheduleEnquire(session: Smpp.Session): void {
    this.enquireTimer?.cancel();
    this.enquireTimer = this.clock.setTimer(this.opts.enquireLinkMs ?? 30_000, () => {
      if (this.session !== session || !this.bound) return;
      void this.request((s, cb) => s.enquire_link(cb), undefined, session).then((answer) => {
        if (this.session !== session) return;
        if (typeof answer === 'string') {
          this.opts.logger.warn({ notifier: this.opts.label }, 'SMSC did not answer enquire_link; reconnecting');
          session.destroy();
          return;
        }
        this.scheduleEnquire(session);
      });
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const base = this.opts.reconnect?.baseMs ?? 1000;
    const max = this.opts.reconnect?.maxMs ?? 30_000;
    const delay = Math.min(base * 2 ** this.failures, max);
    this.failures++;
    this.reconnectTimer = this.clock.setTimer(delay, () => this.connect());
  }

  private setDown(reason: string): void {
    this.enquireTimer?.cancel();
    if (!this.bound) return;
    this.bound = false;
    this.opts.logger.warn({ notifier: this.opts.label, reason }, 'SMPP link down');
    this.emit('down', reason);
  }

  /** Sends a request and resolves with its answer, or a reason string (timeout, closed, aborted). */
  private request(send: (s: Smpp.Session, cb: (pdu: Smpp.PDU) => void) => boolean, signal?: AbortSignal, on?: Smpp.Session): Promise<Smpp.PDU | string> {
    const session = on ?? this.session;
    if (!session || session.closed) return Promise.resolve('SMPP link is not connected');
    return new Promise((resolve) => {
      let settled = false;
      const finish = (value: Smpp.PDU | string) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        signal?.removeEventListener('abort', onAbort);
        session.off('close', onClose);
        resolve(value);
      };
      const onAbort = () => finish('aborted while waiting for the SMSC');
      const onClose = () => finish('SMPP link closed before the SMSC answered');
      const timer = this.clock.setTimer(this.opts.responseTimeoutMs ?? 10_000, () => finish('the SMSC did not answer in time'));
      signal?.addEventListener('abort', onAbort, { once: true });
      session.once('close', onClose);
      if (!send(session, finish)) finish('SMPP link is not writable');
    });
  }

  private ready(signal: AbortSignal): Promise<boolean> {
    if (this.bound) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.off('bound', onBound);
        resolve(false);
      };
      const onBound = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.once('bound', onBound);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const onAbort = () => {
        timer.cancel();
        resolve(false);
      };
      const timer = this.clock.setTimer(ms, () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async acquire(signal: AbortSignal): Promise<void> {
    while (this.inFlight >= (this.opts.window ?? 10) && !signal.aborted) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  private wakeAll(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** SMPP errors that a later attempt may get past; a bad number or a bad text will not. */
function isRecoverable(status: number): boolean {
  const permanent = new Set([0x0b /* RINVDSTADR */, 0x0a /* RINVSRCADR */, 0x01 /* RINVMSGLEN */, 0x0e /* RINVPASWD */, 0x0f /* RINVSYSID */, 0x61 /* RINVSCHED */]);
  return !permanent.has(status);
}
