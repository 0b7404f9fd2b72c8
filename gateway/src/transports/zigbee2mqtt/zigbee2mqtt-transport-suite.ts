import { randomUUID } from 'node:crypto';
import { SimulatedZigbee2Mqtt, type SimulatedZigbee2MqttOptions } from '@trygg/firmware-sim';
import { systemClock, validateDeviceMessage } from '@trygg/protocol';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { digestId } from './zigbee-device-tracker';
import type { Zigbee2MqttDeviceConfig } from './zigbee2mqtt-config';
import { Zigbee2MqttDeviceTransport } from './zigbee2mqtt-device-transport';
import { RecordingSink, recordingLogger, type BrokerHarness } from './zigbee2mqtt-test-harness';

const DEVICES: Zigbee2MqttDeviceConfig[] = [
  // Slashes and spaces, as Zigbee2MQTT allows: subscribed by exact topic.
  { friendlyName: 'floor 2/reception/sos', deviceId: 'reception-sos', model: 'TS0215A_sos' },
  { friendlyName: 'feibit-sos', deviceId: 'feibit-sos', model: 'SEB01ZB' },
  { friendlyName: 'owon-panic', deviceId: 'owon-panic', model: 'PB206' },
  { friendlyName: 'heiman-sos', deviceId: 'heiman-sos', model: 'HS1EB/HS1EB-E' },
  { friendlyName: 'multir-sos', deviceId: 'multir-sos', model: 'MIR-SO100' },
  { friendlyName: 'orvibo-sos', deviceId: 'orvibo-sos', model: 'SE21' },
  { friendlyName: 'kitchen sos', deviceId: 'kitchen-sos' },
];
const RECEPTION = DEVICES[0]!;
const waitOpts = { timeout: 10_000, interval: 10 };

/**
 * The Zigbee2MQTT transport against a real broker, with the firmware simulator playing
 * Zigbee2MQTT. Run once per broker (aedes always, Mosquitto when configured).
 */
