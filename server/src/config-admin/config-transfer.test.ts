import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { loginAs, OTHER_SITE_MANAGER, twoSiteOffice } from '../../../test/support/two-site-office';
import { hashPassword } from '../auth/password';
import type { TryggConfig, UserConfig } from '../config/types';
import { startTrygg, type RunningTrygg } from '../server';
import { UNSET_PASSWORD } from './config-transfer';

const PIN = 'hmac-sha256$0123abcd$c2FsdHNhbHQ=$' + 'A'.repeat(43) + '=';
const DC09_KEY = '00112233445566778899AABBCCDDEEFF';

/** Import and export on the real server (SQLite, embedded broker): within the importer's rights, never a secret. */
describe('configuration import and export', () => {
  let dir: string;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let manager: string;
  let admin: string;

  const history = async () => ((await app.inject({ method: 'GET', url: '/api/v1/config/history', headers: { cookie: admin } })).json() as { versions: unknown[] }).versions.length;
  const exportYaml = async (cookie: string) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/config?format=yaml', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    return res.body;
  };
  const importYaml = (cookie: string, text: string) =>
    app.inject({ method: 'PUT', url: '/api/v1/config', headers: { cookie, 'content-type': 'application/yaml' }, payload: text });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-config-transfer-'));
    const config = twoSiteOffice();
    config.sites[0]!.duressPinHash = PIN;
    config.sites[0]!.devices[0]!.cancelPinHash = PIN.replace('0123abcd', '0123abce');
    config.notifiers = [{ id: 'arc', channel: 'sia-dc09', party: 'guards', settings: { primary: { host: '127.0.0.1', port: 9, protocol: 'tcp' }, account: '1234', key: DC09_KEY, linkTestIntervalS: 0 } }];
    running = await startTrygg({
      config, dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [], logger: pino({ level: 'silent' }),
    });
    app = running.app;
    manager = await loginAs(app, 'manager');
    admin = await loginAs(app, 'admin');
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a manager exports their own site and the users they manage, with no hash, PIN or secret', async () => {
    const text = await exportYaml(manager);
    for (const secret of ['scrypt$', 'hmac-sha256$', DC09_KEY, 'passwordHash', 'PinHash']) expect(text).not.toContain(secret);
    const exported = parseYaml(text) as TryggConfig;
    expect(exported.sites.map((s) => s.id)).toEqual(['demo']);
    expect(exported.users.map((u) => u.username).sort()).toEqual(['employee-demo', 'kollega', 'manager', 'security-demo', 'sikkerhet']);
    expect(exported.notifiers).toBeUndefined();
    const json = await app.inject({ method: 'GET', url: '/api/v1/config', headers: { cookie: manager } });
    expect(json.body).not.toContain('scrypt$');
  });

  it('an administrator exports the whole installation, still with no hash, PIN or secret', async () => {
    const text = await exportYaml(admin);
    for (const secret of ['scrypt$', 'hmac-sha256$', DC09_KEY]) expect(text).not.toContain(secret);
    const exported = parseYaml(text) as TryggConfig;
    expect(exported.sites.map((s) => s.id)).toEqual(['demo', 'other']);
    expect(exported.users.map((u) => u.username)).toContain('admin');
    expect(exported.notifiers?.[0]).toMatchObject({ id: 'arc', settings: { account: '1234' } });
  });

  it('the reported attack: a manager edits the export (new hash for admin, a colleague made all-sites admin) and imports it: 403, nothing changes', async () => {
    const before = await history();
    const adminHashBefore = running.directory.user('admin')!.passwordHash;
    const exported = parseYaml(await exportYaml(manager)) as TryggConfig & { users: Partial<UserConfig>[] };
    const forged = await hashPassword('attacker-chosen-pw');
    exported.users.push({ username: 'admin', name: 'Administrator', role: 'admin', sites: ['*'], passwordHash: forged });
    const kollega = exported.users.find((u) => u.username === 'kollega')!;
    Object.assign(kollega, { role: 'admin', sites: ['*'] });
    const res = await importYaml(manager, stringifyYaml(exported));
    expect(res.statusCode).toBe(403);
    const body = res.json() as { code: string; message: string; problems: string[] };
    expect(body.code).toBe('TRYGG_SRV_IMPORT_FORBIDDEN');
    expect(body.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^users\.\d+\.passwordHash: an import cannot set or change a password or PIN/),
      expect.stringMatching(/^users\.\d+ \(admin\): you may not change this user/),
      expect.stringMatching(/^users\.\d+ \(kollega\): role admin is above yours/),
    ]));
    expect(body.message).toMatch(/this import changes what you may not change/);
    expect(await history()).toBe(before);
    expect(running.directory.user('admin')!.passwordHash).toBe(adminHashBefore);
    expect(running.directory.user('kollega')).toMatchObject({ role: 'responder', sites: ['demo'] });
    // The forged password does not open the admin account.
    expect((await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin', password: 'attacker-chosen-pw' } })).statusCode).toBe(401);
  });

  it('a manager cannot import another office, installation-wide settings, a new site, or a role above their own', async () => {
    const admins = parseYaml(await exportYaml(admin)) as TryggConfig;
    const before = await history();
    const cases: [TryggConfig, RegExp][] = [
      [{ ...admins, sites: admins.sites.map((s) => (s.id === 'other' ? { ...s, name: 'Taken over' } : s)) }, /^sites\.1 \(other\): not one of your sites/],
      [{ ...admins, sites: [admins.sites[0]!], notifiers: [] }, /^notifiers: installation-wide settings are changed by an administrator only/],
      [{ ...admins, sites: [admins.sites[0]!, { ...admins.sites[1]!, id: 'brand-new' }] }, /^sites\.1 \(brand-new\): /],
      [{ ...admins, sites: [admins.sites[0]!], users: [...admins.users, { username: 'boss', name: 'Boss', role: 'admin', sites: ['demo'] } as UserConfig] }, /\(boss\): role admin is above yours/],
      [{ ...admins, sites: [admins.sites[0]!], users: admins.users.map((u) => (u.username === 'kollega' ? { ...u, sites: ['demo', 'other'] } : u)) }, /\(kollega\): sites \["demo","other"\] are not all yours/],
    ];
    for (const [file, problem] of cases) {
      const res = await importYaml(manager, stringifyYaml(file));
      expect(res.statusCode, res.body).toBe(403);
      expect((res.json() as { problems: string[] }).problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
    }
    expect(await history()).toBe(before);
    expect(running.directory.site('other')!.name).toBe('Annakontoret');
  });

  it('a manager\'s import changes their own office only: the other office, its users and the notifiers stay as they were', async () => {
    const otherBefore = structuredClone(running.directory.site('other'));
    const outsiderBefore = running.directory.user(OTHER_SITE_MANAGER);
    const notifiersBefore = structuredClone(running.directory.rawConfig.notifiers);
    const exported = parseYaml(await exportYaml(manager)) as TryggConfig;
    exported.sites[0]!.rooms.find((r) => r.id === 'reception')!.name = 'Resepsjon';
    const res = await importYaml(manager, stringifyYaml(exported));
    expect(res.statusCode, res.body).toBe(200);
    expect(running.directory.room('demo', 'reception')!.name).toBe('Resepsjon');
    expect(running.directory.site('other')).toEqual(otherBefore);
    expect(running.directory.user(OTHER_SITE_MANAGER)).toEqual(outsiderBefore);
    expect(running.directory.rawConfig.notifiers).toEqual(notifiersBefore);
    // Stored secrets kept: passwords still work, PINs and gateway hashes are where they were.
    await loginAs(app, 'kollega');
    await loginAs(app, 'admin');
    expect(running.directory.site('demo')!.duressPinHash).toBe(PIN);
    expect(running.directory.site('demo')!.gateways[0]!.passwordHash).toMatch(/^scrypt\$16384/);
    expect(running.directory.site('demo')!.devices[0]!.cancelPinHash).toMatch(/^hmac-sha256\$/);
  });

  it('a new user from an import has no usable password until one is set in the console', async () => {
    const exported = parseYaml(await exportYaml(manager)) as TryggConfig;
    exported.users.push({ username: 'ny-fra-fil', name: 'Ny Frå Fil', role: 'responder', sites: ['demo'] } as UserConfig);
    expect((await importYaml(manager, stringifyYaml(exported))).statusCode).toBe(200);
    expect(running.directory.user('ny-fra-fil')!.passwordHash).toBe(UNSET_PASSWORD);
    for (const password of ['', 'unset', 'trygg-demo', UNSET_PASSWORD]) {
      expect((await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'ny-fra-fil', password: password || 'x' } })).statusCode).toBe(401);
    }
    const set = await app.inject({
      method: 'PUT', url: '/api/v1/users/ny-fra-fil', headers: { cookie: manager },
      payload: { username: 'ny-fra-fil', name: 'Ny Frå Fil', role: 'responder', sites: ['demo'], password: 'a-long-new-password' },
    });
    expect(set.statusCode).toBe(200);
    await loginAs(app, 'ny-fra-fil', 'a-long-new-password');
  });

  it('an administrator re-imports the whole installation: hashes, PINs and the DC-09 key are kept', async () => {
    const text = await exportYaml(admin);
    const res = await importYaml(admin, text);
    expect(res.statusCode, res.body).toBe(200);
    await loginAs(app, 'manager');
    expect((running.directory.rawConfig.notifiers![0]!.settings as { key: string }).key).toBe(DC09_KEY);
    expect(running.directory.site('demo')!.duressPinHash).toBe(PIN);
    // A new gateway may bring its first hash (as POST /api/v1/sites/:id/gateways may); an existing one keeps its own.
    const gatewayHash = await hashPassword('a-new-gateway-password');
    const withGateway = parseYaml(text) as TryggConfig;
    withGateway.sites[1]!.gateways.push({ id: 'other-gw-2', username: 'other-gw-2', passwordHash: gatewayHash });
    expect((await importYaml(admin, stringifyYaml(withGateway))).statusCode).toBe(200);
    expect(running.directory.site('other')!.gateways.find((g) => g.id === 'other-gw-2')!.passwordHash).toBe(gatewayHash);
    withGateway.sites[1]!.gateways[0]!.passwordHash = gatewayHash;
    const changed = await importYaml(admin, stringifyYaml(withGateway));
    expect(changed.statusCode).toBe(403);
    expect((changed.json() as { problems: string[] }).problems).toEqual(['sites.1.gateways.0.passwordHash: an import cannot set or change a password or PIN; set it in the console']);
    // Even an administrator's import cannot set a user's password.
    const exported = parseYaml(text) as TryggConfig;
    exported.users.find((u) => u.username === 'kollega')!.passwordHash = await hashPassword('set-by-import');
    const refused = await importYaml(admin, stringifyYaml(exported));
    expect(refused.statusCode).toBe(403);
    expect((refused.json() as { problems: string[] }).problems).toEqual([expect.stringMatching(/^users\.\d+\.passwordHash: an import cannot set/)]);
  });
});
