import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, eventually, login } from '../support/console-client';
import { Dc09Receiver } from '../support/dc09-receiver';
import { freePort } from '../support/free-port';
import { TryggProcess } from '../support/trygg-process';

/**
 * The README's escalation demo, end to end: the demo office (no TRYGG_CONFIG) with
 * TRYGG_DEMO_ARC pointing at a SIA DC-09 receiver written from the standard, and TRYGG_DEMO_FAST.
 */
describe('escalation to the guards (SIA DC-09), demo office', () => {
  let dir: string;
  let trygg: TryggProcess;
  let arc: Dc09Receiver;
  let sim: DeviceSimulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-arc-'));
    arc = await new Dc09Receiver({ port: await freePort(), udp: false }).start();
    trygg = new TryggProcess({
      dataDir: join(dir, 'data'), configFile: '', httpPort: await freePort(), mqttPort: await freePort(),
      env: { TRYGG_CONFIG: '', TRYGG_DEMO_ARC: `127.0.0.1:${arc.port}`, TRYGG_DEMO_FAST: '1' },
    });
    await trygg.start();
    sim = await connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
  });

  afterAll(async () => {
    await sim?.close();
    await trygg?.stop();
    await arc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('small office, nobody online: the alarm goes straight to the guards, no timeout waited', async () => {
    await sim.press('interview-1');
    const frame = await eventually(() => arc.frames.find((f) => f.id === 'SIA-DCS' && f.data?.includes('PA')), 15_000, 'panic frame at the ARC');
    expect(frame).toMatchObject({ account: '1234', answer: 'ACK' });
    const cookie = await login(trygg.baseUrl, 'manager');
    const alarms = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms?state=open`, { headers: { cookie } })).json()) as { alarms: { id: string; deviceId: string }[] };
    const alarm = alarms.alarms.find((a) => a.deviceId === 'interview-1')!;
    const detail = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms/${alarm.id}`, { headers: { cookie } })).json()) as { timeline: { type: string; reason?: string }[] };
    expect(detail.timeline.filter((e) => e.type === 'step-skipped').map((e) => e.reason)).toEqual(['nobody-online', 'nobody-online', 'nobody-online']);
    // The action card can tell the responder what has already been sent, and whether it arrived.
    const sent = (detail as unknown as { sent: { target: string; party: string; state: string }[] }).sent;
    await eventually(async () => {
      const d = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms/${alarm.id}`, { headers: { cookie } })).json()) as { sent: { target: string; party: string; state: string }[] };
      return d.sent.find((s) => s.target === 'demo-guards' && s.state === 'delivered');
    }, 10_000, 'delivery recorded');
    expect(sent.map((s) => s.party)).toContain('guards');

    // Resolving sends the restore to the guards.
    await fetch(`${trygg.baseUrl}/api/v1/alarms/${alarm.id}/resolve`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'false' }) });
    await eventually(() => arc.frames.find((f) => f.data?.includes('PH')), 15_000, 'restore frame at the ARC');
  });

  it('with a colleague online who does not answer: the chain climbs (5 s steps) and reaches the guards', async () => {
    const backoffice = await ConsoleClient.open(trygg.baseUrl, 'backoffice');
    try {
      const before = arc.frames.length;
      await sim.press('interview-2');
      await backoffice.waitForPopup((a) => a.deviceId === 'interview-2');
      const frame = await eventually(() => arc.frames.slice(before).find((f) => f.data?.includes('PA')), 30_000, 'escalated panic frame');
      expect(frame.answer).toBe('ACK');
      const cookie = await login(trygg.baseUrl, 'manager');
      const open = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms?state=open`, { headers: { cookie } })).json()) as { alarms: { id: string; deviceId: string }[] };
      const id = open.alarms.find((a) => a.deviceId === 'interview-2')!.id;
      const detail = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms/${id}`, { headers: { cookie } })).json()) as { timeline: { type: string; step?: number; at: string }[] };
      const notified = detail.timeline.filter((e) => e.type === 'step-notified');
      expect(notified[0]!.step).toBe(0);
      // Each later step waited its (fast) 5 s after the previous one reached someone.
      const guardsStep = notified.at(-1)!;
      expect(Date.parse(guardsStep.at) - Date.parse(notified[0]!.at)).toBeGreaterThanOrEqual(5000);
    } finally {
      backoffice.close();
    }
  });
});
