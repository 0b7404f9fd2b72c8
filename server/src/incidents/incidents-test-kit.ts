import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceEvent, FakeClock } from '@trygg/protocol';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import type { Actor } from '../alarm/alarm-types';
import { loadConfigFile } from '../config/load-config';
import type { TryggConfig, UserConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import type { Feature } from '../features/feature';
import type { NotificationRequest } from '../notify/dispatcher';
import type { Notifications } from '../notify/notification-center';
import { startTrygg, type RunningTrygg } from '../server';
import { IncidentsFeature } from './incidents-feature';

/** Test support: the whole server in-process with only the incidents feature, fake time, real SQLite. */
export const PASSWORD = 'trygg-demo';

/**
 * The demo office plus a neighbouring site and the roles the tests need: employees eva and erik,
 * security contact sigrid (demo), manager olav of the other site. `manager` and `kollega` are the demo's.
 */
export function incidentsConfig(edit?: (config: TryggConfig) => void): TryggConfig {
  const config = loadConfigFile(DEMO_CONFIG);
  const passwordHash = config.users[0]!.passwordHash;
  const user = (username: string, name: string, role: UserConfig['role'], sites: string[]): UserConfig => ({ username, name, role, sites, passwordHash });
  config.sites.push({
    id: 'other', name: 'Nabokontoret', zones: [{ id: 'o-front', name: 'Mottak' }], rooms: [{ id: 'o-reception', name: 'Mottak', zoneId: 'o-front' }],
    gateways: [], devices: [], stations: [{ id: 'other-desk', name: 'Nabo-PC', zoneId: 'o-front', roomId: 'o-reception' }], groups: [],
    chains: [{ id: 'o-std', steps: [{ afterSeconds: 0, targets: [{ station: 'other-desk' }] }] }], defaultChain: 'o-std',
  });
  config.users.push(
    user('eva', 'Eva Tilsett', 'employee', ['demo']),
    user('erik', 'Erik Tilsett', 'employee', ['demo']),
    user('sigrid', 'Sigrid Tryggleik', 'security', ['demo']),
    user('olav', 'Olav Nabo', 'manager', ['other']),
  );
  edit?.(config);
  return config;
}

/**
 * `dir`: reuse a data directory (a restart); `withFeature: false` runs the server without the
 * incidents feature; `notifications`: what the feature gets instead of the server's (a recorder).
 */
export async function bootIncidents(clock: FakeClock, config: TryggConfig = incidentsConfig(), opts: { dir?: string; withFeature?: boolean; notifications?: Notifications } = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'trygg-incidents-'));
  const feature = new IncidentsFeature();
  const wrapped: Feature = opts.notifications ? {
    name: feature.name,
    start: (ctx) => feature.start({ ...ctx, notifications: opts.notifications! }),
    stop: () => feature.stop(),
    routes: (app, ctx) => feature.routes(app, { ...ctx, notifications: opts.notifications! }),
  } : feature;
  const running: RunningTrygg = await startTrygg({
    config, dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
    embeddedGateways: [], logger: pino({ level: 'silent' }), clock, features: opts.withFeature === false ? [] : [() => wrapped],
  });
  const app: FastifyInstance = running.app;
  const cookies = new Map<string, string>();
  let seq = 0;

  const login = async (username: string): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: PASSWORD } });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = `trygg_session=${res.cookies.find((c) => c.name === 'trygg_session')!.value}`;
    cookies.set(username, cookie);
    return cookie;
  };

  return {
    dir, running, app, feature,
    login,
    /** A request as `username` (logged in on first use; call `relogin()` after moving time past the session). */
    async as(username: string, options: InjectOptions): Promise<LightMyRequestResponse> {
      const cookie = cookies.get(username) ?? await login(username);
      return app.inject({ ...options, headers: { ...(options.headers ?? {}), cookie } });
    },
    relogin() {
      cookies.clear();
    },
    async press(deviceId: string): Promise<string> {
      seq += 1;
      const event: DeviceEvent = { v: 1, eventId: `incident-test-${seq}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq, at: new Date(clock.now()).toISOString() };
      const receipt = await running.alarms.handleDeviceEvent(event, clock.now());
      expect(receipt.status).toBe('stored');
      return receipt.alarmId!;
    },
    userActor(username: string, name: string): Actor {
      return { type: 'user', username, name, stationId: 'backoffice' };
    },
    /** Stops the server; the data directory is removed unless `keep` (for a restart). */
    async close(keep = false) {
      await running.close();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type IncidentsLife = Awaited<ReturnType<typeof bootIncidents>>;

/** A small RFC 4180 reader for the export test (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += ch;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

/** Notifications that record what a feature hands over and answer like the dispatcher. */
export function recordingNotifications(): Notifications & { requests: NotificationRequest[] } {
  const requests: NotificationRequest[] = [];
  const keys = new Map<string, string>();
  return {
    requests,
    async dispatch(batch) {
      return batch.map((r) => {
        const key = r.dedupeKey!;
        const created = !keys.has(key);
        if (created) { keys.set(key, `n-${keys.size + 1}`); requests.push(r); }
        return { id: keys.get(key)!, dedupeKey: key, created, state: 'pending' as const };
      });
    },
    onReply: () => undefined,
    onOutcome: () => undefined,
    listByAlarm: async () => [],
  };
}
