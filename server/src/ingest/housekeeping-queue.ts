/** What waits in the housekeeping queue: heartbeat batches may be shed, gateway status never. */
export type HousekeepingKind = 'heartbeats' | 'status';

export interface HousekeepingQueueOptions {
  /** Heartbeat batches waiting at most; beyond it the oldest waiting batch is shed. */
  maxHeartbeatBatches: number;
  /** Told for every heartbeat batch dropped unprocessed (counted in /metrics). */
  onShed: () => void;
  onError: (err: unknown, kind: HousekeepingKind) => void;
  /** How the next item is scheduled; setImmediate lets I/O (a press) run between any two items. */
  schedule?: (run: () => void) => void;
}

/**
 * Alarms before housekeeping in the server's ingest. A device event (press, cancel) is handled
 * the moment it arrives; heartbeat batches and gateway status wait here and are worked off one
 * per turn of the event loop, so a press that arrives behind a storm of heartbeats waits for at
 * most one batch, never for the whole backlog. Under overload the oldest heartbeat batch is
 * dropped (the device's next heartbeat says the same, newer); status is never dropped, and
 * presses never come here.
 */
export class HousekeepingQueue {
  private readonly items: { kind: HousekeepingKind; run: () => Promise<void> }[] = [];
  private heartbeatBatches = 0;
  private scheduled = false;
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private readonly schedule: (run: () => void) => void;

  constructor(private readonly opts: HousekeepingQueueOptions) {
    this.schedule = opts.schedule ?? ((run) => void setImmediate(run));
  }

  /** Items waiting (not counting the one running). */
  get depth(): number {
    return this.items.length;
  }

  push(kind: HousekeepingKind, run: () => Promise<void>): void {
    if (kind === 'heartbeats') {
      if (this.heartbeatBatches >= this.opts.maxHeartbeatBatches) {
        const oldest = this.items.findIndex((i) => i.kind === 'heartbeats');
        if (oldest >= 0) {
          this.items.splice(oldest, 1);
          this.heartbeatBatches--;
          this.opts.onShed();
        }
      }
      this.heartbeatBatches++;
    }
    this.items.push({ kind, run });
    this.kick();
  }

  /** Resolves when nothing is waiting or running (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.running && this.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.scheduled || this.running || this.items.length === 0) return;
    this.scheduled = true;
    this.schedule(() => void this.runNext());
  }

  private async runNext(): Promise<void> {
    this.scheduled = false;
    const item = this.items.shift();
    if (!item) return this.settle();
    if (item.kind === 'heartbeats') this.heartbeatBatches--;
    this.running = true;
    try {
      await item.run();
    } catch (err) {
      this.opts.onError(err, item.kind);
    } finally {
      this.running = false;
      if (this.items.length > 0) this.kick();
      else this.settle();
    }
  }

  private settle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
