import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { hashPassword } from '../auth/password';
import type { SiteConfig, TryggConfig } from '../config/types';

/** Shared by the broker tests: a two-site office and mqtt.js helpers that await events, never sleep. */
export const PASSWORDS = {
  osloGw: 'oslo-gw-secret',
  bergenGw: 'bergen-gw-secret',
  osloDevices: 'oslo-devices-secret',
  osloButtons: 'oslo-buttons-secret',
} as const;

function site(id: string, extra: Partial<SiteConfig>): SiteConfig {
  return { id, name: id, zones: [], rooms: [], gateways: [], devices: [], stations: [], groups: [], chains: [], defaultChain: 'x', ...extra };
}

export async function makeTestConfig(): Promise<TryggConfig> {
  const [osloGw, bergenGw, osloDevices, osloButtons] = await Promise.all([
    hashPassword(PASSWORDS.osloGw),
    hashPassword(PASSWORDS.bergenGw),
    hashPassword(PASSWORDS.osloDevices),
    hashPassword(PASSWORDS.osloButtons),
  ]);
  return {
    version: 1,
    users: [],
    sites: [
      site('oslo', {
        gateways: [{ id: 'gw-1', username: 'oslo-gw', passwordHash: osloGw }],
        deviceAccounts: [
          { username: 'oslo-devices', passwordHash: osloDevices },
          { username: 'oslo-buttons', passwordHash: osloButtons, deviceIds: ['btn-1'] },
        ],
      }),
      site('bergen', { gateways: [{ id: 'gw-1', username: 'bergen-gw', passwordHash: bergenGw }] }),
    ],
  };
}

/** Connects and resolves on CONNACK 0; rejects with the refusal (mqtt.js error `code` = return code). */
export async function connectClient(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
    return client;
  } catch (err) {
    client.end(true);
    throw err;
  }
}

/** Resolves with the connection's refusal error (CONNACK return code in `code`). */
export async function connectRefused(url: string, opts: IClientOptions): Promise<Error & { code?: number }> {
  try {
    const client = await connectClient(url, opts);
    client.end(true);
  } catch (err) {
    return err as Error & { code?: number };
  }
  throw new Error('connection was accepted');
}

/** Records every message a client receives; `waitFor` must be called before the publish it awaits. */
export function collectMessages(client: MqttClient): {
  received: { topic: string; payload: string }[];
  waitFor(topic: string): Promise<string>;
} {
  const received: { topic: string; payload: string }[] = [];
  client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
  return {
    received,
    waitFor(topic) {
      return new Promise((resolve) => {
        const onMessage = (t: string, payload: Buffer): void => {
          if (t !== topic) return;
          client.off('message', onMessage);
          resolve(payload.toString());
        };
        client.on('message', onMessage);
      });
    },
  };
}

/** mqtt.js clients are not typed as Node EventEmitters, so events.once() does not accept them. */
export function closeOf(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

export async function endAll(clients: (MqttClient | undefined)[]): Promise<void> {
  await Promise.all(clients.filter((c): c is MqttClient => c !== undefined).map((c) => c.endAsync(true)));
}
