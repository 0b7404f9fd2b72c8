import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test/support/free-port';
import { loadConfigFile } from '../../config/load-config';
import type { TryggConfig } from '../../config/types';
import { DEMO_CONFIG } from '../../environment';
import { startTrygg, type RunningTrygg } from '../../server';

async function cookieFor(app: FastifyInstance, username: string, password = 'trygg-demo'): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  expect(res.statusCode).toBe(200);
  const c = res.cookies.find((x) => x.name === 'trygg_session')!;
  return `${c.name}=${c.value}`;
}

/** Configuration in the store: edits validated like the file, versioned, applied without restart. */
describe('configuration API', () => {
  let dir: string;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let manager: string;
  let kollega: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-config-api-'));
    running = await startTrygg({
      config: loadConfigFile(DEMO_CONFIG), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [], logger: pino({ level: 'silent' }),
    });
    app = running.app;
    manager = await cookieFor(app, 'manager');
    kollega = await cookieFor(app, 'kollega');
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a manager adds a room and a device; a press on the new device raises an alarm at once, no restart', async () => {
    const room = await app.inject({ method: 'POST', url: '/api/v1/sites/demo/rooms', headers: { cookie: manager }, payload: { id: 'interview-4', name: 'Samtalerom 4', zoneId: 'front', floor: '1' } });
    expect(room.statusCode).toBe(201);
    const device = await app.inject({ method: 'POST', url: '/api/v1/sites/demo/devices', headers: { cookie: manager }, payload: { id: 'interview-4', type: 'panic-button', roomId: 'interview-4', gatewayId: 'demo-gw' } });
    expect(device.statusCode).toBe(201);
    const receipt = await running.alarms.handleDeviceEvent({ v: 1, eventId: 'cfg-1', siteId: 'demo', gatewayId: 'demo-gw', deviceId: 'interview-4', kind: 'press', seq: 1, at: new Date().toISOString() }, Date.now());
    expect(receipt.status).toBe('stored');
    expect((await running.store.getAlarm(receipt.alarmId!))?.roomId).toBe('interview-4');
  });

  it('every problem comes back as path: message, and nothing changes', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/v1/config/history', headers: { cookie: manager } })).json() as { versions: unknown[] };
    const res = await app.inject({ method: 'POST', url: '/api/v1/sites/demo/devices', headers: { cookie: manager }, payload: { id: 'ghost', type: 'panic-button', roomId: 'no-such-room', gatewayId: 'no-such-gw' } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; problems: string[] };
    expect(body.code).toBe('TRYGG_SRV_CONFIG_REJECTED');
    expect(body.problems).toEqual(expect.arrayContaining([expect.stringMatching(/devices\.\d+\.roomId: unknown room "no-such-room"/), expect.stringMatching(/devices\.\d+\.gatewayId: unknown gateway "no-such-gw"/)]));
    const after = (await app.inject({ method: 'GET', url: '/api/v1/config/history', headers: { cookie: manager } })).json() as { versions: unknown[] };
    expect(after.versions).toHaveLength(before.versions.length);
    expect(running.directory.device('demo', 'ghost')).toBeUndefined();
  });

  it('edits are versioned with their author; export gives the file format back; import validates', async () => {
    const history = (await app.inject({ method: 'GET', url: '/api/v1/config/history', headers: { cookie: manager } })).json() as { versions: { version: number; actor: string; note: string }[] };
    expect(history.versions[0]).toMatchObject({ actor: 'user:manager', note: expect.stringContaining('devices interview-4') });
    expect(history.versions.at(-1)).toMatchObject({ version: 1, actor: 'file' });
    const yamlText = (await app.inject({ method: 'GET', url: '/api/v1/config?format=yaml', headers: { cookie: manager } })).body;
    const exported = parseYaml(yamlText) as TryggConfig;
    expect(exported.sites[0]!.rooms.map((r) => r.id)).toContain('interview-4');
    const reimport = await app.inject({ method: 'PUT', url: '/api/v1/config', headers: { cookie: manager, 'content-type': 'application/yaml' }, payload: yamlText });
    expect(reimport.statusCode).toBe(200);
    // The whole installation is an administrator's to import (a manager's import is their own sites).
    const broken = await app.inject({ method: 'PUT', url: '/api/v1/config', headers: { cookie: await cookieFor(app, 'admin'), 'content-type': 'application/yaml' }, payload: 'version: 1\nsites: []\nusers: []\n' });
    expect(broken.statusCode).toBe(400);
    expect((broken.json() as { problems: string[] }).problems[0]).toMatch(/^sites: /);
  });

  it('no password or PIN hash is ever sent to the console, and edits keep them', async () => {
    const pin = 'hmac-sha256$0123abcd$c2FsdHNhbHQ=$' + 'A'.repeat(43) + '=';
    running.directory.replace({ ...running.directory.rawConfig, sites: running.directory.rawConfig.sites.map((s) => ({ ...s, devices: s.devices.map((d) => (d.id === 'interview-1' ? { ...d, duressPinHash: pin } : d)) })) });
    const site = await app.inject({ method: 'GET', url: '/api/v1/sites/demo', headers: { cookie: kollega } });
    expect(site.body).not.toContain('scrypt$');
    expect(site.body).not.toContain(pin);
    const edit = await app.inject({ method: 'PUT', url: '/api/v1/sites/demo/devices/interview-1', headers: { cookie: manager }, payload: { id: 'interview-1', name: 'Ny knapp', type: 'panic-button', roomId: 'interview-1', gatewayId: 'demo-gw' } });
    expect(edit.statusCode).toBe(200);
    expect(running.directory.device('demo', 'interview-1')).toMatchObject({ name: 'Ny knapp', duressPinHash: pin });
  });

  it('an admin creates a site from an id and a name and deletes it again; a manager may not', async () => {
    const admin = await cookieFor(app, 'admin');
    expect((await app.inject({ method: 'POST', url: '/api/v1/sites', headers: { cookie: manager }, payload: { id: 'nabo', name: 'Nabokontoret' } })).statusCode).toBe(403);
    const created = await app.inject({ method: 'POST', url: '/api/v1/sites', headers: { cookie: admin }, payload: { id: 'nabo', name: 'Nabokontoret', timezone: 'Europe/Oslo' } });
    expect(created.statusCode).toBe(201);
    expect(running.directory.chainFor('nabo', 'main').steps[0]!.targets).toEqual([{ zone: 'main' }]);
    // Every console station has the discreet panic button, so it needs the room it stands in (issue 12).
    const roomless = await app.inject({ method: 'POST', url: '/api/v1/sites/nabo/stations', headers: { cookie: admin }, payload: { id: 'nabo-pc', name: 'Nabo-PC', zoneId: 'main' } });
    expect(roomless.statusCode, roomless.body).toBe(400);
    expect(roomless.json().problems).toEqual(['sites.1.stations.0.roomId: station "nabo-pc" has the discreet panic button, so it needs the room it stands in']);
    expect((await app.inject({ method: 'POST', url: '/api/v1/sites/nabo/rooms', headers: { cookie: admin }, payload: { id: 'nabo-mottak', name: 'Mottak', zoneId: 'main' } })).statusCode).toBe(201);
    const station = await app.inject({ method: 'POST', url: '/api/v1/sites/nabo/stations', headers: { cookie: admin }, payload: { id: 'nabo-pc', name: 'Nabo-PC', zoneId: 'main', roomId: 'nabo-mottak' } });
    expect(station.statusCode).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/sites/nabo', headers: { cookie: admin } })).statusCode).toBe(200);
    expect(running.directory.site('nabo')).toBeUndefined();
  });

  it('roles: a responder cannot edit; a manager cannot create an admin; action cards can be added to a site without any', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/v1/sites/demo/rooms', headers: { cookie: kollega }, payload: { id: 'x', name: 'X', zoneId: 'front' } })).statusCode).toBe(403);
    const admin = await app.inject({ method: 'POST', url: '/api/v1/users', headers: { cookie: manager }, payload: { username: 'eve', name: 'Eve', role: 'admin', sites: ['demo'], password: 'long-enough-pw' } });
    expect(admin.statusCode).toBe(403);
    const user = await app.inject({ method: 'POST', url: '/api/v1/users', headers: { cookie: manager }, payload: { username: 'ny', name: 'Ny Kollega', role: 'responder', sites: ['demo'], password: 'long-enough-pw' } });
    expect(user.statusCode).toBe(201);
    expect(JSON.stringify(user.json())).not.toContain('scrypt$');
    await cookieFor(app, 'ny', 'long-enough-pw');
    const card = await app.inject({
      method: 'POST', url: '/api/v1/sites/demo/actionCards', headers: { cookie: manager },
      payload: { id: 'panic-card', kind: 'panic', title: { nb: 'Alarm', en: 'Alarm' }, steps: { nb: ['Gå to og to'], en: ['Go in pairs'] } },
    });
    expect(card.statusCode).toBe(201);
  });
});
