import { EventEmitter } from 'node:events';
import type { FakeClock } from '@trygg/protocol';
import type { HidBackend, HidDeviceInfo, HidHandle, HidHandleEvents } from './hid-backend';
import { reportBytes, type RecordedReport } from './hid-fixtures';

/**
 * A HID system for tests that behaves like node-hid where the transport can tell: listing can
 * be refused, opening an absent or broken device rejects, unplugging an open device ends its
 * reads with an 'error', a closed handle neither emits nor accepts writes. Test support only.
 */
export class FakeHidBackend implements HidBackend {
  private readonly present = new Map<string, HidDeviceInfo>();
  private readonly openFailures = new Map<string, Error>();
  private listingFailure: Error | null = null;
  /** Every handle ever opened, per path, oldest first. */
  readonly handles = new Map<string, FakeHidHandle[]>();
  listings = 0;

  plug(info: HidDeviceInfo): void {
    this.present.set(info.path, info);
  }

  unplug(path: string): void {
    this.present.delete(path);
    const handle = this.handle(path);
    if (handle && !handle.closed) handle.fail(new Error('could not read from HID device'));
  }

  refuseListing(err: Error | null): void {
    this.listingFailure = err;
  }

  refuseOpen(path: string, err: Error | null): void {
    if (err) this.openFailures.set(path, err);
    else this.openFailures.delete(path);
  }

  /** The newest handle of `path`. */
  handle(path: string): FakeHidHandle | undefined {
    return this.handles.get(path)?.at(-1);
  }

  openHandles(): string[] {
    return [...this.handles].filter(([, hs]) => hs.some((h) => !h.closed)).map(([path]) => path);
  }

  async devices(): Promise<HidDeviceInfo[]> {
    this.listings++;
    if (this.listingFailure) throw this.listingFailure;
    return [...this.present.values()].map((d) => ({ ...d }));
  }

  async open(path: string): Promise<HidHandle> {
    const failure = this.openFailures.get(path);
    if (failure) throw failure;
    if (!this.present.has(path)) throw new Error(`cannot open device with path ${path}`);
    const handle = new FakeHidHandle(path);
    this.handles.set(path, [...(this.handles.get(path) ?? []), handle]);
    return handle;
  }
}

export class FakeHidHandle extends EventEmitter<HidHandleEvents> implements HidHandle {
  closed = false;
  readonly written: { type: 'output' | 'feature'; report: number[] }[] = [];

  constructor(readonly path: string) {
    super();
  }

  /** The device sends one input report now. */
  send(report: Uint8Array | string): void {
    if (this.closed) throw new Error(`${this.path} is closed`);
    this.emit('data', Buffer.from(typeof report === 'string' ? reportBytes({ t: 0, hex: report }) : report));
  }

  /** Replays a recorded stream in its own timing: the clock is advanced to each report's time. */
  replay(reports: readonly RecordedReport[], clock: FakeClock): void {
    const start = clock.now();
    for (const report of reports) {
      clock.advance(Math.max(0, start + report.t - clock.now()));
      this.send(reportBytes(report));
    }
  }

  fail(err: Error): void {
    if (!this.closed) this.emit('error', err);
  }

  async write(report: Uint8Array): Promise<number> {
    if (this.closed) throw new Error('Cannot write to hid device');
    this.written.push({ type: 'output', report: Array.from(report) });
    return report.length;
  }

  async sendFeatureReport(report: Uint8Array): Promise<number> {
    if (this.closed) throw new Error('could not send feature report to device');
    this.written.push({ type: 'feature', report: Array.from(report) });
    return report.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners();
  }
}
