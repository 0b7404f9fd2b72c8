import type { Clock, TimerHandle } from '@trygg/protocol';
import type { Logger } from 'pino';
import { SerialPort } from 'serialport';
import { GatewayError } from '../../errors';

export interface SerialPortLinkOptions {
  path: string;
  baudRate: number;
  /** Wait between attempts to open a missing or lost port. */
  reconnectMs: number;
  clock: Clock;
  logger: Logger;
  onData(chunk: Buffer): void;
  onOpen(): void;
  onClose(): void;
}

export type WriteLane = 'control' | 'feedback';

interface QueuedWrite {
  data: string;
  resolve(): void;
  reject(err: Error): void;
}

/** Caps on queued writes while the port is slow; reading never waits for writes. */
const MAX_QUEUED: Record<WriteLane, number> = { control: 1000, feedback: 200 };

/**
 * One serial port kept open: opens it, reopens it whenever it disappears (USB receiver unplugged,
 * pty gone) using the injected clock, and writes lines one at a time from two queues, control
 * (ACK/NAK) before feedback. An outage is logged once when it starts and once when it ends.
 */
export class SerialPortLink {
  private port: SerialPort | null = null;
  private opening = false;
  private stopped = true;
  private retry: TimerHandle | null = null;
  private outage: { since: number; attempts: number } | null = null;
  private readonly queues: Record<WriteLane, QueuedWrite[]> = { control: [], feedback: [] };
  /** The write the OS has not finished yet; one at a time, so control lines can overtake feedback. */
  private inFlight: { port: SerialPort; write: QueuedWrite } | null = null;
  /** Opens so far, including the first; tells reconnects apart in tests and logs. */
  opens = 0;

  constructor(private readonly opts: SerialPortLinkOptions) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry?.cancel();
    this.retry = null;
    const port = this.port;
    this.port = null;
    this.failQueued('transport stopped');
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  isOpen(): boolean {
    return this.port !== null;
  }

  /** Resolves once the line is handed to the operating system; rejects if the port is or goes down. */
  write(data: string, lane: WriteLane): Promise<void> {
    if (!this.port) return Promise.reject(this.unavailable('port is not open'));
    const queue = this.queues[lane];
    if (queue.length >= MAX_QUEUED[lane]) {
      // A stalled port: drop the oldest; the receiver resends events, feedback is retried.
      queue.shift()?.reject(this.unavailable(`more than ${MAX_QUEUED[lane]} ${lane} writes queued`));
    }
    return new Promise((resolve, reject) => {
      queue.push({ data, resolve, reject });
      this.pump();
    });
  }

  private open(): void {
    if (this.stopped || this.port || this.opening) return;
    this.opening = true;
    let port: SerialPort;
    try {
      port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baudRate, autoOpen: false });
    } catch (err) {
      this.opening = false;
      this.openFailed(err);
      return;
    }
    port.open((err) => {
      this.opening = false;
      if (this.stopped) {
        if (!err) port.close();
        return;
      }
      if (err) {
        this.openFailed(err);
        return;
      }
      this.opened(port);
    });
  }

  private opened(port: SerialPort): void {
    this.port = port;
    this.opens++;
    port.on('data', (chunk: Buffer) => this.opts.onData(chunk));
    port.on('close', (err?: Error | null) => this.closed(port, err ?? null));
    port.on('error', (err: Error) => {
      this.opts.logger.warn({ err: err.message, path: this.opts.path }, 'serial port error');
      if (!port.isOpen) this.closed(port, err);
    });
    const outage = this.outage;
    this.outage = null;
    if (outage) {
      this.opts.logger.info(
        { path: this.opts.path, attempts: outage.attempts, downMs: this.opts.clock.now() - outage.since },
        'serial port open again',
      );
    } else {
      this.opts.logger.info({ path: this.opts.path, baudRate: this.opts.baudRate }, 'serial port open');
    }
    this.opts.onOpen();
  }

  private closed(port: SerialPort, err: Error | null): void {
    if (this.port !== port) return;
    this.port = null;
    port.removeAllListeners('data');
    this.failQueued('port closed');
    this.opts.onClose();
    if (this.stopped) return;
    this.noteOutage(err ?? new Error('port closed'));
    this.scheduleRetry();
  }

  private openFailed(err: unknown): void {
    this.noteOutage(err);
    this.scheduleRetry();
  }

  private noteOutage(err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    if (this.outage) {
      this.outage.attempts++;
      this.opts.logger.debug({ path: this.opts.path, reason, attempts: this.outage.attempts }, 'serial port still unavailable');
      return;
    }
    this.outage = { since: this.opts.clock.now(), attempts: 1 };
    const error = new GatewayError('TRYGG_GW_SERIAL_PORT_UNAVAILABLE', `${this.opts.path}: ${reason}`, { cause: err });
    this.opts.logger.warn(
      { err: error, code: error.code, path: this.opts.path, retryMs: this.opts.reconnectMs },
      'serial port unavailable; retrying until it is back',
    );
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    this.retry = this.opts.clock.setTimer(this.opts.reconnectMs, () => {
      this.retry = null;
      this.open();
    });
  }

  private pump(): void {
    if (this.inFlight || !this.port) return;
    const next = this.queues.control.shift() ?? this.queues.feedback.shift();
    if (!next) return;
    const flight = { port: this.port, write: next };
    this.inFlight = flight;
    const done = (err: Error | null | undefined) => {
      if (this.inFlight !== flight) return; // already failed by a close
      this.inFlight = null;
      if (err) next.reject(this.unavailable(err.message, err));
      else next.resolve();
      this.pump();
    };
    try {
      flight.port.write(next.data, 'latin1', done);
    } catch (err) {
      done(err as Error);
    }
  }

  private failQueued(why: string): void {
    const flight = this.inFlight;
    this.inFlight = null;
    flight?.write.reject(this.unavailable(why));
    for (const lane of ['control', 'feedback'] as const) {
      for (const w of this.queues[lane].splice(0)) w.reject(this.unavailable(why));
    }
  }

  private unavailable(why: string, cause?: unknown): GatewayError {
    return new GatewayError('TRYGG_GW_SERIAL_PORT_UNAVAILABLE', `${this.opts.path}: ${why}`, cause ? { cause } : undefined);
  }
}
