import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleServerMessage } from '@trygg/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../support/console-client';
import { freePort } from '../support/free-port';
import { writeTestOffice } from '../support/office-config';
import { TryggProcess } from '../support/trygg-process';

/**
 * The person who pressed a console's panic button hears what a hardware button's LED would say
 * (issue 12), on that station only: stored, someone is coming, over; and again after a reconnect.
 * Real server process, real WebSockets, SQLite.
 */
describe('feedback to the station whose panic button raised the alarm', () => {
  let dir: string;
  let trygg: TryggProcess;
  let reception: ConsoleClient;
  let receptionSecondTab: ConsoleClient;
  let backoffice: ConsoleClient;
  let manager: ConsoleClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-panic-feedback-'));
    trygg = new TryggProcess({ dataDir: join(dir, 'data'), configFile: writeTestOffice(dir, 60), httpPort: await freePort(), mqttPort: await freePort() });
    await trygg.start();
    reception = await ConsoleClient.open(trygg.baseUrl, 'reception');
    receptionSecondTab = await ConsoleClient.open(trygg.baseUrl, 'reception');
    backoffice = await ConsoleClient.open(trygg.baseUrl, 'backoffice');
    manager = await ConsoleClient.open(trygg.baseUrl, 'manager-office', 'manager');
  }, 60_000);

  afterAll(async () => {
    for (const c of [reception, receptionSecondTab, backoffice, manager]) c?.close();
    await trygg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const feedbackOf = (c: ConsoleClient) => c.messages.flatMap((m) => (m.type === 'panic-feedback' ? [m] : []));
  const has = (c: ConsoleClient, alarmId: string, action: string) => () => feedbackOf(c).some((m) => m.alarmId === alarmId && m.action === action);

  it('stored, then "help coming" on acknowledge, then over: to the pressing station only, never to the responders', async () => {
    reception.send({ type: 'panic' });
    await reception.waitFor(() => reception.messages.some((m) => m.type === 'panic-ack'));
    const ack = reception.messages.find((m) => m.type === 'panic-ack') as Extract<ConsoleServerMessage, { type: 'panic-ack' }>;
    const alarmId = ack.alarmId;
    // Stored: the station hears "received" (every tab of it), the back office gets the pop-up.
    await reception.waitFor(has(reception, alarmId, 'received'));
    await receptionSecondTab.waitFor(has(receptionSecondTab, alarmId, 'received'));
    const popup = await backoffice.waitForPopup((a) => a.id === alarmId);
    expect(popup).toMatchObject({ kind: 'panic', roomId: 'reception' });

    backoffice.send({ type: 'acknowledge', alarmId });
    await reception.waitFor(has(reception, alarmId, 'help-coming'));
    await receptionSecondTab.waitFor(has(receptionSecondTab, alarmId, 'help-coming'));
    // "Jeg kommer" after the acknowledge changes nothing the presser needs to hear twice.
    backoffice.send({ type: 'respond', alarmId });
    await backoffice.waitFor(() => backoffice.messages.some((m) => m.type === 'update' && m.alarm.id === alarmId && m.alarm.state === 'responding'));
    expect(feedbackOf(reception).map((m) => m.action)).toEqual(['received', 'help-coming']);

    // A reconnecting presser learns again where its alarm stands, right after the welcome.
    await reception.reconnect();
    await reception.waitFor(() => feedbackOf(reception).length === 3);
    expect(feedbackOf(reception)[2]).toEqual({ type: 'panic-feedback', alarmId, action: 'help-coming' });
    const types = reception.messages.map((m) => m.type);
    expect(types.lastIndexOf('panic-feedback')).toBeGreaterThan(types.lastIndexOf('welcome'));

    backoffice.send({ type: 'resolve', alarmId, outcome: 'real' });
    await reception.waitFor(has(reception, alarmId, 'resolved'));
    // Nobody else ever hears it: not the responders, not the manager; and the pressing station
    // never gets its own alarm as a pop-up.
    for (const other of [backoffice, manager]) expect(feedbackOf(other)).toEqual([]);
    expect(reception.popups().filter((a) => a.id === alarmId)).toEqual([]);
  });
});
