import { FakeClock } from '@trygg/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iso } from '../iso-time';
import { bootIncidents, incidentsConfig, type IncidentsLife } from './incidents-test-kit';

/** Retention of personal fields (site `incidents.retentionDays`) and the restart catch-up, on fake time. */
const DAY = 86_400_000;

describe('retention: personal fields are erased after the site period, statistics stay', () => {
  const clock = new FakeClock();
  let life: IncidentsLife;
  let manual: string;
  let drafted: string;
  let otherSite: string;

  beforeAll(async () => {
    // `incidents` in the site's configuration (docs/incidents-and-risk.md); the other site keeps the default.
    life = await bootIncidents(clock, incidentsConfig((c) => { (c.sites[0] as unknown as { incidents: object }).incidents = { retentionDays: 30 }; }));
    manual = (await life.as('eva', {
      method: 'POST', url: '/api/v1/incidents',
      payload: {
        siteId: 'demo', occurredAt: iso(clock.now() - 3_600_000), category: 'threat-seek-out-home', consequence: 3, causeFactors: ['negative-decision'],
        reportedToPolice: { reported: true, caseNumber: '14-99' }, narrative: 'Sa han veit kvar eg bur', involved: ['Eva Tilsett'],
        actions: [{ text: 'Hemmeleg adresse for Eva', owner: 'manager', due: '2026-01-20' }],
      },
    })).json().id;
    const alarmId = await life.press('interview-1');
    await life.running.alarms.act(alarmId, { type: 'acknowledge' }, life.userActor('kollega', 'Kari Kollega'));
    await life.running.alarms.act(alarmId, { type: 'resolve', outcome: 'real' }, life.userActor('kollega', 'Kari Kollega'));
    await life.feature.settled();
    drafted = (await life.as('manager', { method: 'GET', url: '/api/v1/incidents?siteId=demo' })).json().incidents.find((i: { alarmId: string }) => i.alarmId === alarmId).id;
    otherSite = (await life.as('olav', {
      method: 'POST', url: '/api/v1/incidents', payload: { siteId: 'other', occurredAt: iso(clock.now() - 3_600_000), category: 'harassment', narrative: 'Nabo' },
    })).json().id;
  });
  afterAll(async () => {
    await life?.close();
  });

  const read = async (who: string, id: string) => {
    const res = await life.as(who, { method: 'GET', url: `/api/v1/incidents/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('keeps everything within the period', async () => {
    clock.advance(29 * DAY);
    life.relogin(); // sessions last 12 h
    expect(await read('manager', manual)).toMatchObject({ narrative: 'Sa han veit kvar eg bur', erasedAt: null });
  });

  it('erases narrative, names and case number once the daily job passes the period, and logs it', async () => {
    clock.advance(2 * DAY);
    life.relogin();
    const erasedAt = iso(clock.now() - DAY); // the daily job that ran on day 30
    expect(await read('manager', manual)).toMatchObject({
      narrative: null, reporter: null, involved: [], createdBy: null, erasedAt,
      reportedToPolice: { reported: true, caseNumber: null },
      actions: [{ text: null, owner: null, due: '2026-01-20', status: 'open' }],
      // statistics stay
      category: 'threat-seek-out-home', consequence: 3, causeFactors: ['negative-decision'], siteId: 'demo', source: 'manual',
    });
    const draft = await read('manager', drafted);
    expect(draft.alarm.responders).toEqual([{ at: expect.any(String) }]);
    expect(JSON.stringify(draft.alarm.timeline)).not.toMatch(/Kari|kollega/);
    expect(draft.alarm).toMatchObject({ kind: 'panic', outcome: 'real', secondsToAcknowledge: 0 });
    expect((await life.as('manager', { method: 'GET', url: `/api/v1/incidents/${manual}/audit` })).json().entries)
      .toContainEqual(expect.objectContaining({ username: 'system', action: 'erase', via: 'retention', at: erasedAt }));
    // The employee's link to her report went with her name; an erased report is locked.
    expect((await life.as('eva', { method: 'GET', url: `/api/v1/incidents/${manual}` })).statusCode).toBe(404);
    expect((await life.as('manager', { method: 'PATCH', url: `/api/v1/incidents/${manual}`, payload: { narrative: 'ny' } })).json()).toMatchObject({ code: 'TRYGG_SRV_INCIDENT_LOCKED' });
  });

  it('leaves a site with the default period alone', async () => {
    expect(await read('olav', otherSite)).toMatchObject({ narrative: 'Nabo', erasedAt: null });
  });
});

describe('restart catch-up', () => {
  it('drafts a report for an alarm resolved while the feature was not running', async () => {
    const clock = new FakeClock();
    const first = await bootIncidents(clock);
    const dir = first.dir;
    await first.close(true);
    const without = await bootIncidents(clock, incidentsConfig(), { dir, withFeature: false });
    const alarmId = await without.press('interview-2');
    await without.running.alarms.act(alarmId, { type: 'resolve', outcome: 'real' }, without.userActor('kollega', 'Kari Kollega'));
    await without.close(true);
    const again = await bootIncidents(clock, incidentsConfig(), { dir });
    try {
      const list = (await again.as('manager', { method: 'GET', url: '/api/v1/incidents?siteId=demo' })).json().incidents;
      expect(list).toEqual([expect.objectContaining({ alarmId, source: 'alarm', status: 'new' })]);
    } finally {
      await again.close();
    }
  });
});
