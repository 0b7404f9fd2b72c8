/**
 * The simulated serial receiver against a bare "gateway" end of a socat pty pair (socat must be
 * installed; CI installs it).
 */
import { encodeSerialFrame, SerialFrameDecoder, type SerialFrame } from '@trygg/protocol';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PtyPair } from '../serial-pty-pair';
import { SimulatedSerialReceiver } from './serial-receiver';

/** The gateway's end of the line: records decoded frames and writes frames back. */
class LineEnd {
  readonly frames: SerialFrame[] = [];
  private readonly decoder = new SerialFrameDecoder();
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      for (const d of this.decoder.push(chunk)) if (d.ok) this.frames.push(d.frame);
      this.waiters = this.waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
    });
  }

  static async open(path: string): Promise<LineEnd> {
    const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    return new LineEnd(port);
  }

  of<T extends SerialFrame['type']>(type: T): Extract<SerialFrame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<SerialFrame, { type: T }> => f.type === type);
  }

  until(check: () => boolean): Promise<void> {
    return check() ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  send(frame: SerialFrame): void {
    this.port.write(encodeSerialFrame(frame));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}

describe('simulated serial receiver', () => {
  let pair: PtyPair;
  let gw: LineEnd;
  let rx: SimulatedSerialReceiver;

  beforeEach(async () => {
    pair = await PtyPair.create();
    gw = await LineEnd.open(pair.a);
    rx = await SimulatedSerialReceiver.open({ path: pair.b, bootId: 'C0FFEE', info: 'sim', retransmitMs: 100 });
  });

  afterEach(async () => {
    await rx.close();
    await gw.close();
    await pair.close();
  });

  it('announces its boot and resends an event with the same seq until it is acknowledged', async () => {
    const sent = rx.press('interview-1');
    expect(sent.msgId).toBe(`s${sent.seq}-C0FFEE`);
    await gw.until(() => gw.of('EVT').length >= 2);
    expect(gw.of('HELLO')).toEqual([{ type: 'HELLO', boot: 'C0FFEE', info: 'sim' }]);
    expect(new Set(gw.of('EVT').map((f) => f.seq))).toEqual(new Set([sent.seq]));

    gw.send({ type: 'ACK', boot: 'C0FFEE', seq: sent.seq });
    expect(await sent.acked).toBeGreaterThanOrEqual(2);
    expect(rx.pendingCount()).toBe(0);
  });

  it('ignores ACKs of another boot and stops resending a refused event', async () => {
    const sent = rx.press('interview-1');
    gw.send({ type: 'ACK', boot: 'OLD', seq: sent.seq });
    gw.send({ type: 'REJ', boot: 'C0FFEE', seq: sent.seq });
    await sent.refused;
    expect(rx.pendingCount()).toBe(0);
  });

  it('resends at once on NAK', async () => {
    const sent = rx.press('interview-1');
    await gw.until(() => gw.of('EVT').length === 1);
    const nak = new Promise((resolve) => rx.once('nak', resolve));
    gw.send({ type: 'NAK', reason: 'CRC' });
    expect(await nak).toBe('CRC');
    await gw.until(() => gw.of('EVT').length >= 2);
    gw.send({ type: 'ACK', boot: 'C0FFEE', seq: sent.seq });
    await sent.acked;
  });

  it('shows feedback once and confirms every copy', async () => {
    const shown: unknown[] = [];
    rx.on('feedback', (fb) => shown.push(fb));
    const fb: SerialFrame = { type: 'FB', fbSeq: 5, deviceId: 'interview-1', action: 'resolved', led: 'green-on', buzzer: 0, vibration: 0 };
    gw.send(fb);
    gw.send(fb);
    await gw.until(() => gw.of('FBACK').length === 2);
    expect(gw.of('FBACK')).toEqual([{ type: 'FBACK', fbSeq: 5 }, { type: 'FBACK', fbSeq: 5 }]);
    expect(shown).toEqual([{ fbSeq: 5, deviceId: 'interview-1', action: 'resolved', led: 'green-on', buzzer: 0, vibration: 0 }]);
  });

  it('reopens its port when the line comes back and resends what is pending', async () => {
    const down = new Promise((resolve) => rx.once('link', resolve));
    await gw.close();
    await pair.kill();
    expect(await down).toBe(false);
    const sent = rx.press('interview-1');
    await pair.start();
    gw = await LineEnd.open(pair.a);
    await gw.until(() => gw.of('EVT').length >= 1);
    gw.send({ type: 'ACK', boot: 'C0FFEE', seq: sent.seq });
    await sent.acked;
    expect(rx.isOpen()).toBe(true);
  });

  it('fails clearly when the port does not exist', async () => {
    await expect(SimulatedSerialReceiver.open({ path: `${pair.dir}/missing` })).rejects.toThrow(/cannot open serial port .*missing/);
  });
});
