import { FakeClock } from '@trygg/protocol';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootIncidents, type IncidentsLife } from '../incidents/incidents-test-kit';
import { iso } from '../iso-time';
import { REPORT_RED_LIST } from './report-catalogue';

/** The ROS risk register over REST (served by the incidents feature): levels, edits, observed likelihood, measures. */
const clock = new FakeClock();
const DAY = 86_400_000;
let life: IncidentsLife;

interface EventView {
  id: string; name: { nn: string; en: string }; likelihood: number; consequence: number; level: string; source: string;
  report: { likelihood: number; consequence: number; level: string };
  observed: { count12m: number; likelihood: number; differs: boolean };
  measures: { id: string; status: string }[]; needsMeasures: boolean;
}

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toMatchObject({ code });
}
const register = async (who = 'eva') => {
  const res = await life.as(who, { method: 'GET', url: '/api/v1/sites/demo/risk-register' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { events: EventView[]; rule: { id: string; matrix: string[][] }; observedUnmapped12m: number };
};
const event = async (id: string) => (await register()).events.find((e) => e.id === id)!;

beforeAll(async () => {
  life = await bootIncidents(clock);
});
afterAll(async () => {
  await life?.close();
});

describe('GET /api/v1/sites/:siteId/risk-register', () => {
  it('lists the report catalogue with Nynorsk and English names, and exactly the report red events red', async () => {
    const { events, rule } = await register();
    expect(events).toHaveLength(37);
    expect(events[0]).toMatchObject({
      id: 'threat-phone', name: { nn: 'Truslar på telefon', en: 'Threats by telephone' }, likelihood: 5, consequence: 2, level: 'red', source: 'report',
      observed: { count12m: 0, likelihood: 1 },
    });
    expect(events.filter((e) => e.level === 'red').map((e) => e.id).sort()).toEqual(REPORT_RED_LIST.map((r) => r.eventId).sort());
    expect(rule.id).toBe('nav-hordaland-2014');
    expect(rule.matrix[4]![1]).toBe('red'); // likelihood 5, consequence 2
  });

  it('is for users of the site only', async () => {
    expectError(await life.as('olav', { method: 'GET', url: '/api/v1/sites/demo/risk-register' }), 404, 'TRYGG_SRV_NOT_FOUND');
    expectError(await life.app.inject({ method: 'GET', url: '/api/v1/sites/demo/risk-register' }), 401, 'TRYGG_SRV_UNAUTHENTICATED');
  });

  it('shows the likelihood observed from the site own reports of the last 12 months beside the analysis', async () => {
    const post = (category: string, occurredAt: number) => life.as('eva', {
      method: 'POST', url: '/api/v1/incidents', payload: { siteId: 'demo', occurredAt: iso(occurredAt), category },
    }).then((r) => expect(r.statusCode, r.body).toBe(201));
    for (let i = 0; i < 12; i++) await post('threat-phone', clock.now() - (i * 28 + 1) * DAY); // monthly over the year
    await post('violence-hitting', clock.now() - 400 * DAY); // older than 12 months: not counted
    await post('violence-spitting', clock.now() - 10 * DAY);
    await post('other-threat', clock.now() - 2 * DAY); // maps to no register event
    await life.as('olav', { method: 'POST', url: '/api/v1/incidents', payload: { siteId: 'other', occurredAt: iso(clock.now() - DAY), category: 'threat-phone' } });

    const reg = await register();
    const byId = (id: string) => reg.events.find((e) => e.id === id)!;
    expect(byId('threat-phone')).toMatchObject({ likelihood: 5, level: 'red', observed: { count12m: 12, likelihood: 3, differs: true } });
    expect(byId('violence-hitting').observed).toMatchObject({ count12m: 0, likelihood: 1 });
    expect(byId('violence-spitting').observed).toMatchObject({ count12m: 1, likelihood: 2, differs: false });
    expect(reg.observedUnmapped12m).toBe(1);
  });
});

describe('editing the register per site', () => {
  it('security contacts set likelihood and consequence with validation; the level follows the rule; DELETE restores the report', async () => {
    const url = '/api/v1/sites/demo/risk-register/events/threat-written';
    expectError(await life.as('eva', { method: 'PUT', url, payload: { likelihood: 5, consequence: 2 } }), 403, 'TRYGG_SRV_FORBIDDEN');
    expectError(await life.as('sigrid', { method: 'PUT', url, payload: { likelihood: 0, consequence: 2 } }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await life.as('sigrid', { method: 'PUT', url, payload: { likelihood: 3 } }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await life.as('sigrid', { method: 'PUT', url, payload: { likelihood: 3, consequence: 2, colour: 'red' } }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await life.as('sigrid', { method: 'PUT', url: '/api/v1/sites/demo/risk-register/events/alien-threat', payload: { likelihood: 3, consequence: 2 } }), 404, 'TRYGG_SRV_NOT_FOUND');
    expectError(await life.as('olav', { method: 'PUT', url: '/api/v1/sites/other/risk-register/events/nope', payload: { likelihood: 3, consequence: 2 } }), 404, 'TRYGG_SRV_NOT_FOUND');

    const put = await life.as('sigrid', { method: 'PUT', url, payload: { likelihood: 5, consequence: 2, note: 'Dagleg i 2025' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ likelihood: 5, consequence: 2, level: 'red', source: 'site', report: { likelihood: 4, consequence: 2, level: 'yellow' }, edit: { note: 'Dagleg i 2025', updatedBy: 'sigrid' } });
    expect(await event('threat-written')).toMatchObject({ level: 'red', source: 'site' });
    // Another site's register is untouched.
    const other = (await life.as('olav', { method: 'GET', url: '/api/v1/sites/other/risk-register' })).json().events.find((e: EventView) => e.id === 'threat-written');
    expect(other).toMatchObject({ likelihood: 4, level: 'yellow', source: 'report' });

    expect((await life.as('sigrid', { method: 'DELETE', url })).json()).toMatchObject({ likelihood: 4, level: 'yellow', source: 'report' });
  });
});

describe('measures', () => {
  it('attaches the report measures to events with owner and status (create, change, delete)', async () => {
    const base = '/api/v1/sites/demo/risk-measures';
    expect((await event('threat-home-visit')).needsMeasures).toBe(true);
    expectError(await life.as('eva', { method: 'POST', url: base, payload: { eventIds: ['threat-home-visit'], templateId: 'portable-alarm' } }), 403, 'TRYGG_SRV_FORBIDDEN');
    expectError(await life.as('sigrid', { method: 'POST', url: base, payload: { eventIds: ['threat-home-visit'] } }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await life.as('sigrid', { method: 'POST', url: base, payload: { eventIds: ['threat-home-visit'], text: 'Eige tiltak' } }), 400, 'TRYGG_SRV_BAD_REQUEST');
    expectError(await life.as('sigrid', { method: 'POST', url: base, payload: { eventIds: ['nope'], templateId: 'portable-alarm' } }), 400, 'TRYGG_SRV_BAD_REQUEST');

    const created = await life.as('sigrid', { method: 'POST', url: base, payload: { eventIds: ['threat-home-visit', 'following-staff'], templateId: 'portable-alarm', owner: 'manager', due: '2026-03-01' } });
    expect(created.statusCode, created.body).toBe(201);
    const measure = created.json();
    expect(measure).toMatchObject({
      kind: 'damage-limiting', templateId: 'portable-alarm', status: 'proposed', owner: 'manager', due: '2026-03-01',
      text: { nn: 'Tryggleiksalarm i møte utanfor kontoret og ved heimevitjingar' },
    });
    const own = await life.as('sigrid', { method: 'POST', url: base, payload: { eventIds: ['threat-phone'], text: 'Opptak av samtalar i mottaket', kind: 'preventive' } });
    expect(own.statusCode).toBe(201);

    expect(await event('threat-home-visit')).toMatchObject({ needsMeasures: false, measures: [{ id: measure.id, status: 'proposed' }] });
    const patched = await life.as('sigrid', { method: 'PATCH', url: `${base}/${measure.id}`, payload: { status: 'done', owner: null } });
    expect(patched.json()).toMatchObject({ status: 'done', updatedBy: 'sigrid' });
    expect(patched.json().owner).toBeUndefined();
    expectError(await life.as('sigrid', { method: 'PATCH', url: `${base}/${measure.id}`, payload: { status: 'finished' } }), 400, 'TRYGG_SRV_BAD_REQUEST');

    expect((await life.as('eva', { method: 'GET', url: base })).json().measures).toHaveLength(2);
    expect((await life.as('sigrid', { method: 'DELETE', url: `${base}/${measure.id}` })).statusCode).toBe(204);
    expectError(await life.as('sigrid', { method: 'DELETE', url: `${base}/${measure.id}` }), 404, 'TRYGG_SRV_NOT_FOUND');
    expect((await event('threat-home-visit')).needsMeasures).toBe(true);
  });
});
