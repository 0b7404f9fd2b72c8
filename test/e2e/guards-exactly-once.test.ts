import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, login } from '../support/console-client';
import { Dc09Receiver, type ReceivedFrame } from '../support/dc09-receiver';
import { freePort } from '../support/free-port';
import { fetchMetric } from '../support/prometheus-text';
import { TryggProcess } from '../support/trygg-process';

/**
 * The guards get each message once and in order (issue: 10+ panic events for one alarm), with
 * TRYGG_DEMO_ARC pointing, out of the box, at a receiver that answers as pysiaalarm does
 * (`"ACK"<seq>NoneL0#1234[]`, bare `"NAK"`): the demo office, nobody online, so the guards' step
 * comes at once.
 */
describe('exactly once, in order, to a receiver that answers as pysiaalarm', () => {
  let dir: string;
  let trygg: TryggProcess;
  let arc: Dc09Receiver;
  let arcPort: number;
  let sim: DeviceSimulator;
  let cookie: string;

  const panic = (frames: ReceivedFrame[]) => frames.filter((f) => f.id === 'SIA-DCS' && /\/PA\d/.test(f.data ?? ''));
  const restore = (frames: ReceivedFrame[]) => frames.filter((f) => f.id === 'SIA-DCS' && /\/PH\d/.test(f.data ?? ''));

  async function openAlarmOf(deviceId: string): Promise<string> {
    return eventually(async () => {
      const body = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms?state=open`, { headers: { cookie } })).json()) as { alarms: { id: string; deviceId: string }[] };
      return body.alarms.find((a) => a.deviceId === deviceId)?.id;
    }, 10_000, `open alarm of ${deviceId}`);
  }

  async function sentState(alarmId: string): Promise<string[]> {
    const d = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms/${alarmId}`, { headers: { cookie } })).json()) as { sent: { target: string; state: string }[] };
    return d.sent.filter((s) => s.target === 'demo-guards').map((s) => s.state);
  }

  async function resolve(alarmId: string): Promise<void> {
    const res = await fetch(`${trygg.baseUrl}/api/v1/alarms/${alarmId}/resolve`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'false' }),
    });
    expect(res.ok).toBe(true);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-once-'));
    arcPort = await freePort();
    arc = await new Dc09Receiver({ port: arcPort, udp: false, style: 'pysiaalarm' }).start();
    trygg = new TryggProcess({
      dataDir: join(dir, 'data'), configFile: '', httpPort: await freePort(), mqttPort: await freePort(),
      env: { TRYGG_CONFIG: '', TRYGG_DEMO_ARC: `127.0.0.1:${arcPort}`, TRYGG_DEMO_FAST: '1' },
    });
    await trygg.start();
    sim = await connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
    cookie = await login(trygg.baseUrl, 'manager');
  });

  afterAll(async () => {
    await sim?.close();
    await trygg?.stop();
    await arc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one unanswered alarm: 1 alarm frame, then on resolve 1 restore frame, both ACKed, no repeats', async () => {
    await sim.press('interview-1');
    const alarmId = await openAlarmOf('interview-1');
    await eventually(async () => ((await sentState(alarmId)).includes('delivered') ? true : undefined), 20_000, 'alarm delivered to the guards');
    await resolve(alarmId);
    await eventually(() => (restore(arc.frames).length > 0 ? true : undefined), 20_000, 'restore at the ARC');
    await eventually(async () => ((await sentState(alarmId)).every((s) => s === 'delivered') ? true : undefined), 20_000, 'restore delivered');
    expect(panic(arc.frames).map((f) => f.answer)).toEqual(['ACK']);
    expect(restore(arc.frames).map((f) => f.answer)).toEqual(['ACK']);
    // The receiver answered in its own style: no receiver number -> the literal None.
    expect(arc.frames[0]!.receiver).toBeUndefined();
    const repeats = await fetchMetric(trygg.baseUrl, 'trygg_dc09_repeats_total');
    const acked = await fetchMetric(trygg.baseUrl, 'trygg_dc09_frames_total', { answer: 'ACK' });
    expect(repeats).toBe(0);
    expect(acked).toBe(2);
    console.log(`[figure] one unanswered demo alarm: receiver saw ${panic(arc.frames).length} alarm frame(s) + ${restore(arc.frames).length} restore frame(s); trygg_dc09_repeats_total ${repeats}`);
  });

  it('receiver down: press, resolve, receiver up -> the alarm reaches it before its restore', async () => {
    await arc.stop();
    await sim.press('interview-2');
    const alarmId = await openAlarmOf('interview-2');
    const guards = async () => {
      const d = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms/${alarmId}`, { headers: { cookie } })).json()) as { sent: { target: string; purpose: string; attempts: number; state: string }[] };
      return d.sent.filter((s) => s.target === 'demo-guards');
    };
    // Two attempts failed (connection refused): the alarm's next retry is a few seconds away, while
    // a restore sent on its own would be retried after one second — and arrive first.
    await eventually(async () => ((await guards()).some((s) => s.purpose === 'alarm' && s.attempts >= 2 && s.state === 'pending') ? true : undefined), 15_000, 'two failed attempts');
    await resolve(alarmId);
    await eventually(async () => ((await guards()).some((s) => s.purpose === 'restore') ? true : undefined), 10_000, 'restore stored');
    arc = await new Dc09Receiver({ port: arcPort, udp: false, style: 'pysiaalarm' }).start();
    await eventually(() => (restore(arc.frames).length > 0 ? true : undefined), 60_000, 'restore at the ARC');
    // A fresh receiver on the same port: everything it saw is about this alarm.
    const order = arc.frames.filter((f) => /\/P[AH]\d/.test(f.data ?? '')).map((f) => (/\/PA/.test(f.data!) ? 'alarm' : 'restore'));
    expect(order).toEqual(['alarm', 'restore']);
    expect(arc.frames.every((f) => f.answer === 'ACK')).toBe(true);
  });
});
