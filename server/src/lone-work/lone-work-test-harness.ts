import { noNotifications } from '../notify/no-notifications';
import { join } from 'node:path';
import type { ConsoleServerMessage, DeviceCommand, DeviceEvent, FakeClock } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import { AlarmService } from '../alarm/alarm-service';
import { buildApp } from '../app';
import { SessionService } from '../auth/sessions';
import { loadConfigFile, validateConfig } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import type { TryggConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import type { MqttIngest } from '../ingest/mqtt-ingest';
import { createMetrics } from '../metrics/metrics';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub, type ConsoleConnection } from '../ws/console-hub';
import { LoneWorkFeature } from './lone-work-feature';
import { hashPin } from './pin-hash';

/** Test-only: the install key, the wearer's PINs and the demo office with two portable alarms. */
export const PIN_KEY = 'test-pin-key-0123456789abcdef0123456789';
export const CANCEL_PIN = '1234';
export const DURESS_PIN = '9911';
const logger = pino({ level: 'silent' });

export function loneWorkConfig(): TryggConfig {
  const config = structuredClone(loadConfigFile(DEMO_CONFIG));
  const site = config.sites[0]!;
  const key = Buffer.from(PIN_KEY);
  site.devices.push(
    { id: 'alarm-kari', name: 'Tryggleiksalarm 1', type: 'portable', gatewayId: 'demo-gw', person: 'Kari Kollega',
      cancelPinHash: hashPin(CANCEL_PIN, key), duressPinHash: hashPin(DURESS_PIN, key) },
    { id: 'alarm-ola', type: 'portable', gatewayId: 'demo-gw', person: 'Ola Heimeteneste' },
  );
  site.loneWork = { manDownPreAlarmSeconds: 30, checkinReminderMinutes: 5, maxVisitHours: 12 };
  const kollega = config.users.find((u) => u.username === 'kollega')!;
  config.users.push({ ...kollega, username: 'ola', name: 'Ola Heimeteneste', role: 'employee' });
  return validateConfig(config, 'lone-work test office');
}

export class RecordingConsole implements ConsoleConnection {
  readonly messages: ConsoleServerMessage[] = [];
  constructor(readonly stationId: string) {}
  send(message: ConsoleServerMessage): void {
    this.messages.push(message);
  }
  popups() {
    return this.messages.flatMap((m) => (m.type === 'popup' ? [m.alarm] : []));
  }
}

/** One server "life" over a data dir: real SQLite, alarm service, console hub, REST app (inject, no sockets). */
export async function bootLoneWork(dir: string, clock: FakeClock, config = loneWorkConfig()) {
  const directory = new OfficeDirectory(config);
  const store = new SqliteStore(join(dir, 'trygg.db'));
  const metrics = createMetrics();
  const hub = new ConsoleHub(store, directory, metrics, logger, clock, 0);
  const commands: DeviceCommand[] = [];
  const outbound = { sendDeviceCommand: (_s: string, _g: string, c: DeviceCommand) => { commands.push(c); }, publishAlarmState: () => {} };
  const alarms = new AlarmService({ store, directory, clock, hub, metrics, logger, outbound });
  const sessions = new SessionService(store, directory, clock);
  const feature = new LoneWorkFeature({ TRYGG_PIN_KEY: PIN_KEY });
  const ctx = {
    directory, store, alarms, hub, sessions, clock, logger, metrics, notifications: noNotifications, dbFile: join(dir, 'trygg.db'),
    ingest: outbound as unknown as MqttIngest,
  };
  await feature.start(ctx);
  const app = await buildApp({
    logger, directory, store, alarms, hub, sessions, metrics,
    readiness: { brokerConnected: () => true, storeOk: async () => true },
    featureRoutes: [(scope) => feature.routes(scope, ctx)],
  });
  const backoffice = new RecordingConsole('backoffice');
  await hub.attach(backoffice, { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });

  let seq = 0;
  const device = async (deviceId: string, kind: DeviceEvent['kind'], extra: Partial<DeviceEvent> = {}) => {
    seq += 1;
    const event: DeviceEvent = {
      v: 1, eventId: `${deviceId}-${kind}-${clock.now()}-${seq}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind, seq,
      at: new Date(clock.now()).toISOString(), ...extra,
    };
    return alarms.handleDeviceEvent(event, clock.now());
  };
  /** Moves the fake clock and waits until the timer tasks it started have finished. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await feature.settled();
  };
  const close = async () => {
    await app.close();
    await feature.stop();
    alarms.stop();
    await store.close();
  };
  return { directory, store, hub, alarms, feature, app, commands, backoffice, device, advance, close, actions: () => commands.map((c) => c.action) };
}

export async function login(app: FastifyInstance, username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: 'trygg-demo' } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'trygg_session')!;
  return `trygg_session=${cookie.value}`;
}
