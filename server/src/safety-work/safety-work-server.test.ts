import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { featureFactories } from '../features/index';
import { startTrygg, type RunningTrygg } from '../server';
import { bannedClientsFeature } from './banned-clients/banned-clients-feature';
import { drillsFeature } from './drills/drills-feature';
import { meetingsFeature } from './meetings/meetings-feature';
import { login } from './safety-work-test-kit';

/** The three features in the whole server (demo office, no `sites[].meetings`): wired, routed, stopped cleanly. */
describe('safety work in the server', () => {
  let dir: string;
  let trygg: RunningTrygg;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-safety-server-'));
    trygg = await startTrygg({
      config: loadConfigFile(DEMO_CONFIG), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], logger: pino({ level: 'silent' }), clock: new FakeClock(), features: [drillsFeature, meetingsFeature, bannedClientsFeature],
    });
  });

  afterAll(async () => {
    await trygg?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is registered in the feature list', () => {
    expect(featureFactories).toEqual(expect.arrayContaining([drillsFeature, meetingsFeature, bannedClientsFeature]));
  });

  it('starts a drill, registers a meeting on the room\'s own chain, and checks a name', async () => {
    const cookie = await login(trygg.app, 'manager');
    const drill = await trygg.app.inject({ method: 'POST', url: '/api/v1/sites/demo/drills', headers: { cookie }, payload: { roomId: 'interview-3' } });
    expect(drill.statusCode, drill.body).toBe(201);
    expect((await trygg.store.getAlarm(drill.json().drill.alarmIds[0]))?.drill).toBe(true);

    const to = new Date(Date.parse('2026-01-05T10:00:00Z')).toISOString();
    const meeting = await trygg.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: { cookie }, payload: { roomId: 'interview-1', to, reason: 'other' } });
    expect(meeting.statusCode, meeting.body).toBe(201);
    expect(meeting.json()).toMatchObject({ chain: null, meeting: { chainId: null } });

    const check = await trygg.app.inject({ method: 'POST', url: '/api/v1/banned-clients/check', headers: { cookie }, payload: { name: 'Ola Hansen', reason: 'test' } });
    expect(check.json()).toMatchObject({ match: false, appliesHere: false });
  });
});
