import mqtt, { type MqttClient } from 'mqtt';

export interface SeenMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
  json: unknown;
}

/**
 * A real mqtt.js client for tests that plays the server or a device: it records every message
 * it receives and lets a test await a message (or the n-th match) instead of sleeping.
 */
export class MqttProbe {
  readonly seen: SeenMessage[] = [];
  private waiters: { match: (m: SeenMessage) => boolean; count: number; resolve: (m: SeenMessage) => void }[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        json = undefined;
      }
      const m: SeenMessage = { topic, payload, retain: packet.retain, json };
      this.seen.push(m);
      this.waiters = this.waiters.filter((w) => {
        const matches = this.seen.filter(w.match);
        if (matches.length < w.count) return true;
        w.resolve(matches[w.count - 1]!);
        return false;
      });
    });
  }

  static async connect(url: string, subscriptions: string[] = [], clientId?: string): Promise<MqttProbe> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 100, ...(clientId && { clientId }) });
    const probe = new MqttProbe(client);
    if (subscriptions.length > 0) await client.subscribeAsync(subscriptions, { qos: 1 });
    return probe;
  }

  count(match: (m: SeenMessage) => boolean): number {
    return this.seen.filter(match).length;
  }

  /** Resolves when at least `count` received messages match (counting those already seen). */
  waitFor(match: (m: SeenMessage) => boolean, count = 1): Promise<SeenMessage> {
    const already = this.seen.filter(match);
    if (already.length >= count) return Promise.resolve(already[count - 1]!);
    return new Promise((resolve) => this.waiters.push({ match, count, resolve }));
  }

  async publishJson(topic: string, message: unknown, opts: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    await this.client.publishAsync(topic, JSON.stringify(message), { qos: opts.qos ?? 1, retain: opts.retain ?? false });
  }

  async publishRaw(topic: string, payload: string | Buffer): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Matches messages on a topic whose JSON has the given top-level fields. */
export function on(topic: string, fields: Record<string, unknown> = {}): (m: SeenMessage) => boolean {
  return (m) =>
    m.topic === topic &&
    typeof m.json === 'object' &&
    m.json !== null &&
    Object.entries(fields).every(([k, v]) => (m.json as Record<string, unknown>)[k] === v);
}
