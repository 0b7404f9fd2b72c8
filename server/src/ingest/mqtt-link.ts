import { disableNagle } from '@trygg/protocol';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export interface MqttLinkOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  logger: Logger;
}

/**
 * The server's own MQTT client, the same code path for the embedded broker and an external one
 * (MQTT_URL). Reconnects forever; subscriptions are renewed on every connect because an
 * in-memory broker that restarted has forgotten them.
 */
export class MqttLink {
  readonly client: MqttClient;
  private readonly subscriptions: string[] = [];

  constructor(private readonly options: MqttLinkOptions) {
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      username: options.username,
      password: options.password,
      clean: true,
      reconnectPeriod: 500,
      connectTimeout: 5000,
      keepalive: 30,
    };
    this.client = disableNagle(connect(options.url, clientOptions));
    this.client.on('connect', () => {
      options.logger.info({ url: redactUrl(options.url) }, 'mqtt link connected');
      if (this.subscriptions.length > 0) this.client.subscribe(this.subscriptions, { qos: 1 });
    });
    this.client.on('offline', () => options.logger.warn({ url: redactUrl(options.url) }, 'mqtt link offline'));
    this.client.on('error', (err) => options.logger.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'mqtt link error'));
  }

  get connected(): boolean {
    return this.client.connected;
  }

  subscribe(filters: string[]): void {
    this.subscriptions.push(...filters);
    if (this.client.connected) this.client.subscribe(filters, { qos: 1 });
  }

  publish(topic: string, payload: Buffer, qos: 0 | 1, retain = false): void {
    // mqtt.js queues while offline; QoS 1 messages are re-sent until the broker acknowledges.
    this.client.publish(topic, payload, { qos, retain }, (err) => {
      if (err) this.options.logger.warn({ err: { message: err.message }, topic }, 'mqtt publish failed');
    });
  }

  /** Resolves once connected, or rejects after `timeoutMs`. */
  waitConnected(timeoutMs: number): Promise<void> {
    if (this.client.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.off('connect', onConnect);
        reject(new Error(`no connection to ${redactUrl(this.options.url)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      this.client.once('connect', onConnect);
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
