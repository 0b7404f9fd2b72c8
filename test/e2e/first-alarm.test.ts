import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceCommand } from '@trygg/protocol';
import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, eventually, login } from '../support/console-client';
import { freePort } from '../support/free-port';
import { writeTestOffice } from '../support/office-config';
import { TryggProcess } from '../support/trygg-process';

/**
 * The spine, end to end on real parts: simulator -> MQTT -> embedded gateway (durable outbox) ->
 * embedded aedes broker -> server (SQLite) -> WebSocket consoles, and feedback back to the device.
 * Chain: back office at once, manager's console after 1 s.
 */
describe('first alarm, end to end', () => {
  let dir: string;
  let trygg: TryggProcess;
  let sim: DeviceSimulator;
  let backoffice: ConsoleClient;
  let reception: ConsoleClient;
  let manager: ConsoleClient;
  const feedback: { deviceId: string; command: DeviceCommand }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-e2e-'));
    trygg = new TryggProcess({ dataDir: join(dir, 'data'), configFile: writeTestOffice(dir, 1), httpPort: await freePort(), mqttPort: await freePort() });
    await trygg.start();
    backoffice = await ConsoleClient.open(trygg.baseUrl, 'backoffice');
    reception = await ConsoleClient.open(trygg.baseUrl, 'reception');
    manager = await ConsoleClient.open(trygg.baseUrl, 'manager-office', 'manager');
    sim = await connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
    sim.onFeedback((deviceId, command) => feedback.push({ deviceId, command }));
  });

  afterAll(async () => {
    backoffice?.close();
    reception?.close();
    manager?.close();
    await sim?.close();
    await trygg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('press reception-desk: back office pops up, reception (the alarm\'s own zone) stays silent, the device hears "received"', async () => {
    await sim.press('reception-desk');
    const popup = await backoffice.waitForPopup((a) => a.deviceId === 'reception-desk');
    expect(popup).toMatchObject({ kind: 'panic', state: 'raised', roomId: 'reception', roomName: 'Mottak', siteId: 'demo' });
    await eventually(() => feedback.find((f) => f.deviceId === 'reception-desk' && f.command.action === 'received'), 5000, 'received feedback');

    // Acknowledging from the back office sends "help coming" to the button.
    backoffice.send({ type: 'acknowledge', alarmId: popup.id });
    await eventually(() => feedback.find((f) => f.deviceId === 'reception-desk' && f.command.action === 'help-coming'), 5000, 'help-coming feedback');
    await backoffice.waitFor(() => backoffice.messages.some((m) => m.type === 'update' && m.alarm.id === popup.id && m.alarm.state === 'acknowledged'));

    // Acknowledged in time: the chain stops, the manager is not disturbed.
    await new Promise((r) => setTimeout(r, 1500));
    expect(manager.popups().filter((a) => a.id === popup.id)).toEqual([]);
    expect(reception.messages.filter((m) => m.type !== 'welcome')).toEqual([]);

    const cookie = await login(trygg.baseUrl, 'manager');
    const res = await fetch(`${trygg.baseUrl}/api/v1/alarms?state=open`, { headers: { cookie } });
    const body = (await res.json()) as { alarms: Record<string, unknown>[] };
    expect(body.alarms).toContainEqual(expect.objectContaining({
      id: popup.id, kind: 'panic', state: 'acknowledged', deviceId: 'reception-desk', roomId: 'reception', siteId: 'demo', raisedAt: popup.raisedAt,
    }));
  });

  it('nobody acknowledges: the next step of the chain reaches the manager\'s console, still not reception', async () => {
    await sim.press('interview-2');
    const first = await backoffice.waitForPopup((a) => a.deviceId === 'interview-2');
    const escalated = await manager.waitForPopup((a) => a.id === first.id, 10_000);
    expect(escalated.roomId).toBe('interview-2');

    const cookie = await login(trygg.baseUrl, 'manager');
    const detail = (await (await fetch(`${trygg.baseUrl}/api/v1/alarms/${first.id}`, { headers: { cookie } })).json()) as {
      timeline: { type: string; step?: number; at: string }[];
    };
    const steps = detail.timeline.filter((e) => e.type === 'step-notified');
    expect(steps.map((s) => s.step)).toEqual([0, 1]);
    expect(Date.parse(steps[1]!.at) - Date.parse(steps[0]!.at)).toBeGreaterThanOrEqual(1000);

    // "I'm coming" from the manager, then resolve: consoles are cleared, the device hears it.
    manager.send({ type: 'respond', alarmId: first.id });
    await backoffice.waitFor(() => backoffice.messages.some((m) => m.type === 'update' && m.alarm.id === first.id && m.alarm.responders.includes('Mona Leiar')));
    manager.send({ type: 'resolve', alarmId: first.id, outcome: 'false' });
    await backoffice.waitFor(() => backoffice.messages.some((m) => m.type === 'clear' && m.alarmId === first.id));
    await eventually(() => feedback.find((f) => f.deviceId === 'interview-2' && f.command.action === 'resolved'), 5000, 'resolved feedback');
    expect(reception.messages.filter((m) => m.type !== 'welcome')).toEqual([]);
  });

  it('repeated presses fold into the open alarm: one pop-up, a press count', async () => {
    await sim.press('interview-3');
    const popup = await backoffice.waitForPopup((a) => a.deviceId === 'interview-3');
    await sim.press('interview-3');
    await sim.press('interview-3');
    await backoffice.waitFor(() => backoffice.messages.some((m) => m.type === 'update' && m.alarm.id === popup.id && m.alarm.pressCount === 3));
    expect(backoffice.popups().filter((a) => a.deviceId === 'interview-3')).toHaveLength(1);
  });

  it('a console that reconnects gets every open alarm routed to it', async () => {
    await sim.press('interview-1');
    const popup = await backoffice.waitForPopup((a) => a.deviceId === 'interview-1');
    const before = backoffice.popups().length;
    await backoffice.reconnect();
    const welcomes = () => backoffice.messages.filter((m) => m.type === 'welcome');
    await backoffice.waitFor(() => welcomes().length === 2);
    const welcome = welcomes()[1] as { openAlarms: number };
    // Every open alarm routed here comes again after the welcome: the two still open before, and this one.
    expect(welcome.openAlarms).toBe(3);
    await backoffice.waitFor(() => backoffice.popups().length === before + welcome.openAlarms);
    expect(backoffice.popups().slice(before).map((a) => a.id)).toContain(popup.id);
  });
});
