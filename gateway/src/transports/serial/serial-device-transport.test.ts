/**
 * The serial transport over a real pseudo-terminal pair made by socat, with the simulated alarm
 * receiver on the other end. socat must be installed (CI installs it); without it these fail.
 */
import { once } from 'node:events';
import { PtyPair, SimulatedSerialReceiver } from '@trygg/firmware-sim';
import { serialLine, systemClock, type DeviceCommand } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialDeviceTransport, type SerialTransportConfig } from './serial-device-transport';
import { RecordingSink, recordingLogger } from './test-support/recording-sink';

const command = (deviceId: string, action: DeviceCommand['action'], n = 1): DeviceCommand => ({
  v: 1,
  commandId: `cmd-${n}`,
  deviceId,
  alarmId: 'alarm-1',
  action,
  at: '2026-01-05T09:00:01.000Z',
});

describe('serial transport over a socat pty pair with the simulated receiver', () => {
  let pair: PtyPair;
  let sink: RecordingSink;
  let transport: SerialDeviceTransport;
  let receiver: SimulatedSerialReceiver | null;
  const log = recordingLogger();

  const startTransport = async (extra: Partial<SerialTransportConfig> = {}) => {
    const config: SerialTransportConfig = { kind: 'serial', path: pair.a, reconnectMs: 50, feedbackRetryMs: 200, ...extra };
    transport = new SerialDeviceTransport({ siteId: 'demo', gatewayId: 'gw-1', logger: log.logger, clock: systemClock, sink }, config);
    await transport.start();
  };
  /** Resends come only where a test asks for them (a slow machine must not add any elsewhere). */
  const openReceiver = async (retransmitMs = 60_000) => {
    receiver = await SimulatedSerialReceiver.open({ path: pair.b, retransmitMs, reopenMs: 50 });
    return receiver;
  };
  const up = () => sink.until(() => transport.isUp());

  beforeEach(async () => {
    pair = await PtyPair.create();
    sink = new RecordingSink();
    receiver = null;
    log.records.length = 0;
  });

  afterEach(async () => {
    await receiver?.close();
    await transport?.stop();
    await pair.close();
  });

  it('delivers a press as a DeviceInput and acknowledges it after the input was taken', async () => {
    await startTransport();
    await up();
    const rx = await openReceiver();

    const sent = rx.press('interview-1', { battery: 80 });
    // Usually 1; the RDY answering the receiver's HELLO may cause a resend on a slow machine.
    await sent.acked;
    expect(new Set(sink.inputs.map((i) => i.message.msgId))).toEqual(new Set([sent.msgId]));
    expect(sink.inputs[0]).toEqual({
      deviceId: 'interview-1',
      transport: 'serial',
      message: { v: 1, type: 'press', msgId: `s${sent.seq}-${rx.bootId}`, seq: sent.seq, at: expect.any(String), battery: 80 },
    });
    expect(transport.counters.eventsAcked).toBe(sink.inputs.length);
    expect(transport.canAddress('interview-1')).toBe(true);
    expect(transport.canAddress('never-heard')).toBe(false);
  });

  it('maps every event kind with its arguments', async () => {
    await startTransport();
    await up();
    const rx = await openReceiver();
    await Promise.all([
      rx.send('p-1', 'heartbeat', { battery: 55 }).acked,
      rx.send('p-1', 'cancel', { pin: '4711' }).acked,
      rx.send('p-1', 'man-down').acked,
      rx.send('p-1', 'checkin-start', { until: { inSeconds: 600 } }).acked,
      rx.send('p-1', 'checkout').acked,
    ]);
    const byType = Object.fromEntries(sink.inputs.map((i) => [i.message.type, i.message]));
    expect(byType.heartbeat).toMatchObject({ battery: 55 });
    expect(byType.cancel).toMatchObject({ pin: '4711' });
    expect(byType['man-down']).toBeDefined();
    expect(Date.parse(byType['checkin-start']!.until!) - Date.parse(byType['checkin-start']!.at!)).toBe(600_000);
    expect(byType.checkout).toBeDefined();
  });

  it('gives a retransmission after a lost ACK the same msgId', async () => {
    await startTransport();
    await up();
    const rx = await openReceiver(150);
    rx.loseNextAcks(1);

    const sent = rx.press('interview-1');
    expect(await sent.acked).toBeGreaterThanOrEqual(2);
    expect(sink.inputs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sink.inputs.map((i) => i.message.msgId))).toEqual(new Set([sent.msgId]));
    expect(new Set(sink.inputs.map((i) => i.message.seq))).toEqual(new Set([sent.seq]));
  });

  it('does not acknowledge an event the gateway could not take, and takes the resend', async () => {
    await startTransport();
    await up();
    const rx = await openReceiver(150);
    sink.failFor.add('broken-1');

    const broken = rx.press('broken-1');
    // Other devices behind the same receiver go on meanwhile.
    const others = [rx.press('ok-1'), rx.press('ok-2')];
    await Promise.all(others.map((s) => s.acked));
    await once(rx, 'transmit'); // the unacknowledged press is sent again
    expect(rx.pendingCount()).toBe(1);

    sink.failFor.delete('broken-1');
    expect(await broken.acked).toBeGreaterThan(1);
    expect(new Set(sink.inputs.map((i) => i.deviceId))).toEqual(new Set(['broken-1', 'ok-1', 'ok-2']));
    expect(log.records.some((r) => r.msg === 'serial frame handling failed')).toBe(true);
  });

  it('rejects, counts and logs garbage, bad checksums, oversized and invalid frames, and goes on', async () => {
    await startTransport();
    await up();
    const rx = await openReceiver();
    await rx.writeRaw('\x00\xff\x13line noise\r\n');
    const good = serialLine('TRG,EVT,B00B,7,interview-1,press');
    await rx.writeRaw(good.replace('press', 'pressed'));  // CRC of the original body: wrong
    await rx.writeRaw(`$TRG,HELLO,B00B,${'x'.repeat(400)}\r\n`);
    await rx.writeRaw(serialLine('TRG,EVT,B00B,8,interview-1,explode'));

    await sink.until(() => sink.rejects.length >= 4);
    expect(sink.rejects.map((r) => r.reason)).toEqual(['framing', 'checksum', 'oversized', 'schema']);
    expect(sink.rejects.every((r) => r.transport === 'serial' && r.errors[0]!.startsWith(pair.a))).toBe(true);
    expect(transport.counters.rejected).toEqual({ framing: 1, checksum: 1, oversized: 1, schema: 1 });
    expect(transport.counters.rejsSent).toBe(1);

    const sent = rx.press('interview-1');
    await sent.acked;
    expect(new Set(sink.inputs.map((i) => i.message.msgId))).toEqual(new Set([sent.msgId]));
    await sink.until(() => transport.counters.naksSent === 2);
    expect(transport.counters.naksSent).toBe(2); // CRC and LEN; garbage outside frames is not answered
  });

  it('reconnects when the port disappears and returns, and delivers what was pressed meanwhile', async () => {
    await startTransport();
    await up();
    const rx = await openReceiver(150);
    await rx.press('interview-1').acked;

    await pair.kill();
    await sink.until(() => !transport.isUp());
    const duringOutage = rx.press('interview-2'); // lost on the dead line; the receiver keeps it
    await pair.start();
    await up();
    expect(await duringOutage.acked).toBeGreaterThanOrEqual(2);
    expect(transport.opens).toBe(2);
    expect(sink.links).toEqual([['serial', true], ['serial', false], ['serial', true]]);

    const after = rx.press('interview-3');
    await after.acked;
    expect([...new Set(sink.inputs.map((i) => i.deviceId))]).toEqual(['interview-1', 'interview-2', 'interview-3']);
  });

  it('waits for a port missing at start and logs the outage once, not per retry', async () => {
    await pair.kill();
    await startTransport({ reconnectMs: 20 });
    const retries = () => log.records.filter((r) => r.msg === 'serial port still unavailable').length;
    await new Promise<void>((resolve) => {
      const poll = () => (retries() >= 3 ? resolve() : setTimeout(poll, 10));
      poll();
    });
    expect(transport.isUp()).toBe(false);

    await pair.start();
    await up();
    const rx = await openReceiver();
    await rx.press('interview-1').acked;
    const warned = log.records.filter((r) => r.msg === 'serial port unavailable; retrying until it is back');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ code: 'TRYGG_GW_SERIAL_PORT_UNAVAILABLE', path: pair.a });
    expect(log.records.filter((r) => r.msg === 'serial port open again')).toHaveLength(1);
  });

  it('sends feedback as an LED/vibration frame that reaches the receiver and is confirmed', async () => {
    await startTransport({ devices: ['interview-1'] });
    await up();
    const rx = await openReceiver();
    expect(transport.canAddress('interview-1')).toBe(true);

    const shown = rx.nextFeedback('interview-1');
    await transport.send(command('interview-1', 'help-coming'));
    expect(await shown).toMatchObject({ deviceId: 'interview-1', action: 'help-coming', led: 'green-blink', buzzer: 0, vibration: 2 });
    await waitFor(() => transport.counters.feedbackConfirmed === 1);
    expect(transport.counters.feedbackUnconfirmed).toBe(0);
  });

  it('resends unconfirmed feedback and gives up after its attempts, logging the code', async () => {
    await startTransport({ feedbackRetryMs: 20, feedbackAttempts: 3 });
    await up();
    // Nobody on the other end: the frames go out but are never confirmed.
    await transport.send(command('interview-1', 'received'));
    await waitFor(() => transport.counters.feedbackUnconfirmed === 1);
    expect(log.records.filter((r) => r.code === 'TRYGG_GW_SERIAL_FEEDBACK_UNCONFIRMED')).toHaveLength(1);
  });

  it('refuses feedback while the port is down, with the port named', async () => {
    await pair.kill();
    await startTransport();
    await expect(transport.send(command('interview-1', 'received'))).rejects.toThrow(/TRYGG_GW_SERIAL_PORT_UNAVAILABLE.*port is not open/);
  });
});

/** Waits for a condition that no event announces (a counter moved by a reply from the line). */
function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 5));
    poll();
  });
}
