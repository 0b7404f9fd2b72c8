import { FakeClock } from '@trygg/protocol';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iso } from '../iso-time';
import { CSV_HEADER } from './incident-views';
import { bootIncidents, incidentsConfig, parseCsv, recordingNotifications, type IncidentsLife } from './incidents-test-kit';

/** Incident reporting over the REST API: the whole server in-process with only the incidents feature. */
const clock = new FakeClock();
let life: IncidentsLife;

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toMatchObject({ code });
}

async function report(username: string, body: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await life.as(username, {
    method: 'POST', url: '/api/v1/incidents',
    payload: { siteId: 'demo', occurredAt: iso(clock.now() - 3_600_000), category: 'threat-phone', consequence: 2, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const get = (username: string, url: string) => life.as(username, { method: 'GET', url });

beforeAll(async () => {
  life = await bootIncidents(clock);
});
afterAll(async () => {
  await life?.close();
});

describe('drafts from resolved alarms', () => {
  it('a real alarm, once resolved, starts a draft with time, room, responders and the timeline', async () => {
    const raisedAt = clock.now();
    const alarmId = await life.press('interview-3');
    clock.advance(4_000);
    await life.running.alarms.act(alarmId, { type: 'acknowledge' }, life.userActor('kollega', 'Kari Kollega'));
    await life.running.alarms.act(alarmId, { type: 'respond' }, life.userActor('kollega', 'Kari Kollega'));
    clock.advance(60_000);
    await life.running.alarms.act(alarmId, { type: 'resolve', outcome: 'real' }, life.userActor('kollega', 'Kari Kollega'));
    await life.feature.settled();

    const list = (await get('manager', '/api/v1/incidents?siteId=demo')).json().incidents as { id: string; alarmId: string }[];
    const draft = list.find((i) => i.alarmId === alarmId);
    expect(draft).toBeDefined();
    const full = (await get('manager', `/api/v1/incidents/${draft!.id}`)).json();
    expect(full).toMatchObject({
      source: 'alarm', status: 'new', siteId: 'demo', occurredAt: iso(raisedAt), roomId: 'interview-3', roomName: 'Samtalerom 3',
      category: null, consequence: null, narrative: null, reporter: null,
      alarm: {
        id: alarmId, kind: 'panic', outcome: 'real', deviceId: 'interview-3', raisedAt: iso(raisedAt), secondsToAcknowledge: 4,
        resolvedAt: iso(raisedAt + 64_000),
        responders: [{ username: 'kollega', name: 'Kari Kollega', at: iso(raisedAt + 4_000) }],
      },
    });
    const timeline = full.alarm.timeline as { type: string; at: string; actor?: { name?: string }; outcome?: string }[];
    const people = ['raised', 'acknowledged', 'responding', 'resolved'];
    expect(timeline.map((t) => t.type).filter((t) => people.includes(t))).toEqual(people);
    expect(timeline[0]).toMatchObject({ type: 'raised', at: iso(raisedAt) });
    // No console is online in this test: the chain's steps are skipped, and the report says so.
    expect(timeline.find((t) => t.type === 'step-skipped')).toMatchObject({ step: 0, reason: 'nobody-online' });
    expect(timeline.at(-1)).toMatchObject({ type: 'resolved', at: iso(raisedAt + 64_000), outcome: 'real', actor: { type: 'user', username: 'kollega', name: 'Kari Kollega' } });

    // The leader gets a copy (recorded: the feature context has no notification channel).
    const copies = (await get('manager', '/api/v1/sites/demo/incidents/leader-copies')).json().copies;
    expect(copies).toContainEqual(expect.objectContaining({ incidentId: draft!.id, recipient: 'manager', channel: 'email', state: 'recorded' }));
  });

  it('test resolutions, cancels and technical alarms start no report; a false alarm does', async () => {
    const before = (await get('manager', '/api/v1/incidents?siteId=demo')).json().incidents.length;
    const tested = await life.press('interview-1');
    await life.running.alarms.act(tested, { type: 'resolve', outcome: 'test' }, life.userActor('manager', 'Mona Leiar'));
    const cancelled = await life.press('interview-2');
    await life.running.alarms.act(cancelled, { type: 'cancel' }, life.userActor('manager', 'Mona Leiar'));
    const technical = await life.running.alarms.raise({ siteId: 'demo', kind: 'technical', dedupeKey: 'tamper:x', detail: { technical: { cause: 'tamper', subject: 'x' } } });
    await life.running.alarms.act(technical.alarm.id, { type: 'resolve', outcome: 'real' }, life.userActor('manager', 'Mona Leiar'));
    const falseAlarm = await life.press('reception-desk');
    await life.running.alarms.act(falseAlarm, { type: 'resolve', outcome: 'false' }, life.userActor('manager', 'Mona Leiar'));
    await life.feature.settled();
    const after = (await get('manager', '/api/v1/incidents?siteId=demo')).json().incidents as { alarmId: string | null }[];
    expect(after).toHaveLength(before + 1);
    expect(after.some((i) => i.alarmId === falseAlarm)).toBe(true);
    // Asking again changes nothing: one report per alarm.
    expect(await life.feature.incidents().draftFromAlarm(falseAlarm)).toBeUndefined();
  });
});

describe('who may see a report', () => {
  let id: string;
  beforeAll(async () => {
    id = (await report('eva', { category: 'threat-social-media-staff', consequence: 3, narrative: 'Trussel på Facebook' })).id;
  });

  it('the employee who wrote it, security and managers of the site: yes; others: as if missing', async () => {
    for (const who of ['eva', 'sigrid', 'manager']) expect((await get(who, `/api/v1/incidents/${id}`)).statusCode, who).toBe(200);
    for (const who of ['erik', 'kollega', 'olav']) expectError(await get(who, `/api/v1/incidents/${id}`), 404, 'TRYGG_SRV_NOT_FOUND');
    expectError(await life.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}` }), 401, 'TRYGG_SRV_UNAUTHENTICATED');
  });

  it('lists: employees see only their own; the review queue is for security and managers of the site', async () => {
    const own = (await get('eva', '/api/v1/incidents')).json().incidents as { id: string }[];
    expect(own.map((i) => i.id)).toEqual([id]);
    expect((await get('erik', '/api/v1/incidents')).json().incidents).toEqual([]);
    expect((await get('olav', '/api/v1/incidents')).json().incidents).toEqual([]);
    expectError(await get('eva', '/api/v1/sites/demo/incidents/review-queue'), 403, 'TRYGG_SRV_FORBIDDEN');
    expectError(await get('olav', '/api/v1/sites/demo/incidents/review-queue'), 404, 'TRYGG_SRV_NOT_FOUND');
    expectError(await get('olav', '/api/v1/sites/demo/incidents/export'), 404, 'TRYGG_SRV_NOT_FOUND');
    expectError(await life.as('eva', { method: 'POST', url: '/api/v1/incidents', payload: { siteId: 'other', occurredAt: iso(clock.now()), category: 'harassment' } }), 404, 'TRYGG_SRV_NOT_FOUND');
  });

  it('list entries carry no narrative, names or case number', async () => {
    const entry = (await get('sigrid', '/api/v1/incidents?siteId=demo')).json().incidents.find((i: { id: string }) => i.id === id);
    expect(entry).toMatchObject({ id, category: 'threat-social-media-staff', consequence: 3, status: 'new' });
    expect(JSON.stringify(entry)).not.toMatch(/Facebook|Eva/);
  });
});

describe('audit of every read', () => {
  it('logs who read which report when, through which door; refused reads are not reads', async () => {
    const { id } = await report('eva', { narrative: 'Ringde og truga' });
    clock.advance(1_000);
    await get('eva', `/api/v1/incidents/${id}`);
    await get('erik', `/api/v1/incidents/${id}`); // 404: not a read
    await get('sigrid', `/api/v1/incidents/${id}`);
    await get('manager', '/api/v1/incidents?siteId=demo');
    await get('sigrid', '/api/v1/sites/demo/incidents/review-queue');
    await get('manager', '/api/v1/sites/demo/incidents/export?format=csv');
    const audit = await get('manager', `/api/v1/incidents/${id}/audit`);
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json().entries.map((e: { username: string; action: string; via: string }) => `${e.username} ${e.action} ${e.via}`)).toEqual([
      'eva create api', 'eva read get', 'sigrid read get', 'manager read list', 'sigrid read review-queue', 'manager read export',
    ]);
    expect(audit.json().entries[1].at).toBe(iso(clock.now()));
    expectError(await get('sigrid', `/api/v1/incidents/${id}/audit`), 403, 'TRYGG_SRV_FORBIDDEN');
  });
});

describe('weekly review: new -> reviewed -> closed', () => {
  it('a draft needs category and consequence before review; steps go in order with who and when', async () => {
    const alarmId = await life.press('interview-2');
    await life.running.alarms.act(alarmId, { type: 'resolve', outcome: 'real' }, life.userActor('kollega', 'Kari Kollega'));
    await life.feature.settled();
    const queue = async () => (await get('sigrid', '/api/v1/sites/demo/incidents/review-queue')).json();
    const draft = (await queue()).incidents.find((i: { alarmId: string }) => i.alarmId === alarmId);
    expect(draft).toMatchObject({ status: 'new', category: null });

    expectError(await life.as('sigrid', { method: 'POST', url: `/api/v1/incidents/${draft.id}/review` }), 409, 'TRYGG_SRV_INCIDENT_INCOMPLETE');
    expectError(await life.as('sigrid', { method: 'POST', url: `/api/v1/incidents/${draft.id}/close` }), 409, 'TRYGG_SRV_INCIDENT_TRANSITION');
    expectError(await life.as('eva', { method: 'POST', url: `/api/v1/incidents/${draft.id}/review` }), 403, 'TRYGG_SRV_FORBIDDEN');

    const patched = await life.as('sigrid', {
      method: 'PATCH', url: `/api/v1/incidents/${draft.id}`,
      payload: {
        category: 'violence-hitting', consequence: 3, causeFactors: ['negative-decision', 'substance-use'],
        reportedToPolice: { reported: true, caseNumber: '14-123456' }, narrative: 'Brukar slo etter sakshandsamar.',
        actions: [{ text: 'Samtale med tilsett', owner: 'manager', due: '2026-01-09' }],
      },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ reportedToPolice: { reported: true, caseNumber: '14-123456' }, actions: [{ text: 'Samtale med tilsett', status: 'open', due: '2026-01-09' }] });

    clock.advance(60_000);
    const reviewed = await life.as('sigrid', { method: 'POST', url: `/api/v1/incidents/${draft.id}/review`, payload: { note: 'Gått gjennom på vekemøtet' } });
    expect(reviewed.json()).toMatchObject({ status: 'reviewed', reviewedBy: 'sigrid', reviewedAt: iso(clock.now()), reviewNote: 'Gått gjennom på vekemøtet' });
    expect((await queue()).incidents.find((i: { id: string }) => i.id === draft.id)).toMatchObject({ status: 'reviewed', openActions: 1, overdueActions: 0 });
    expectError(await life.as('sigrid', { method: 'POST', url: `/api/v1/incidents/${draft.id}/review` }), 409, 'TRYGG_SRV_INCIDENT_TRANSITION');

    const closed = await life.as('manager', { method: 'POST', url: `/api/v1/incidents/${draft.id}/close` });
    expect(closed.json()).toMatchObject({ status: 'closed', closedBy: 'manager', closedAt: iso(clock.now()), reviewedBy: 'sigrid' });
    const after = await queue();
    expect(after.incidents.some((i: { id: string }) => i.id === draft.id)).toBe(false);
    expect(after.counts.new).toBe(after.incidents.filter((i: { status: string }) => i.status === 'new').length);
    expectError(await life.as('manager', { method: 'PATCH', url: `/api/v1/incidents/${draft.id}`, payload: { narrative: 'x' } }), 409, 'TRYGG_SRV_INCIDENT_LOCKED');
  });

  it('the employee may change her own report until it is reviewed', async () => {
    const { id } = await report('eva');
    const changed = await life.as('eva', { method: 'PATCH', url: `/api/v1/incidents/${id}`, payload: { narrative: 'Meir om samtalen' } });
    expect(changed.json()).toMatchObject({ narrative: 'Meir om samtalen', reporter: { username: 'eva', name: 'Eva Tilsett' } });
    await life.as('sigrid', { method: 'POST', url: `/api/v1/incidents/${id}/review` });
    expectError(await life.as('eva', { method: 'PATCH', url: `/api/v1/incidents/${id}`, payload: { narrative: 'endå meir' } }), 409, 'TRYGG_SRV_INCIDENT_LOCKED');
  });
});

describe('validation', () => {
  it('refuses unknown categories, out-of-scale consequence, unknown fields, future times and case numbers without a police report', async () => {
    const post = (payload: Record<string, unknown>) => life.as('eva', {
      method: 'POST', url: '/api/v1/incidents', payload: { siteId: 'demo', occurredAt: iso(clock.now()), category: 'threat-phone', ...payload },
    });
    expectError(await post({ category: 'alien-abduction' }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await post({ consequence: 6 }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await post({ causeFactors: ['bad-weather'] }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await post({ mood: 'sad' }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await post({ occurredAt: iso(clock.now() + 86_400_000) }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await post({ reportedToPolice: { reported: false, caseNumber: '1' } }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await post({ roomId: 'cellar' }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expect((await post({ roomId: 'reception', causeFactors: ['waiting-in-reception'] })).statusCode).toBe(201);
  });

  it('serves the catalogue: categories, the report consequence scale and cause factors in Nynorsk and English', async () => {
    const catalogue = (await get('eva', '/api/v1/incidents/catalogue')).json();
    expect(catalogue.categories).toHaveLength(39);
    expect(catalogue.consequenceScale[4]).toEqual({ value: 5, name: { nn: 'Dødsfall', en: 'Death' } });
    expect(catalogue.causeFactors[0]).toMatchObject({ id: 'negative-decision', name: { nn: 'negativt vedtak' }, triggerLikelihood: 5 });
  });
});

describe('export', () => {
  it('CSV escapes commas, quotes and line breaks and guards formulas; JSON carries the same report', async () => {
    const hostile = {
      narrative: 'Sa: "eg veit kvar du bur", og\nring 112, no',
      involved: ['=cmd|\' /C calc\'!A0', '@SUM(A1)'],
      actions: [{ text: '+47 55 00 00 00 må ringjast', owner: '-leiar' }],
      reportedToPolice: { reported: true, caseNumber: '=HYPERLINK("http://x")' },
    };
    const { id } = await report('sigrid', hostile);
    const csv = await get('manager', '/api/v1/sites/demo/incidents/export?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="incidents-demo-2026-01-\d\d\.csv"/);
    const rows = parseCsv(csv.body);
    expect(rows[0]).toEqual(CSV_HEADER);
    expect(rows.every((r) => r.length === CSV_HEADER.length)).toBe(true);
    const row = Object.fromEntries(CSV_HEADER.map((h, i) => [h, rows.find((r) => r[0] === id)![i]]));
    expect(row).toMatchObject({
      narrative: hostile.narrative, involved: `'=cmd|' /C calc'!A0; @SUM(A1)`, police_case_number: `'=HYPERLINK("http://x")`,
      actions: "open | +47 55 00 00 00 må ringjast | -leiar", category: 'threat-phone', category_nn: 'Truslar på telefon', reported_to_police: 'true',
    });
    for (const cell of rows.flat()) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);

    const json = await get('manager', '/api/v1/sites/demo/incidents/export?format=json');
    const found = json.json().incidents.find((i: { id: string }) => i.id === id);
    expect(found).toMatchObject({ narrative: hostile.narrative, involved: hostile.involved, reportedToPolice: hostile.reportedToPolice });
    expectError(await get('manager', '/api/v1/sites/demo/incidents/export?format=xlsx'), 400, 'TRYGG_SRV_BAD_REQUEST');
  });
});

describe('leader copy by e-mail', () => {
  it('hands one e-mail per manager of the site to the notification dispatcher, without narrative or names', async () => {
    const mailClock = new FakeClock();
    const notifications = recordingNotifications();
    const config = incidentsConfig((c) => {
      c.notifiers = [{ id: 'mail', channel: 'email', settings: { host: '127.0.0.1', port: 2525, from: 'trygg@example.no' } }];
      c.users.find((u) => u.username === 'manager')!.email = 'mona@example.no';
    });
    const mail = await bootIncidents(mailClock, config, { notifications });
    try {
      const created = await mail.as('eva', {
        method: 'POST', url: '/api/v1/incidents',
        payload: { siteId: 'demo', occurredAt: iso(mailClock.now()), category: 'threat-family', roomId: 'interview-1', narrative: 'Løynd forteljing', involved: ['Eva Tilsett'] },
      });
      const id = created.json().id as string;
      await mail.feature.settled();
      expect(notifications.requests).toHaveLength(1);
      const [request] = notifications.requests;
      expect(request).toMatchObject({
        dedupeKey: `incident-copy:${id}:manager`, channel: 'email', target: 'mail',
        recipient: { id: 'user:manager', email: 'mona@example.no' },
        subject: { site: { id: 'demo' }, room: { id: 'interview-1' }, drill: false },
      });
      expect(request!.subject.text!.nb).toContain('Truslar mot familie');
      expect(request!.subject.text!.en).toContain(`ref. ${id}`);
      expect(JSON.stringify(request)).not.toMatch(/Løynd|Eva/);
      const copies = (await mail.as('manager', { method: 'GET', url: '/api/v1/sites/demo/incidents/leader-copies' })).json().copies;
      expect(copies).toEqual([expect.objectContaining({ incidentId: id, recipient: 'manager', state: 'dispatched', notificationId: 'n-1' })]);
      // Olav manages another site: no copy.
      expect(JSON.stringify(notifications.requests)).not.toMatch(/olav/);
    } finally {
      await mail.close();
    }
  });
});
