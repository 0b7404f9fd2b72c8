import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { loginAs, OTHER_SITE_MANAGER, twoSiteOffice } from '../../../test/support/two-site-office';
import { startTrygg, type RunningTrygg } from '../server';

/** Site edits on the real server: neighbour agreements both sites make, and no unknown fields. */
describe('site boundaries in the configuration', () => {
  let dir: string;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let demoManager: string;
  let otherManager: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-neighbours-'));
    running = await startTrygg({
      config: twoSiteOffice(), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [], logger: pino({ level: 'silent' }),
    });
    app = running.app;
    demoManager = await loginAs(app, 'manager');
    otherManager = await loginAs(app, OTHER_SITE_MANAGER);
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const putSite = (cookie: string, siteId: string, payload: object) => app.inject({ method: 'PUT', url: `/api/v1/sites/${siteId}`, headers: { cookie }, payload });
  const demoFields = () => ({ name: 'Demokontoret', defaultChain: 'standard' });
  const chainToOther = () => app.inject({
    method: 'POST', url: '/api/v1/sites/demo/chains', headers: { cookie: demoManager },
    payload: { id: 'to-neighbour', steps: [{ afterSeconds: 0, targets: [{ site: 'other' }] }] },
  });
  const smallOffice = () => running.directory.rawConfig.sites[0]!.noRespondersOnSite;

  it('PUT /api/v1/sites/:id refuses unknown fields, and changes nothing', async () => {
    const before = structuredClone(running.directory.site('demo'));
    for (const extra of [{ chains: [] }, { noRespondersOnSite: { neighbours: ['other'] } }, { nmae: 'typo' }]) {
      const res = await putSite(demoManager, 'demo', { ...demoFields(), ...extra });
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'TRYGG_SRV_BAD_REQUEST', message: expect.stringContaining('must NOT have additional properties') });
    }
    expect(running.directory.site('demo')).toEqual(before);
  });

  it('a chain may reach another site\'s consoles only when both sites agreed, each in its own configuration', async () => {
    const refused = await chainToOther();
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as { problems: string[] }).problems).toEqual([
      expect.stringMatching(/^sites\.0\.chains\.\d+\.steps\.0\.targets\.0\.site: no neighbour agreement between "demo" and "other" \("demo" does not list "other", "other" does not list "demo" in neighbourAgreements\)$/),
    ]);
    // One side agreeing is not enough.
    expect((await putSite(demoManager, 'demo', { ...demoFields(), neighbourAgreements: ['other'] })).statusCode).toBe(200);
    const oneSided = await chainToOther();
    expect(oneSided.statusCode).toBe(400);
    expect((oneSided.json() as { problems: string[] }).problems[0]).toMatch(/"other" does not list "demo"/);
    // A manager cannot agree on another site's behalf.
    expect((await putSite(demoManager, 'other', { name: 'Annakontoret', defaultChain: 'o-chain', neighbourAgreements: ['demo'] })).statusCode).toBe(404);
    expect(running.directory.site('other')!.neighbourAgreements).toBeUndefined();

    expect((await putSite(otherManager, 'other', { name: 'Annakontoret', defaultChain: 'o-chain', neighbourAgreements: ['demo'] })).statusCode).toBe(200);
    // Both sites see the agreement in their own site.
    expect((await app.inject({ method: 'GET', url: '/api/v1/sites/other', headers: { cookie: otherManager } })).json()).toMatchObject({ site: { neighbourAgreements: ['demo'] } });
    expect((await app.inject({ method: 'GET', url: '/api/v1/sites/demo', headers: { cookie: demoManager } })).json()).toMatchObject({ site: { neighbourAgreements: ['other'] } });
    expect((await chainToOther()).statusCode).toBe(201);
    expect(running.directory.site('demo')!.chains.find((c) => c.id === 'to-neighbour')).toBeDefined();

    // Withdrawing the agreement is refused while a chain still relies on it: the path says where.
    const withdraw = await putSite(otherManager, 'other', { name: 'Annakontoret', defaultChain: 'o-chain', neighbourAgreements: [] });
    expect(withdraw.statusCode).toBe(400);
    expect((withdraw.json() as { problems: string[] }).problems[0]).toMatch(/^sites\.0\.chains\.\d+\.steps\.0\.targets\.0\.site: no neighbour agreement/);
    expect(smallOffice()).toBeUndefined();
  });
});
