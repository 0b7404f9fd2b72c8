import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootSafetyWork, login, safetyConfig, type SafetyOffice } from '../safety-work-test-kit';
import type { MeetingsConfig } from './checklist';

let dir: string;
let clock: FakeClock;
let office: SafetyOffice;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trygg-meetings-'));
  clock = new FakeClock();
  office = await bootSafetyWork(dir, clock);
});

afterEach(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

const MINUTE = 60_000;
const at = (ms: number) => new Date(clock.now() + ms).toISOString();

async function register(payload: object, user = 'resepsjon') {
  return office.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: { cookie: await login(office.app, user) }, payload });
}

describe('meetings with elevated risk', () => {
  it('during the window the room\'s alarms use the faster chain; the employee gets the checklist; responders see a standby notice', async () => {
    const res = await register({ roomId: 'interview-1', to: at(60 * MINUTE), reason: 'assessed-dangerous' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.meeting).toMatchObject({ siteId: 'demo', roomId: 'interview-1', owner: 'resepsjon', state: 'active', chainId: 'meeting-fast' });
    expect(body.chain).toEqual({ id: 'meeting-fast', name: 'Møte med auka risiko' });
    const items = body.checklist.items as { id: string; nb: string; en: string }[];
    expect(items.map((i) => i.id)).toEqual(expect.arrayContaining(['two-staff', 'escape-route', 'alarm-tested']));
    expect(items.find((i) => i.id === 'two-staff')).toMatchObject({ nb: expect.stringContaining('to saksbehandlere'), en: expect.stringContaining('two caseworkers') });

    const inRoom = await office.press('interview-1');
    expect(inRoom.chain.chainId).toBe('meeting-fast');
    expect((await office.press('interview-2')).chain.chainId).toBe('standard');

    const standby = await office.app.inject({ method: 'GET', url: '/api/v1/meetings?active=true', headers: { cookie: await login(office.app, 'kollega') } });
    expect(standby.json().meetings).toMatchObject([{ roomId: 'interview-1', roomName: 'Samtalerom 1', standby: { nb: expect.stringContaining('Samtalerom 1'), en: expect.stringContaining('stand by') } }]);

    const close = await office.app.inject({ method: 'POST', url: `/api/v1/meetings/${body.meeting.id}/close`, headers: { cookie: await login(office.app, 'resepsjon') } });
    expect(close.json().meeting.state).toBe('closed');
    await office.alarms.act(inRoom.id, { type: 'resolve', outcome: 'real' }, office.actor('kollega'));
    expect((await office.press('interview-1')).chain.chainId).toBe('standard');
    expect((await office.app.inject({ method: 'GET', url: '/api/v1/meetings?active=true', headers: { cookie: await login(office.app, 'kollega') } })).json().meetings).toEqual([]);
  });

  it('before the meeting starts the room keeps its own chain', async () => {
    await register({ roomId: 'interview-1', from: at(30 * MINUTE), to: at(90 * MINUTE), reason: 'difficult-decision' });
    expect((await office.press('interview-1')).chain.chainId).toBe('standard');
  });

  it('a meeting not closed by its end plus the grace raises a no-checkin alarm from the room; a late close leaves it open', async () => {
    const id = (await register({ roomId: 'interview-1', to: at(30 * MINUTE), reason: 'earlier-threats-or-violence' })).json().meeting.id as string;
    await office.advance(40 * MINUTE - 1);
    expect(office.meetings.get(id)?.state).toBe('open');
    await office.advance(1);
    const meeting = office.meetings.get(id)!;
    expect(meeting.state).toBe('missed');
    const alarm = (await office.store.getAlarm(meeting.alarmId!))!;
    expect(alarm).toMatchObject({ kind: 'no-checkin', roomId: 'interview-1', dedupeKey: `meeting:${id}`, state: 'raised', detail: { person: 'Rita Resepsjon' } });
    expect(alarm.chain.chainId).toBe('meeting-fast');
    expect(alarm.detail?.note).toContain('not closed');

    const late = await office.app.inject({ method: 'POST', url: `/api/v1/meetings/${id}/close`, headers: { cookie: await login(office.app, 'resepsjon') } });
    expect(late.json().meeting).toMatchObject({ state: 'missed', closedBy: 'user:resepsjon', alarmId: alarm.id });
    expect((await office.store.getAlarm(alarm.id))?.state).toBe('raised');
  });

  it('a meeting closed in time raises nothing', async () => {
    const id = (await register({ roomId: 'interview-2', to: at(30 * MINUTE), reason: 'other' })).json().meeting.id as string;
    await office.advance(20 * MINUTE);
    await office.app.inject({ method: 'POST', url: `/api/v1/meetings/${id}/close`, headers: { cookie: await login(office.app, 'resepsjon') } });
    await office.advance(60 * MINUTE);
    expect(office.meetings.get(id)).toMatchObject({ state: 'closed', alarmId: undefined });
    expect(await office.store.listAlarms({})).toEqual([]);
  });

  it('takes no client data, and only the owner or a security contact closes a meeting', async () => {
    const named = await register({ roomId: 'interview-1', to: at(MINUTE * 30), reason: 'other', clientName: 'Ola Nordmann' });
    expect(named.statusCode).toBe(400);
    expect((await register({ roomId: 'interview-1', to: at(MINUTE * 30), reason: 'angry' })).statusCode).toBe(400);
    const id = (await register({ roomId: 'interview-1', to: at(MINUTE * 30), reason: 'other' })).json().meeting.id as string;

    const colleague = await office.app.inject({ method: 'POST', url: `/api/v1/meetings/${id}/close`, headers: { cookie: await login(office.app, 'kollega') } });
    expect(colleague.statusCode).toBe(403);
    const otherEmployee = await office.app.inject({ method: 'GET', url: '/api/v1/meetings', headers: { cookie: await login(office.app, 'nordmottak') } });
    expect(otherEmployee.json().meetings).toEqual([]);
    const security = await office.app.inject({ method: 'POST', url: `/api/v1/meetings/${id}/close`, headers: { cookie: await login(office.app, 'tryggleik') } });
    expect(security.json().meeting).toMatchObject({ state: 'closed', closedBy: 'user:tryggleik' });
  });

  it('refuses to start with a meetings chain that does not exist', async () => {
    const config = safetyConfig();
    (config.sites[0] as typeof config.sites[0] & { meetings?: MeetingsConfig }).meetings = { chain: 'no-such-chain' };
    const other = mkdtempSync(join(tmpdir(), 'trygg-meetings-bad-'));
    try {
      await expect(bootSafetyWork(other, new FakeClock(), config)).rejects.toMatchObject({ code: 'TRYGG_SRV_CONFIG_INVALID', message: expect.stringContaining('sites.0.meetings.chain') });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
