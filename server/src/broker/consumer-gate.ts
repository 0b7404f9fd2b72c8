import { topics } from '@trygg/protocol';

/**
 * Knows whether a site's device messages have a consumer: a gateway subscription at QoS 1 to the
 * site's device `up` topics. Persistent ones (clean: false) live in the broker persistence, which
 * restores them from disk at start and keeps queueing for them while the gateway is away; live
 * clean-session ones are tracked here from the broker's subscribe events.
 *
 * The embedded broker admits a device connection only once this says yes, so a press published
 * right after a broker restart is queued for the gateway instead of confirmed into the void.
 */
export interface PersistentSubscriptions {
  /** aedes persistence: QoS > 0 subscriptions of persistent sessions matching a topic. */
  subscriptionsByTopic(topic: string): Promise<{ clientId: string; topic: string; qos: number }[]>;
}

/** Not a valid device id (ids are [a-z0-9_-]): only a `+` filter matches it. */
const ANY_DEVICE = '~any~';

/** MQTT topic filter matching (§4.7): `+` one level, `#` the rest. */
export function filterMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

export class ConsumerGate<C extends object> {
  /** Clean-session consumers' QoS >= 1 filters, per client object. */
  private readonly live = new Map<C, Set<string>>();

  constructor(private readonly persistent: PersistentSubscriptions) {}

  /** From aedes `subscribe` for a gateway principal. Persistent sessions are in persistence already. */
  subscribed(client: C, clean: boolean, subscriptions: { topic: string; qos: number }[]): void {
    if (!clean) return;
    for (const { topic, qos } of subscriptions) {
      const filters = this.live.get(client) ?? new Set<string>();
      if (qos >= 1 && qos <= 2) filters.add(topic);
      else filters.delete(topic); // 0 downgrades a previous QoS 1 subscription; 128 was refused
      if (filters.size > 0) this.live.set(client, filters);
      else this.live.delete(client);
    }
  }

  unsubscribed(client: C, filters: string[]): void {
    const own = this.live.get(client);
    if (!own) return;
    for (const f of filters) own.delete(f);
    if (own.size === 0) this.live.delete(client);
  }

  released(client: C): void {
    this.live.delete(client);
  }

  /**
   * True when every one of `deviceIds` (or, without them, any device: a `+` subscription) of
   * `siteId` has a consumer that would receive a QoS 1 message now or queue it.
   */
  async hasConsumer(siteId: string, deviceIds?: readonly string[]): Promise<boolean> {
    for (const deviceId of deviceIds ?? [ANY_DEVICE]) {
      const topic = topics.device(siteId, deviceId, 'up');
      if (this.liveMatch(topic)) continue;
      const stored = await this.persistent.subscriptionsByTopic(topic);
      if (!stored.some((s) => s.qos >= 1)) return false;
    }
    return true;
  }

  private liveMatch(topic: string): boolean {
    for (const filters of this.live.values()) for (const f of filters) if (filterMatches(f, topic)) return true;
    return false;
  }
}
