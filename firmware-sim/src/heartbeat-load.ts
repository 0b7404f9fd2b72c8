import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { encodePayload, isValidId, systemClock, topics, type Clock, type DeviceMessage, type TimerHandle } from '@trygg/protocol';
import { SimulatorError } from './errors';
import { connectOnce, type BrokerLogin } from './mqtt-connect';

export interface HeartbeatLoadOptions extends BrokerLogin {
  siteId: string;
  devices: string[];
  intervalMs: number;
  /** Devices sharing one MQTT connection; default 100. */
  devicesPerConnection?: number;
  battery?: number;
  clock?: Clock;
}

export interface HeartbeatLoad {
  /** Heartbeats handed to the broker so far. */
  readonly sent: number;
  readonly connections: number;
  stop(): Promise<void>;
}

/**
 * Many devices heartbeating, for benchmarks: one connection per `devicesPerConnection` devices,
 * each sending a heartbeat for all its devices every `intervalMs`. Connections start staggered
 * across the interval, so the broker sees a steady stream rather than one burst per interval.
 * Heartbeats go at QoS 0, as a real fleet's would: a lost one is replaced by the next.
 */
export async function startHeartbeatLoad(opts: HeartbeatLoadOptions): Promise<HeartbeatLoad> {
  const bad = opts.devices.find((d) => !isValidId(d));
  if (bad !== undefined) throw new SimulatorError('TRYGG_SIM_CONFIG', `invalid device id "${bad}"`);
  if (!(opts.intervalMs > 0)) throw new SimulatorError('TRYGG_SIM_CONFIG', 'intervalMs must be positive');
  const clock = opts.clock ?? systemClock;
  const perConnection = Math.max(1, opts.devicesPerConnection ?? 100);
  const groups: string[][] = [];
  for (let i = 0; i < opts.devices.length; i += perConnection) groups.push(opts.devices.slice(i, i + perConnection));

  const clients: MqttClient[] = [];
  try {
    for (let i = 0; i < groups.length; i++) clients.push(await connectOnce(opts, { reconnectPeriod: 1000 }));
  } catch (err) {
    await Promise.allSettled(clients.map((c) => c.endAsync(true)));
    throw err;
  }

  let sent = 0;
  let stopped = false;
  const timers: TimerHandle[] = [];
  const seqs = new Map<string, number>();
  const beat = (client: MqttClient, devices: string[]) => {
    if (!client.connected) return;
    for (const deviceId of devices) {
      const seq = ((seqs.get(deviceId) ?? 0) + 1) % 4_294_967_296;
      seqs.set(deviceId, seq);
      const message: DeviceMessage = {
        v: 1,
        type: 'heartbeat',
        msgId: randomUUID(),
        seq,
        at: new Date(clock.now()).toISOString(),
        ...(opts.battery !== undefined && { battery: opts.battery }),
      };
      client.publish(topics.device(opts.siteId, deviceId, 'up'), encodePayload(message), { qos: 0 });
      sent++;
    }
  };
  groups.forEach((devices, i) => {
    const client = clients[i]!;
    client.on('error', () => {}); // mqtt.js reconnects; a benchmark reports its own losses
    const loop = (delay: number) => {
      timers[i] = clock.setTimer(delay, () => {
        if (stopped) return;
        beat(client, devices);
        loop(opts.intervalMs);
      });
    };
    loop(Math.floor((opts.intervalMs * i) / groups.length));
  });

  return {
    get sent() {
      return sent;
    },
    connections: clients.length,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) t.cancel();
      await Promise.allSettled(clients.map((c) => c.endAsync(!c.connected)));
    },
  };
}
