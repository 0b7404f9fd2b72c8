import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { DeviceInput, DeviceInputSink, InputRejectReason } from '../../device-transport';

export interface RecordedReject {
  transport: string;
  reason: InputRejectReason;
  errors: string[];
}

/**
 * A DeviceInputSink that records what a transport reports and lets a test await it. `failFor`
 * makes `input` throw for a device, like an outbox that cannot store its event.
 */
export class RecordingSink implements DeviceInputSink {
  readonly inputs: DeviceInput[] = [];
  readonly rejects: RecordedReject[] = [];
  readonly links: [string, boolean][] = [];
  readonly failFor = new Set<string>();
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  input(input: DeviceInput): void {
    if (this.failFor.has(input.deviceId)) throw new Error(`test: outbox refuses ${input.deviceId}`);
    this.inputs.push(input);
    this.notify();
  }

  reject(transport: string, reason: InputRejectReason, detail: { errors: string[] }): void {
    this.rejects.push({ transport, reason, errors: detail.errors });
    this.notify();
  }

  linkChanged(transport: string, up: boolean): void {
    this.links.push([transport, up]);
    this.notify();
  }

  /** Resolves once `check` holds (checked now and after every report). */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** How many times the link was reported up (or down). */
  linkReports(up: boolean): number {
    return this.links.filter(([, u]) => u === up).length;
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}

/** A pino logger whose records are kept as objects, so a test can count log lines. */
export function recordingLogger(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}
