import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootEvacuation, evacuationConfig, login, startFarEnds, type EvacuationOffice, type FarEnds } from './evacuation-test-harness';

/**
 * One evacuation, one CAP alert per receiver: the evacuation's fan-out sends it, and the
 * evacuation alarm's chain — which here also names the guards' CAP receiver — does not send a
 * second one. When the evacuation alarm is resolved, the Cancel names the alert it cancels.
 */
let ends: FarEnds;
let dir: string;
let office: EvacuationOffice;

beforeAll(async () => {
  ends = await startFarEnds();
});
afterAll(async () => {
  await ends.close();
});
afterEach(async () => {
  await office?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CAP for an evacuation', () => {
  it('one alert per receiver even when the alarm chain also targets the same CAP notifier; the Cancel references it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-evac-cap-'));
    ends.cap.length = 0;
    const config = evacuationConfig(ends);
    for (const chain of config.sites[0]!.chains) chain.steps[0]!.targets.push({ external: 'cap-guards' });
    office = await bootEvacuation(dir, new FakeClock(), config);
    const cookie = await login(office.app, 'manager');
    const res = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/evacuations', headers: { cookie }, payload: {} });
    expect(res.statusCode, res.body).toBe(201);
    const { alarmId } = (res.json() as { evacuation: { alarmId: string } }).evacuation;
    await vi.waitFor(async () => {
      const cap = (await office.notifications.listByAlarm(alarmId)).filter((n) => n.channel === 'cap');
      expect(cap.map((n) => n.state)).toEqual(['delivered', 'delivered']);
    }, { timeout: 10_000 });
    const cap = (await office.notifications.listByAlarm(alarmId)).filter((n) => n.channel === 'cap');
    expect(cap.map((n) => n.target).sort()).toEqual(['cap-guards', 'cap-police']);
    expect(ends.cap.map((c) => c.path).sort()).toEqual(['/guards', '/police']);

    // Resolving the evacuation alarm: the guards (named by its chain) get a Cancel naming the alert.
    const resolved = await office.app.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/resolve`, headers: { cookie }, payload: { outcome: 'real' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    await vi.waitFor(() => expect(ends.cap.filter((c) => c.path === '/guards')).toHaveLength(2), { timeout: 10_000 });
    const alert = cap.find((n) => n.target === 'cap-guards')!;
    const cancel = ends.cap.filter((c) => c.path === '/guards')[1]!.body;
    expect(cancel).toContain('<msgType>Cancel</msgType>');
    expect(cancel).toContain(`<references>trygg@demo,${alert.id},${alert.createdAt.slice(0, 19)}+00:00</references>`);
  });
});
