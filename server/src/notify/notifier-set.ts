import type { Logger } from 'pino';
import type { NotifierConfig } from '../config/types';
import type { Notification, Notifier, SendResult } from './notifier';

interface Slot {
  id: string;
  /** The configuration it was built from, to tell a changed notifier from an unchanged one. */
  key: string;
  notifier: Notifier;
  inFlight: number;
  retiring: boolean;
}

export interface NotifierSetChange {
  added: string[];
  changed: string[];
  removed: string[];
  /** Could not be built; the previous notifier of that id (if any) stays in use. */
  failed: { id: string; error: string }[];
}

/**
 * The configured notifiers, by id, as the dispatcher sees them: one router per channel that picks
 * the notifier by `notification.target` at send time. `apply` follows a configuration change
 * without a restart: unchanged notifiers are kept as they are, changed and new ones are built,
 * and replaced or removed ones are closed once their sends in flight have finished (a DC-09
 * exchange or an SMTP session is not cut off half-way). Stored notifications still waiting for a
 * retry go to whatever notifier has their target when the retry comes.
 */
export class NotifierSet {
  /** Channel -> router; the same Map instance for the notifiers' whole life (the dispatcher holds it). */
  readonly routers = new Map<string, Notifier>();
  private readonly slots = new Map<string, Slot>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly build: (config: NotifierConfig) => Notifier,
    private readonly logger: Logger,
    /** Called for every notifier built (reply listeners, link supervision). */
    private readonly onBuilt: (id: string, notifier: Notifier) => void = () => {},
  ) {}

  /** At start a notifier that cannot be built throws (the configuration was checked); later it is logged and the old one kept. */
  apply(configs: readonly NotifierConfig[], options: { throwOnFailure?: boolean } = {}): NotifierSetChange {
    const change: NotifierSetChange = { added: [], changed: [], removed: [], failed: [] };
    const wanted = new Set(configs.map((c) => c.id));
    for (const config of configs) {
      const key = JSON.stringify(config);
      const old = this.slots.get(config.id);
      if (old?.key === key) continue;
      let notifier: Notifier;
      try {
        notifier = this.build(config);
      } catch (err) {
        if (options.throwOnFailure) throw err;
        change.failed.push({ id: config.id, error: (err as Error).message });
        continue;
      }
      this.slots.set(config.id, { id: config.id, key, notifier, inFlight: 0, retiring: false });
      this.onBuilt(config.id, notifier);
      if (old) this.retire(old);
      (old ? change.changed : change.added).push(config.id);
    }
    for (const [id, slot] of this.slots) {
      if (wanted.has(id)) continue;
      this.slots.delete(id);
      this.retire(slot);
      change.removed.push(id);
    }
    for (const slot of this.slots.values()) {
      const channel = slot.notifier.channel;
      if (!this.routers.has(channel)) this.routers.set(channel, new ChannelRouter(channel, this));
    }
    if (change.added.length + change.changed.length + change.removed.length + change.failed.length > 0) {
      const log = { added: change.added, changed: change.changed, removed: change.removed, failed: change.failed };
      if (change.failed.length > 0) this.logger.error(log, 'notifiers changed; some could not be built and keep their previous settings');
      else this.logger.info(log, 'notifiers changed');
    }
    return change;
  }

  get(id: string): Notifier | undefined {
    return this.slots.get(id)?.notifier;
  }

  all(): Notifier[] {
    return [...this.slots.values()].map((s) => s.notifier);
  }

  /** Closes every notifier (at shutdown, after the dispatcher stopped) and waits for retired ones. */
  async close(): Promise<void> {
    for (const slot of this.slots.values()) await this.closeNotifier(slot);
    this.slots.clear();
    await Promise.all(this.closing);
  }

  /** The notifier for a send, counted in flight until `done`. */
  acquire(channel: string, target: string): { notifier: Notifier; done: () => void } | undefined {
    const slot = this.slots.get(target);
    if (!slot || slot.notifier.channel !== channel) return undefined;
    slot.inFlight++;
    return {
      notifier: slot.notifier,
      done: () => {
        slot.inFlight--;
        if (slot.retiring && slot.inFlight === 0) this.retire(slot);
      },
    };
  }

  private retire(slot: Slot): void {
    slot.retiring = true;
    if (slot.inFlight > 0) return;
    const closing = this.closeNotifier(slot).finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  private async closeNotifier(slot: Slot): Promise<void> {
    try {
      await slot.notifier.close?.();
    } catch (err) {
      this.logger.warn({ err, notifier: slot.id }, 'closing a notifier failed');
    }
  }
}

/** What the dispatcher sees per channel; the notifier is looked up at each send, so changes apply to the next one. */
class ChannelRouter implements Notifier {
  constructor(readonly channel: string, private readonly set: NotifierSet) {}

  async send(notification: Notification, signal: AbortSignal): Promise<SendResult> {
    const lease = this.set.acquire(this.channel, notification.target);
    if (!lease) return { ok: false, recoverable: false, error: `no notifier "${notification.target}" for channel ${this.channel}` };
    try {
      return await lease.notifier.send(notification, signal);
    } finally {
      lease.done();
    }
  }

  attemptBudgetMs(notification: Notification): number | undefined {
    const lease = this.set.acquire(this.channel, notification.target);
    if (!lease) return undefined;
    lease.done();
    return lease.notifier.attemptBudgetMs?.(notification);
  }
}
