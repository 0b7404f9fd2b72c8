import { encodeSerialFrame, SerialFrameDecoder } from '@trygg/protocol';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli/cli-args';
import { runCli } from './cli/run-cli';
import { PtyPair } from './serial-pty-pair';

describe('sim serial: arguments', () => {
  it('parses an event with its options', () => {
    expect(parseCliArgs(['serial', '--port', '/dev/pts/4', 'press', 'interview-1'])).toEqual({
      ok: true,
      command: { kind: 'serial', port: '/dev/pts/4', baudRate: 9600, event: 'press', deviceId: 'interview-1', options: {}, waitSeconds: 3 },
    });
    const parsed = parseCliArgs(['serial', 'checkin-start', 'p-1', '--port', 'x', '--until', '+600', '--battery', '40', '--baud', '19200']);
    expect(parsed).toMatchObject({ ok: true, command: { event: 'checkin-start', baudRate: 19200, options: { until: { inSeconds: 600 }, battery: 40 } } });
    expect(parseCliArgs(['serial', 'cancel', 'p-1', '--port', 'x', '--pin', '4711'])).toMatchObject({ ok: true, command: { options: { pin: '4711' } } });
    expect(parseCliArgs(['serial', '--help'])).toEqual({ ok: true, command: { kind: 'help' } });
  });

  it('says what is wrong in one line', () => {
    const error = (argv: string[]) => (parseCliArgs(argv) as { error: string }).error;
    expect(error(['serial', 'press', 'interview-1'])).toMatch(/--port <path> is required/);
    expect(error(['serial', '--port', 'x', 'explode', 'd'])).toMatch(/unknown event "explode"/);
    expect(error(['serial', '--port', 'x', 'press'])).toMatch(/missing <deviceId>/);
    expect(error(['serial', '--port', 'x', 'press', 'Bad'])).toMatch(/not a valid device id/);
    expect(error(['serial', '--port', 'x', 'checkin-start', 'd'])).toMatch(/needs --until/);
    expect(error(['serial', '--port', 'x', 'press', 'd', '--pin', '1234'])).toMatch(/--pin goes with the cancel event only/);
    expect(error(['serial', '--port', 'x', 'press', 'd', '--battery', '101'])).toMatch(/--battery/);
    expect(error(['serial', '--port', 'x', 'press', 'd', '--bogus'])).toMatch(/unknown option "--bogus"/);
  });
});

describe('sim serial: a run against a gateway end on a socat pty pair (socat required; CI installs it)', () => {
  let pair: PtyPair | null = null;
  let gw: SerialPort | null = null;

  afterEach(async () => {
    if (gw?.isOpen) await new Promise((resolve) => gw!.close(resolve));
    await pair?.close();
  });

  /** A minimal gateway: answers every event with `answer` (ACK + feedback, or REJ). */
  async function gateway(answer: 'ack' | 'rej'): Promise<void> {
    pair = await PtyPair.create();
    const port = new SerialPort({ path: pair.a, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    gw = port;
    const decoder = new SerialFrameDecoder();
    port.on('data', (chunk: Buffer) => {
      for (const d of decoder.push(chunk)) {
        if (!d.ok || d.frame.type !== 'EVT') continue;
        const { boot, seq, deviceId } = d.frame;
        if (answer === 'rej') {
          port.write(encodeSerialFrame({ type: 'REJ', boot, seq }));
          continue;
        }
        port.write(encodeSerialFrame({ type: 'ACK', boot, seq }));
        port.write(encodeSerialFrame({ type: 'FB', fbSeq: 1, deviceId, action: 'resolved', led: 'green-on', buzzer: 0, vibration: 0 }));
      }
    });
  }

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), interrupted: () => new Promise<void>(() => {}) } };
  };

  it('prints the ACK and the feedback, and exits 0', async () => {
    await gateway('ack');
    const t = io();
    expect(await runCli(['serial', '--port', pair!.b, 'press', 'interview-1', '--wait', '30'], {}, t.io)).toBe(0);
    expect(t.out.join('\n')).toMatch(/interview-1: press sent \(seq 1, msg s1-[0-9A-F]{8}\)/);
    expect(t.out.join('\n')).toMatch(/acknowledged by the gateway after \d+ transmission/);
    expect(t.out.join('\n')).toMatch(/interview-1: resolved \(LED green-on, vibration 0, buzzer 0\)/);
    expect(t.err).toEqual([]);
  });

  it('exits 1 with a clear line when the gateway refuses the frame', async () => {
    await gateway('rej');
    const t = io();
    expect(await runCli(['serial', '--port', pair!.b, 'press', 'interview-1'], {}, t.io)).toBe(1);
    expect(t.err).toEqual(['error: the gateway refused the frame (REJ); see the gateway log for the reason']);
  });

  it('exits 1 naming the port when it cannot be opened', async () => {
    pair = await PtyPair.create({ start: false });
    const t = io();
    expect(await runCli(['serial', '--port', `${pair.dir}/nope`, 'press', 'interview-1'], {}, t.io)).toBe(1);
    expect(t.err[0]).toMatch(/^error: cannot open serial port .*nope/);
  });
});
