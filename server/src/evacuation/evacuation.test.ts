import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, type ConsoleServerMessage } from '@trygg/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { bootEvacuation, evacuationConfig, login, rejectNumber, startFarEnds, type EvacuationOffice, type FarEnds } from './evacuation-test-harness';
import type { RollCallPerson } from './evacuation-views';

/**
 * Scenario 5 as a timeline: a security contact or a fire input starts an evacuation; every
 * person registered at the site gets SMS, a voice call and e-mail, every console of the site the
 * banner; people answer "I'm safe" by console button, SMS reply or keypress; the roll call shows
 * who is safe, who has not answered and who could not be reached; the manager ends it.
 */
let ends: FarEnds;
let dir: string;
let clock: FakeClock;
let office: EvacuationOffice;

beforeAll(async () => {
  ends = await startFarEnds();
});
afterAll(async () => {
  await ends.close();
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trygg-evacuation-'));
  clock = new FakeClock();
  ends.mail.length = 0;
  ends.cap.length = 0;
  ends.badMail.clear();
  office = await bootEvacuation(dir, clock, evacuationConfig(ends));
});
afterEach(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

const phoneOf = (username: string) => office.directory.user(username)!.phone!;
const smsTo = (username: string) => office.sms.delivered().filter((m) => m.to === phoneOf(username));
const callsTo = (username: string) => office.voice.delivered().filter((m) => m.to === phoneOf(username));

async function startEvacuation(body: object = {}, as = 'manager') {
  const cookie = await login(office.app, as);
  const res = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/evacuations', headers: { cookie }, payload: body });
  return { res, cookie, body: res.json() as { created: boolean; evacuation: { id: string; alarmId: string; drill: boolean } } };
}

async function rollCall(id: string, cookie: string) {
  const res = await office.app.inject({ method: 'GET', url: `/api/v1/evacuations/${id}`, headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { people: RollCallPerson[]; counts: Record<string, number>; parties: { target: string; state: string }[] };
}

/** Waits until every message of the start went out (the provider and servers answer on real I/O). */
async function allSent(sms = 5, voice = 5, mail = 3, cap = 2) {
  await vi.waitFor(() => {
    expect(office.sms.delivered()).toHaveLength(sms);
    expect(office.voice.delivered()).toHaveLength(voice);
    expect(ends.mail).toHaveLength(mail);
    expect(ends.cap).toHaveLength(cap);
  }, { timeout: 10_000, interval: 20 });
}

const banners = (messages: ConsoleServerMessage[]) => messages.filter((m) => m.type === 'evacuation');

describe('evacuation', () => {
  it('started over the API: SMS, voice and e-mail to everyone registered, the banner on every console, CAP to the receivers', async () => {
    const back = await office.console('backoffice', 'kollega');
    const reception = await office.console('reception', 'admin'); // the admin of every site, here today
    const managerPc = await office.console('manager-office', 'manager');

    const { res, cookie, body } = await startEvacuation({ message: 'Brann i 2. etasje' });
    expect(res.statusCode, res.body).toBe(201);
    const { id, alarmId } = body.evacuation;

    // Every console of the site, the reception too: the origin-zone silence does not apply.
    for (const c of [back, reception, managerPc]) {
      const [banner] = banners(c.messages);
      expect(banner?.type === 'evacuation' && banner.evacuation).toMatchObject({
        id, siteId: 'demo', drill: false, state: 'running', assemblyPoint: { nb: 'Parkeringsplassen bak bygget' },
      });
      expect(banner?.type === 'evacuation' && banner.evacuation.banner.nb).toBe(
        'EVAKUERING: Forlat bygget nå via nærmeste nødutgang. Gå til møteplassen: Parkeringsplassen bak bygget. Brann i 2. etasje');
    }

    await allSent();
    for (const who of ['manager', 'kollega', 'per', 'anne', 'admin']) {
      expect(smsTo(who), who).toHaveLength(1);
      expect(callsTo(who), who).toHaveLength(1);
    }
    expect(smsTo('per')[0]!.text).toBe([
      'EVAKUERING Demokontoret: Forlat bygget nå via nærmeste nødutgang. Møteplass: Parkeringsplassen bak bygget. Brann i 2. etasje',
      'Svar TRYGG OK hvis du er i sikkerhet.', `Ref ${alarmId}`,
    ].join('\n'));
    expect(smsTo('kollega')[0]!.text).toContain('Assembly point: The car park behind the building');
    expect(callsTo('per')[0]!.text).toMatch(/^Dette er Trygg\. Evakuering av Demokontoret\. .*møteplassen: Parkeringsplassen bak bygget\. .*Trykk 1 hvis du er i sikkerhet/);
    expect(ends.mail.map((m) => m.to).sort()).toEqual(['kollega@demo.example.org', 'manager@demo.example.org', 'per@demo.example.org']);
    const perMail = ends.mail.find((m) => m.to === 'per@demo.example.org')!;
    expect(perMail.subject).toContain('EVAKUERING');
    expect(perMail.text).toContain('gå til møteplassen: Parkeringsplassen bak bygget');
    expect(ends.cap.map((c) => c.path).sort()).toEqual(['/guards', '/police']);
    expect(ends.cap[0]!.body).toContain('<status>Actual</status>');
    expect(ends.cap[0]!.body).toContain('<responseType>Evacuate</responseType>');

    // The evacuation's alarm: stored, in the alarm list, routed like every alarm.
    const alarm = await office.store.getAlarm(alarmId);
    // Its starter is in charge: acknowledged and on scene, so its chain stops.
    expect(alarm).toMatchObject({ kind: 'evacuation', drill: false, state: 'acknowledged', acknowledgedBy: { username: 'manager' }, detail: { note: 'Mona Leiar: Brann i 2. etasje' } });
    expect(alarm?.onSceneAt).toBeDefined();

    // One running evacuation per site: a second start returns it.
    const again = await startEvacuation({ drill: true }, 'manager');
    expect(again.res.statusCode).toBe(200);
    expect(again.body).toMatchObject({ created: false, evacuation: { id, drill: false } });

    const view = await rollCall(id, cookie);
    expect(view.counts).toEqual({ total: 5, safe: 0, needsHelp: 0, unanswered: 5, unreached: 0 });
    expect(view.parties).toEqual([{ target: 'cap-guards', channel: 'cap', state: 'delivered' }, { target: 'cap-police', channel: 'cap', state: 'delivered' }].sort((a, b) => a.target.localeCompare(b.target)));
    const kari = view.people.find((p) => p.username === 'kollega')!;
    expect(kari.channels.map((c) => `${c.channel}:${c.state}`).sort()).toEqual(['console:delivered', 'email:delivered', 'sms:delivered', 'voice:delivered']);
    const metrics = await office.metrics.registry.getSingleMetricAsString('trygg_evacuation_fanout_seconds');
    expect(metrics).toContain('trygg_evacuation_fanout_seconds_count{drill="false"} 1');
  });

  it('roll call: SMS reply, voice keypress, console button and REST each mark that person safe; managers see it live', async () => {
    const managerPc = await office.console('manager-office', 'manager');
    const { body, cookie } = await startEvacuation();
    const { id } = body.evacuation;
    await allSent(4, 4, 3, 2);

    office.sms.reply(smsTo('per')[0]!.id, 'TRYGG OK');
    office.voice.reply(callsTo('anne')[0]!.id, '1');
    // Unclear answers are no answer: "not OK" must never count as safe.
    office.sms.reply(smsTo('manager')[0]!.id, 'TRYGG IKKE OK');

    // The console button, over the real console WebSocket.
    const kariCookie = await login(office.app, 'kollega');
    const ws = await office.app.injectWS('/ws/console', { headers: { cookie: kariCookie } });
    const received: ConsoleServerMessage[] = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data)) as ConsoleServerMessage));
    ws.send(JSON.stringify({ type: 'hello', stationId: 'backoffice' }));
    await vi.waitFor(() => expect(banners(received)).toHaveLength(1));
    ws.send(JSON.stringify({ type: 'safe', evacuationId: id }));
    await vi.waitFor(() => expect(banners(received)).toHaveLength(2));
    expect(banners(received)[1]).toMatchObject({ evacuation: { id, safe: true } });
    ws.send(JSON.stringify({ type: 'safe', evacuationId: 'no-such-evacuation' }));
    await vi.waitFor(() => expect(received.at(-1)).toMatchObject({ type: 'error', code: 'TRYGG_SRV_NOT_FOUND' }));
    ws.terminate();

    // A reply that names no message is matched by the number, also without the country code.
    office.service.onReply({ channel: 'sms', from: '90000001', text: 'ok', at: clock.now() });

    const view = await rollCall(id, cookie);
    const state = (u: string) => view.people.find((p) => p.username === u)!;
    expect(state('per')).toMatchObject({ state: 'safe', via: 'sms', safeAt: new Date(clock.now()).toISOString() });
    expect(state('anne')).toMatchObject({ state: 'safe', via: 'voice' });
    expect(state('kollega')).toMatchObject({ state: 'safe', via: 'console' });
    expect(state('manager')).toMatchObject({ state: 'safe', via: 'sms' });
    expect(view.counts).toEqual({ total: 4, safe: 4, needsHelp: 0, unanswered: 0, unreached: 0 });

    // Managers' consoles get every change pushed; the last push has the final counts.
    const pushes = managerPc.of('roll-call');
    expect(pushes.at(-1)).toMatchObject({ evacuationId: id, counts: { safe: 4, unanswered: 0 } });
    expect(pushes.map((p) => p.person?.username)).toEqual(expect.arrayContaining(['per', 'anne', 'kollega', 'manager']));

    // REST for oneself, and the leader at the assembly point ticking someone off.
    const self = await office.app.inject({ method: 'POST', url: `/api/v1/evacuations/${id}/safe`, headers: { cookie: await login(office.app, 'per') } });
    expect(self.statusCode, self.body).toBe(200);
    const forbidden = await office.app.inject({ method: 'GET', url: `/api/v1/evacuations/${id}`, headers: { cookie: kariCookie } });
    expect(forbidden.statusCode).toBe(403);
    const marked = await office.app.inject({ method: 'POST', url: `/api/v1/evacuations/${id}/people/anne/answer`, headers: { cookie }, payload: { answer: 'safe' } });
    expect(marked.json()).toMatchObject({ username: 'anne', answer: 'safe', via: 'marked' });
    expect(await office.metrics.registry.getSingleMetricAsString('trygg_evacuation_answers_total')).toContain('trygg_evacuation_answers_total{via="sms",answer="safe"} 2');
  });

  it('someone every channel failed to reach is "unreached"; a call for help comes first', async () => {
    rejectNumber(office.sms, phoneOf('per'));
    rejectNumber(office.voice, phoneOf('per'));
    ends.badMail.add('per@demo.example.org');
    const managerPc = await office.console('manager-office', 'manager');
    const { body, cookie } = await startEvacuation();
    const { id } = body.evacuation;
    await allSent(3, 3, 2, 2);
    await vi.waitFor(async () => expect((await rollCall(id, cookie)).counts.unreached).toBe(1), { timeout: 10_000 });

    office.voice.reply(callsTo('anne')[0]!.id, '2');
    const view = await rollCall(id, cookie);
    expect(view.people.map((p) => [p.username, p.state])).toEqual([
      ['anne', 'needs-help'], ['per', 'unreached'], ['kollega', 'unanswered'], ['manager', 'unanswered'],
    ]);
    expect(view.people[1]!.channels.map((c) => `${c.channel}:${c.state}`).sort()).toEqual(['email:failed', 'sms:failed', 'voice:failed']);
    expect(view.counts).toEqual({ total: 4, safe: 0, needsHelp: 1, unanswered: 2, unreached: 1 });
    expect(managerPc.of('roll-call').map((p) => p.person && `${p.person.username}:${p.person.state}`)).toEqual(
      expect.arrayContaining(['per:unreached', 'anne:needs-help']));
    // A provider's permanent failure also reaches the notification center (a technical alarm in the server).
    expect(office.permanentFailures.map((n) => n.channel).sort()).toEqual(['email', 'sms', 'voice']);
  });

  it('the manager ends it: banners cleared, the alarm resolved, later consoles see nothing', async () => {
    const back = await office.console('backoffice', 'kollega');
    const reception = await office.console('reception');
    const { body, cookie } = await startEvacuation();
    const { id, alarmId } = body.evacuation;

    const forbidden = await office.app.inject({ method: 'POST', url: `/api/v1/evacuations/${id}/end`, headers: { cookie: await login(office.app, 'kollega') } });
    expect(forbidden.statusCode).toBe(403);
    const res = await office.app.inject({ method: 'POST', url: `/api/v1/evacuations/${id}/end`, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ evacuation: { id, state: 'ended', endedBy: 'user:manager' } });
    for (const c of [back, reception]) expect(c.of('evacuation-ended')).toEqual([{ type: 'evacuation-ended', id }]);
    expect(await office.store.getAlarm(alarmId)).toMatchObject({ state: 'resolved', outcome: 'real' });

    const later = await office.console('manager-office', 'manager');
    expect(later.of('evacuation')).toEqual([]);
    const list = await office.app.inject({ method: 'GET', url: '/api/v1/evacuations?state=running', headers: { cookie } });
    expect(list.json()).toEqual({ evacuations: [] });
    // Ending twice changes nothing.
    expect((await office.app.inject({ method: 'POST', url: `/api/v1/evacuations/${id}/end`, headers: { cookie } })).statusCode).toBe(200);
    expect(back.of('evacuation-ended')).toHaveLength(1);
  });

  it('a drill says ØVELSE / DRILL first everywhere, sends CAP "Exercise" to the guards and nothing to the police', async () => {
    const back = await office.console('backoffice', 'kollega');
    const { body, cookie } = await startEvacuation({ drill: true });
    const { id, alarmId } = body.evacuation;
    await allSent(4, 4, 3, 1);

    expect(banners(back.messages)[0]).toMatchObject({ evacuation: { drill: true, banner: { nb: expect.stringMatching(/^ØVELSE \/ DRILL: EVAKUERING/), en: expect.stringMatching(/^ØVELSE \/ DRILL: EVACUATION/) } } });
    for (const m of [...office.sms.delivered(), ...office.voice.delivered()]) expect(m.text).toMatch(/^(Dette er Trygg\. |This is Trygg\. )?ØVELSE \/ DRILL/);
    for (const m of ends.mail) expect(m.text).toMatch(/^ØVELSE \/ DRILL/);
    expect(ends.cap.map((c) => c.path)).toEqual(['/guards']);
    expect(ends.cap[0]!.body).toContain('<status>Exercise</status>');
    expect(await office.store.getAlarm(alarmId)).toMatchObject({ kind: 'evacuation', drill: true });

    await office.app.inject({ method: 'POST', url: `/api/v1/evacuations/${id}/end`, headers: { cookie } });
    expect(await office.store.getAlarm(alarmId)).toMatchObject({ state: 'resolved', outcome: 'test' });
  });

  it('a fire input starts an evacuation, never a panic alarm; pressed again, it is the same evacuation', async () => {
    const reception = await office.console('reception', 'kollega');
    const receipt = await office.press('fire-panel');
    expect(receipt.status).toBe('stored');
    const [running] = office.service.list(10);
    expect(running).toMatchObject({ siteId: 'demo', trigger: 'device', startedBy: 'device:fire-panel', deviceId: 'fire-panel', state: 'running' });
    expect(banners(reception.messages)).toHaveLength(1);
    const open = await office.store.listAlarms({ limit: 10 });
    expect(open.map((a) => a.kind)).toEqual(['evacuation']);
    expect(open[0]).toMatchObject({ id: running!.alarmId, deviceId: 'fire-panel', detail: { note: 'Brannsentral-relé' } });

    await office.press('fire-panel');
    expect(office.service.list(10)).toHaveLength(1);
    expect((await office.store.listAlarms({ limit: 10 })).map((a) => a.kind)).toEqual(['evacuation']);
    // An ordinary button is still an ordinary panic alarm.
    await office.press('interview-1');
    expect((await office.store.listAlarms({ limit: 10 })).map((a) => a.kind).sort()).toEqual(['evacuation', 'panic']);
  });

  it('survives a restart: evacuation, people and answers come back, unsent messages go out once, consoles get the banner again', async () => {
    // An empty office: no console online, so the evacuation alarm's chain also calls the security contacts.
    office.sms.hang();
    const { body, cookie } = await startEvacuation();
    const { id } = body.evacuation;
    await vi.waitFor(async () => expect(await office.evacuationMessages(office.voice)).toHaveLength(4));
    office.voice.reply(callsTo('per')[0]!.id, '1');
    await office.close();

    office = await bootEvacuation(dir, clock, evacuationConfig(ends));
    clock.advance(60_000); // the dispatcher's retry of the interrupted SMS
    await vi.waitFor(async () => expect(await office.evacuationMessages(office.sms)).toHaveLength(4));
    expect(office.sms.messages.filter((m) => m.duplicate)).toEqual([]);
    expect(await office.evacuationMessages(office.voice)).toEqual([]); // delivered in the first life: not called again

    // The session survived too (it is in the store).
    const view = await rollCall(id, cookie);
    expect(view.people.find((p) => p.username === 'per')).toMatchObject({ state: 'safe', via: 'voice' });
    expect(view.counts).toMatchObject({ total: 4, safe: 1, unanswered: 3 });
    const [toAnne] = (await office.evacuationMessages(office.sms)).filter((m) => m.to === phoneOf('anne'));
    office.sms.reply(toAnne!.id, 'trygg ok');
    expect((await rollCall(id, cookie)).counts.safe).toBe(2);

    const back = await office.console('backoffice', 'kollega');
    expect(banners(back.messages)).toMatchObject([{ evacuation: { id, state: 'running' } }]);
    expect(office.service.list(10)).toHaveLength(1);
  });
});
