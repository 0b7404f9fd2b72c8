/**
 * The server's half of the delivery contract (docs/protocol.md, "Delivery contract") over a real
 * broker and a real SQLite file: a press or cancel is confirmed to its device (a DeviceCommand
 * carrying its msgId) only after the commit, again for every re-send, also when folded into an
 * open alarm; and a press the server rejects becomes a technical alarm, never silence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, topics, validateDeviceCommand, type DeviceCommand, type DeviceEvent, type Receipt } from '@trygg/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MqttProbe, type SeenMessage } from '../../../test/support/mqtt-probe';
import { TestBroker } from '../../../test/support/test-broker';
import { AlarmService } from '../alarm/alarm-service';
import type { Alarm } from '../alarm/alarm-types';
import { loadConfigFile } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import { DEMO_CONFIG } from '../environment';
import { createMetrics } from '../metrics/metrics';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub } from '../ws/console-hub';
import { MqttIngest } from './mqtt-ingest';
import { MqttLink } from './mqtt-link';

const logger = pino({ level: 'silent' });
const directory = new OfficeDirectory(loadConfigFile(DEMO_CONFIG));
const GW = 'demo-gw';

function event(deviceId: string, msgId: string, kind: DeviceEvent['kind'] = 'press', extra: Partial<DeviceEvent> = {}): DeviceEvent {
  return { v: 1, eventId: `${deviceId}-${msgId}`, siteId: 'demo', gatewayId: GW, deviceId, kind, seq: 1, msgId, at: '2026-01-05T09:00:00.000Z', ...extra };
}

const isCommand = (m: SeenMessage) => m.topic === topics.gateway('demo', GW, 'commands');
const isReceipt = (eventId: string) => (m: SeenMessage) => m.topic.endsWith('/receipts') && (m.json as Receipt).eventId === eventId;
const confirming = (msgId: string) => (m: SeenMessage) => isCommand(m) && (m.json as DeviceCommand).msgId === msgId;

describe('MQTT ingest: confirmations and rejected presses (real broker, SQLite)', () => {
  let dir: string;
  let broker: TestBroker;
  let link: MqttLink;
  let store: SqliteStore;
  let gateway: MqttProbe;
  let alarms: AlarmService;
  let metrics: ReturnType<typeof createMetrics>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-ingest-'));
    broker = await TestBroker.start();
    const clock = new FakeClock();
    store = new SqliteStore(join(dir, 'trygg.db'));
    metrics = createMetrics();
    link = new MqttLink({ url: broker.url, clientId: 'trygg-server-test', logger });
    await link.waitConnected(10_000);
    const ingest = new MqttIngest({ link, store, directory, metrics, logger, now: () => clock.now() });
    const hub = new ConsoleHub(store, directory, metrics, logger, clock, 0);
    alarms = new AlarmService({ store, directory, clock, hub, outbound: ingest, metrics, logger });
    ingest.start(alarms);
    gateway = await MqttProbe.connect(broker.url, [topics.gateway('demo', GW, 'commands'), topics.allGatewayChannel('receipts')]);
    // The server subscribes on connect; a first event round trip proves it is listening.
    await vi.waitFor(async () => {
      await gateway.publishJson(topics.gateway('demo', GW, 'events'), event('interview-3', 'warm-up', 'release'));
      expect(gateway.count(isReceipt('interview-3-warm-up'))).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 200 });
  });

  afterEach(async () => {
    await gateway.close();
    await link.close();
    await broker.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (e: unknown) => gateway.publishJson(topics.gateway('demo', GW, 'events'), e);
  const commandsFor = (msgId: string) => gateway.seen.filter(confirming(msgId)).map((m) => m.json as DeviceCommand);

  it('confirms a press after its commit, and again (same msgId, new commandId) for a re-send whose confirmation was lost', async () => {
    await send(event('reception-desk', 'p1'));
    const first = await gateway.waitFor(confirming('p1'));
    const command = first.json as DeviceCommand;
    expect(validateDeviceCommand(command).ok).toBe(true);
    expect(command).toMatchObject({ deviceId: 'reception-desk', action: 'received', msgId: 'p1' });
    // Confirmed means stored: the alarm is in the database by the time the device hears it.
    const stored = await store.getAlarm(command.alarmId);
    expect(stored?.sourceEventId).toBe('reception-desk-p1');
    // Exactly one command for the press: the feedback is the confirmation, not a second message.
    await gateway.waitFor(isReceipt('reception-desk-p1'));
    expect(gateway.count(isCommand)).toBe(1);

    await send(event('reception-desk', 'p1'));
    await gateway.waitFor(isReceipt('reception-desk-p1'), 2);
    const again = await gateway.waitFor(confirming('p1'), 2);
    expect(again.json).toMatchObject({ deviceId: 'reception-desk', action: 'received', msgId: 'p1', alarmId: command.alarmId });
    expect((again.json as DeviceCommand).commandId).not.toBe(command.commandId);
    expect(gateway.seen.filter(isReceipt('reception-desk-p1')).map((m) => (m.json as Receipt).status)).toEqual(['stored', 'duplicate']);
    expect((await store.listAlarms({ state: 'open' })).filter((a) => a.kind === 'panic')).toHaveLength(1);
  });

  it('confirms a press folded into the open alarm: "received" while unowned, "help-coming" once someone owns it', async () => {
    await send(event('interview-1', 'a'));
    const alarmId = ((await gateway.waitFor(confirming('a'))).json as DeviceCommand).alarmId;
    await send(event('interview-1', 'b'));
    expect((await gateway.waitFor(confirming('b'))).json).toMatchObject({ action: 'received', alarmId, msgId: 'b' });

    await alarms.act(alarmId, { type: 'acknowledge' }, { type: 'user', username: 'kari', name: 'Kari' });
    await send(event('interview-1', 'c'));
    expect((await gateway.waitFor(confirming('c'))).json).toMatchObject({ action: 'help-coming', alarmId, msgId: 'c' });
    // A re-send of the first press, long after: confirmed with what its alarm is now.
    await send(event('interview-1', 'a'));
    expect((await gateway.waitFor(confirming('a'), 2)).json).toMatchObject({ action: 'help-coming', alarmId, msgId: 'a' });
    expect((await store.getAlarm(alarmId))?.pressCount).toBe(3);
  });

  it('confirms a cancel with "cancelled", also when re-sent, and a cancel with nothing open', async () => {
    await send(event('interview-2', 'p'));
    const alarmId = ((await gateway.waitFor(confirming('p'))).json as DeviceCommand).alarmId;
    await send(event('interview-2', 'x', 'cancel'));
    expect((await gateway.waitFor(confirming('x'))).json).toMatchObject({ action: 'cancelled', alarmId, msgId: 'x' });
    expect((await store.getAlarm(alarmId))?.state).toBe('cancelled');
    await send(event('interview-2', 'x', 'cancel'));
    expect((await gateway.waitFor(confirming('x'), 2)).json).toMatchObject({ action: 'cancelled', msgId: 'x' });

    await send(event('interview-2', 'y', 'cancel'));
    expect((await gateway.waitFor(confirming('y'))).json).toMatchObject({ action: 'cancelled', alarmId: 'none', msgId: 'y' });
  });

  it('alarms first: a press behind a burst of heartbeat batches is confirmed, and the batches are all recorded after it (none shed)', async () => {
    const devices = ['interview-1', 'interview-2', 'reception-desk'];
    for (let i = 0; i < 30; i++) {
      await gateway.publishJson(topics.gateway('demo', GW, 'heartbeats'), {
        v: 1, siteId: 'demo', gatewayId: GW, at: '2026-01-05T09:00:00.000Z', devices: [{ deviceId: devices[i % 3], at: '2026-01-05T09:00:00.000Z', battery: 90 - i }],
      });
    }
    await send(event('interview-2', 'behind-heartbeats'));
    await gateway.waitFor(confirming('behind-heartbeats'));
    await vi.waitFor(async () => expect((await store.listDevicesSeen()).map((d) => d.deviceId).sort()).toEqual([...devices].sort()), { timeout: 10_000 });
    expect((await metrics.heartbeatBatchesShed.get()).values[0]?.value ?? 0).toBe(0);
  });

  it('sends no confirmation for an event without msgId (an older gateway) or of another kind', async () => {
    const { msgId: _omit, ...old } = event('interview-3', 'old');
    await send(old);
    await send(event('interview-3', 'rel', 'release'));
    await gateway.waitFor(isReceipt('interview-3-old'));
    await gateway.waitFor(isReceipt('interview-3-rel'));
    // The press without msgId still raised its alarm and got its (untagged) feedback.
    const feedback = gateway.seen.filter(isCommand).map((m) => m.json as DeviceCommand).filter((c) => c.deviceId === 'interview-3');
    expect(feedback.map((c) => [c.action, c.msgId])).toEqual([['received', undefined]]);
  });

  describe('a rejected press is a technical alarm to the site, never silence', () => {
    const technical = async () => (await store.listAlarms({ state: 'open' })).filter((a: Alarm) => a.kind === 'technical' && a.detail?.technical?.cause === 'event-rejected');

    it('unknown device: receipt rejected, no confirmation, one technical alarm for the gateway however many re-sends', async () => {
      await send(event('ghost-1', 'g1'));
      expect((await gateway.waitFor(isReceipt('ghost-1-g1'))).json).toMatchObject({ status: 'rejected', reason: 'unknown-device' });
      await vi.waitFor(async () => expect(await technical()).toHaveLength(1));
      const [alarm] = await technical();
      expect(alarm!.detail?.technical).toEqual({ cause: 'event-rejected', subject: `gateway ${GW}` });
      expect(alarm!.detail?.note).toContain('ghost-1');
      expect(alarm!.detail?.note).toContain('unknown-device');

      await send(event('ghost-1', 'g1'));
      await send(event('ghost-2', 'g2'));
      await gateway.waitFor(isReceipt('ghost-2-g2'));
      expect(commandsFor('g1')).toEqual([]);
      expect(await technical()).toHaveLength(1);
      const counted = await metrics.registry.getSingleMetricAsString('trygg_presses_rejected_total');
      expect(counted).toContain('reason="unknown-device",told="technical-alarm"} 1');
      expect(counted).toContain('reason="unknown-device",told="recently"} 2');
    });

    it('schema failure of a press from a configured device: the alarm names the device', async () => {
      await send({ ...event('interview-1', 's1'), at: '275760-09-13T00:00:00.001Z', battery: 101 });
      expect((await gateway.waitFor(isReceipt('interview-1-s1'))).json).toMatchObject({ status: 'rejected', reason: 'schema' });
      await vi.waitFor(async () => expect(await technical()).toHaveLength(1));
      const [alarm] = await technical();
      expect(alarm).toMatchObject({ roomId: 'interview-1', dedupeKey: 'event-rejected:interview-1:schema', detail: { technical: { subject: 'interview-1' } } });
      expect(alarm!.deviceId).toBeUndefined();
      expect(commandsFor('s1')).toEqual([]);
    });

    it('a device with an open alarm: the technical alarm is raised beside it, and its next press still folds into its own alarm', async () => {
      await send(event('interview-2', 'open-1'));
      const panicId = ((await gateway.waitFor(confirming('open-1'))).json as DeviceCommand).alarmId;
      await send({ ...event('interview-2', 'bad-1'), battery: 101 });
      await vi.waitFor(async () => expect(await technical()).toHaveLength(1));
      expect((await technical())[0]!.detail?.technical?.subject).toBe('interview-2');
      await send(event('interview-2', 'open-2'));
      expect((await gateway.waitFor(confirming('open-2'))).json).toMatchObject({ alarmId: panicId, action: 'received' });
      expect((await store.getAlarm(panicId))?.pressCount).toBe(2);
    });

    it('wrong site in the payload: rejected and raised on the topic\'s site', async () => {
      await send(event('interview-1', 'w1', 'press', { gatewayId: 'other-gw' }));
      expect((await gateway.waitFor(isReceipt('interview-1-w1'))).json).toMatchObject({ status: 'rejected', reason: 'wrong-site' });
      await vi.waitFor(async () => expect(await technical()).toHaveLength(1));
      expect((await technical())[0]).toMatchObject({ siteId: 'demo', dedupeKey: 'event-rejected:interview-1:wrong-site' });
    });

    it('a rejected event that is no press (a release) raises nothing; an unknown site is logged and counted only', async () => {
      await send(event('ghost-3', 'r1', 'release'));
      await gateway.waitFor(isReceipt('ghost-3-r1'));
      await gateway.publishJson(topics.gateway('nowhere', GW, 'events'), { ...event('ghost-4', 'n1'), siteId: 'nowhere' });
      await vi.waitFor(async () => {
        expect(await metrics.registry.getSingleMetricAsString('trygg_presses_rejected_total')).toContain('reason="unknown-site",told="nobody"} 1');
      });
      expect(await technical()).toEqual([]);
    });
  });
});
