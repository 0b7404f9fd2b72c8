import { performance } from 'node:perf_hooks';
import { connectSimulator, SimulatedSerialReceiver, SimulatedZigbee2Mqtt } from '@trygg/firmware-sim';
import { rawBrokerHop } from './broker-hop';
import { summarize, type Summary } from './percentiles';
import type { PopupWatch } from './popup-watch';

export interface TransportLatencyOptions {
  backoffice: PopupWatch;
  mqttUrl: string;
  serialPath: string;
  zigbee: { url: string; baseTopic: string; label: string };
  devices: { mqtt: string[]; serial: string[]; zigbee: string[] };
  samples: number;
  warmup: number;
  gapMs: number;
}

export interface TransportFigures {
  rawTrygg: Summary;
  rawZigbee: Summary;
  mqtt: Summary;
  serial: Summary;
  zigbee: Summary;
}

/**
 * (c) Press-to-console through each transport of the gateway process: one press at a time, each
 * on a device of its own, taking the transports in turn, from just before the simulator hands it over (MQTT publish, serial frame
 * written to the pty, Zigbee2MQTT payload published) to the pop-up on the back office's WebSocket.
 */
export async function transportLatency(o: TransportLatencyOptions): Promise<TransportFigures> {
  const rawTrygg = summarize(await rawBrokerHop(o.mqttUrl, 'trygg/v1/sites/demo/devices/raw-hop/down', {
    subscriber: { username: 'demo-devices', password: 'trygg-demo-devices' },
    publisher: { username: 'demo-gw', password: 'trygg-demo-gateway' },
  }, o.samples, o.warmup, o.gapMs));
  const rawZigbee = summarize(await rawBrokerHop(o.zigbee.url, `${o.zigbee.baseTopic}/raw-hop`, {}, o.samples, o.warmup, o.gapMs));

  const sim = await connectSimulator({ url: o.mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
  const rx = await SimulatedSerialReceiver.open({ path: o.serialPath });
  const z2m = await SimulatedZigbee2Mqtt.connect({ url: o.zigbee.url, baseTopic: o.zigbee.baseTopic, qos: 1 });
  const lanes: { ids: string[]; samples: number[]; press: (id: string) => Promise<void> | void }[] = [
    { ids: o.devices.mqtt, samples: [], press: async (id) => void (await sim.press(id)) },
    { ids: o.devices.serial, samples: [], press: (id) => void rx.press(id) },
    { ids: o.devices.zigbee, samples: [], press: async (id) => void (await z2m.press(`bench/${id}`, { model: 'TS0215A_sos' })) },
  ];
  try {
    // Round-robin over the transports, so whatever else the machine does hits them alike.
    const rounds = Math.min(...lanes.map((l) => l.ids.length));
    for (let i = 0; i < rounds; i++) {
      for (const lane of lanes) {
        const id = lane.ids[i]!;
        const shown = o.backoffice.arrival(id);
        const sentAt = performance.now();
        await lane.press(id);
        const { perf } = await shown;
        if (i >= o.warmup) lane.samples.push(perf - sentAt);
        await new Promise((r) => setTimeout(r, o.gapMs));
      }
    }
  } finally {
    await sim.close();
    await rx.close();
    await z2m.clearRetained();
    await z2m.close();
  }
  const [mqtt, serial, zigbee] = lanes.map((l) => summarize(l.samples)) as [Summary, Summary, Summary];
  return { rawTrygg, rawZigbee, mqtt, serial, zigbee };
}