export function zigbee2mqttTransportSuite(makeHarness: () => Promise<BrokerHarness>): void {
  let harness: BrokerHarness;
  let transports: { transport: Zigbee2MqttDeviceTransport; clientId: string }[];
  let sims: SimulatedZigbee2Mqtt[];

  beforeEach(async () => {
    harness = await makeHarness();
    transports = [];
    sims = [];
  });

  afterEach(async () => {
    await Promise.allSettled(transports.map((t) => t.transport.stop()));
    await Promise.allSettled(sims.map((s) => s.clearRetained()));
    await Promise.allSettled(sims.map((s) => s.close()));
    await Promise.allSettled(transports.map((t) => harness.forgetSession(t.clientId)));
    await harness.close();
  });

  async function startTransport(devices = DEVICES) {
    const sink = new RecordingSink();
    const { logger, lines } = recordingLogger();
    const clientId = `trygg-test-z2m-${randomUUID().slice(0, 8)}`;
    const transport = new Zigbee2MqttDeviceTransport(
      { siteId: 'demo', gatewayId: 'gw-z2m', logger, clock: systemClock, sink },
      { kind: 'zigbee2mqtt', url: harness.url, baseTopic: harness.baseTopic, devices, clientId, reconnectPeriodMs: 100 },
    );
    transports.push({ transport, clientId });
    await transport.start();
    await vi.waitFor(() => expect(transport.isUp()).toBe(true), waitOpts);
    return { transport, sink, lines };
  }

  async function startSim(opts: Partial<SimulatedZigbee2MqttOptions> = {}) {
    const sim = await SimulatedZigbee2Mqtt.connect({ url: harness.directUrl, baseTopic: harness.baseTopic, qos: 1, ...opts });
    sims.push(sim);
    for (const d of DEVICES) sim.pair(d.friendlyName, d.model ?? 'TS0215A_sos');
    return sim;
  }

  /** Waits until a battery report published after everything else has come through. */
  async function barrier(sim: SimulatedZigbee2Mqtt, sink: RecordingSink, device = RECEPTION, battery = 41) {
    await sim.report(device.friendlyName, { battery });
    await vi.waitFor(() => expect(sink.of(device.deviceId, 'heartbeat').some((i) => i.message.battery === battery)).toBe(true), waitOpts);
  }

  it('turns a simulator press with real-shaped payloads into one press DeviceInput', async () => {
    const { sink } = await startTransport();
    const sim = await startSim();
    const [payload] = await sim.press(RECEPTION.friendlyName);

    await vi.waitFor(() => expect(sink.of('reception-sos', 'press')).toHaveLength(1), waitOpts);
    const press = sink.of('reception-sos', 'press')[0]!;
    expect(press.transport).toBe('zigbee2mqtt');
    expect(press.message).toMatchObject({
      v: 1,
      type: 'press',
      msgId: digestId(RECEPTION.friendlyName, 'press', String(payload!.last_seen)),
      at: payload!.last_seen,
      battery: 100,
    });
    expect(validateDeviceMessage(press.message).ok).toBe(true);
    expect(sink.of('reception-sos', 'heartbeat')[0]!.message.battery).toBe(100);
  });

  it('hears every SOS model the simulator plays, one press each', async () => {
    const { sink } = await startTransport();
    const sim = await startSim();
    const modelled = DEVICES.filter((d) => d.model !== undefined);
    for (const d of modelled) await sim.press(d.friendlyName);
    await vi.waitFor(() => {
      for (const d of modelled) expect(sink.of(d.deviceId, 'press'), d.deviceId).toHaveLength(1);
    }, waitOpts);
  });

  it('a reset payload (empty action, sos cleared) is never a second press', async () => {
    const { sink } = await startTransport();
    const sim = await startSim({ actionReset: 'empty' });
    await sim.press(RECEPTION.friendlyName); // press + `"action": ""` with the same last_seen
    await sim.release(RECEPTION.friendlyName);
    await sim.press('feibit-sos');
    await sim.report('feibit-sos', { battery: 80 }); // sos: true still in the state cache
    await sim.release('feibit-sos');
    await barrier(sim, sink);
    await barrier(sim, sink, DEVICES[1]!, 79);
    expect(sink.of('reception-sos', 'press')).toHaveLength(1);
    expect(sink.of('feibit-sos', 'press')).toHaveLength(1);
    expect(sink.of('feibit-sos', 'release')).toHaveLength(1);
  });

  it('a retained press replayed after a reconnect is no second press, and a new gateway gets the same msgId', async () => {
    const { transport, sink } = await startTransport();
    const sim = await startSim({ retain: true });
    await sim.press(RECEPTION.friendlyName);
    await vi.waitFor(() => expect(sink.of('reception-sos', 'press')).toHaveLength(1), waitOpts);
    const heartbeats = sink.of('reception-sos', 'heartbeat').length;

    harness.dropConnections();
    await vi.waitFor(() => expect(sink.links.slice(-2)).toEqual([false, true]), waitOpts);
    // The replay arrived (it is a heartbeat with its last_seen) but raised nothing.
    await vi.waitFor(() => expect(sink.of('reception-sos', 'heartbeat').length).toBeGreaterThan(heartbeats), waitOpts);
    expect(sink.of('reception-sos', 'press')).toHaveLength(1);
    expect(transport.stats.duplicatePresses).toBeGreaterThanOrEqual(1);

    // A gateway that restarted knows nothing: it raises the replay with the same msgId, which
    // the outbox and the server fold by eventId.
    const second = await startTransport();
    await vi.waitFor(() => expect(second.sink.of('reception-sos', 'press')).toHaveLength(1), waitOpts);
    expect(second.sink.of('reception-sos', 'press')[0]!.message.msgId).toBe(sink.of('reception-sos', 'press')[0]!.message.msgId);
  });

  it('availability offline is one unavailable event, online a heartbeat, in both payload formats', async () => {
    const { sink, lines } = await startTransport();
    const sim = await startSim();
    await sim.availability(RECEPTION.friendlyName, 'offline');
    await vi.waitFor(() => expect(sink.of('reception-sos', 'unavailable')).toHaveLength(1), waitOpts);
    expect(lines.some((l) => l.msg === 'Zigbee2MQTT reports the device offline')).toBe(true);

    // Retained: the reconnect replays it, which is no new event.
    harness.dropConnections();
    await vi.waitFor(() => expect(sink.links.slice(-2)).toEqual([false, true]), waitOpts);
    await sim.availability(RECEPTION.friendlyName, 'online', { legacy: true });
    await vi.waitFor(() => expect(sink.of('reception-sos', 'heartbeat')).toHaveLength(1), waitOpts);
    expect(sink.of('reception-sos', 'unavailable')).toHaveLength(1);

    await sim.availability('kitchen sos', 'offline', { legacy: true });
    await vi.waitFor(() => expect(sink.of('kitchen-sos', 'unavailable')).toHaveLength(1), waitOpts);
  });

  it('ignores friendly names that are not configured, counting and logging each once', async () => {
    const { transport, sink, lines } = await startTransport();
    const sim = await startSim();
    await sim.press('stranger', { model: 'TS0215A_sos' });
    await sim.press('stranger', { model: 'TS0215A_sos' });
    await sim.availability('stranger', 'offline');
    await sim.publishRaw('other', '{broken');
    await barrier(sim, sink);
    expect(sink.inputs.every((i) => i.deviceId === 'reception-sos')).toBe(true);
    expect(sink.rejects).toEqual([]);
    expect(transport.stats.unknownNames).toBe(2);
    const logged = lines.filter((l) => l.msg === 'Zigbee2MQTT device not configured for Trygg; ignored');
    expect(logged.map((l) => [l.level, l.friendlyName])).toEqual([
      [30, 'stranger'],
      [30, 'other'],
    ]);
  });

  it('rejects malformed, oversized and non-object payloads with a reason, and goes on', async () => {
    const { sink } = await startTransport();
    const sim = await startSim();
    await sim.publishRaw(RECEPTION.friendlyName, '{"action": "emergency"');
    await sim.publishRaw(RECEPTION.friendlyName, JSON.stringify({ action: 'emergency', pad: 'x'.repeat(17 * 1024) }));
    await sim.publishRaw(RECEPTION.friendlyName, '[1,2]');
    await sim.publishRaw(`${RECEPTION.friendlyName}/availability`, '{"state":"maybe"}');
    await vi.waitFor(() => expect(sink.rejects).toHaveLength(4), waitOpts);
    expect(sink.rejects.map((r) => r.reason)).toEqual(['malformed-json', 'oversized', 'schema', 'schema']);
    expect(sink.rejects[0]!.topic).toBe(`${harness.baseTopic}/${RECEPTION.friendlyName}`);
    expect(sink.inputs).toEqual([]);

    await sim.press(RECEPTION.friendlyName);
    await vi.waitFor(() => expect(sink.of('reception-sos', 'press')).toHaveLength(1), waitOpts);
  });

  it('reconnects after a broker restart and hears the next press', async () => {
    const { transport, sink } = await startTransport();
    const sim = await startSim();
    await harness.restart(300);
    await vi.waitFor(() => expect(sink.links).toEqual([true, false, true]), waitOpts);
    expect(transport.isUp()).toBe(true);
    // The simulator reconnects on its own; its QoS 1 press waits for that.
    await sim.press('heiman-sos');
    await vi.waitFor(() => expect(sink.of('heiman-sos', 'press')).toHaveLength(1), waitOpts);
  });

  it('reports the link down while Zigbee2MQTT itself is offline', async () => {
    const { transport, sink } = await startTransport();
    const sim = await startSim();
    await sim.bridgeState('offline');
    await vi.waitFor(() => expect(transport.isUp()).toBe(false), waitOpts);
    await sim.bridgeState('online');
    await vi.waitFor(() => expect(transport.isUp()).toBe(true), waitOpts);
    expect(sink.links).toEqual([true, false, true]);
  });

  it('accepts feedback for its devices and drops it: Zigbee SOS buttons have no LED', async () => {
    const { transport } = await startTransport();
    expect(transport.canAddress('reception-sos')).toBe(true);
    expect(transport.canAddress('interview-1')).toBe(false);
    const command = { v: 1, commandId: 'c1', deviceId: 'reception-sos', alarmId: 'a1', action: 'received', at: '2026-01-05T09:00:00.000Z' } as const;
    await expect(transport.send(command)).resolves.toBeUndefined();
    expect(transport.stats.commandsIgnored).toBe(1);
  });
}
