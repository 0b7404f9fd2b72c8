import { join } from 'node:path';
import type { ConsoleServerMessage, DeviceEvent, FakeClock } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import { AlarmService, type NotificationPort } from '../alarm/alarm-service';
import type { Alarm, StepNotification } from '../alarm/alarm-types';
import { buildApp } from '../app';
import { SessionService } from '../auth/sessions';
import { loadConfigFile, validateConfig } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import type { TryggConfig, UserConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import type { FeatureContext } from '../features/feature';
import type { MqttIngest } from '../ingest/mqtt-ingest';
import { createMetrics } from '../metrics/metrics';
import { noNotifications } from '../notify/no-notifications';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub, type ConsoleConnection } from '../ws/console-hub';
import { BannedClientsFeature } from './banned-clients/banned-clients-feature';
import type { MeetingsConfig } from './meetings/checklist';
import { DrillsFeature } from './drills/drills-feature';
import { MeetingsFeature } from './meetings/meetings-feature';

/**
 * Test-only: the demo office plus a second office ("nord"), guards and police as external
 * parties on the first chain step, a faster chain for elevated-risk meetings, and one user of
 * every role. One server "life": real SQLite, alarm service, console hub, REST app (inject).
 */
const logger = pino({ level: 'silent' });
export const PASSWORD = 'trygg-demo';

export function safetyConfig(): TryggConfig {
  const config = structuredClone(loadConfigFile(DEMO_CONFIG));
  const demo = config.sites[0]!;
  config.notifiers = [
    { id: 'guards', channel: 'sms', party: 'guards', to: { phone: '+4790000001', name: 'Vektartenesta' } },
    { id: 'police', channel: 'sms', party: 'police', to: { phone: '+4722225555', name: 'Politiet' } },
  ];
  demo.chains = [
    { id: 'standard', name: 'Kollegaer, vektarar og politi', steps: [
      { afterSeconds: 0, targets: [{ group: 'backoffice-team' }, { external: 'guards' }, { external: 'police' }], until: 'acknowledged' },
      { afterSeconds: 30, targets: [{ group: 'whole-office' }], until: 'acknowledged' },
    ] },
    { id: 'meeting-fast', name: 'Møte med auka risiko', steps: [
      { afterSeconds: 0, targets: [{ group: 'whole-office' }, { external: 'guards' }], until: 'acknowledged' },
      { afterSeconds: 10, targets: [{ station: 'manager-office' }], until: 'acknowledged' },
    ] },
  ];
  config.sites.push({
    id: 'nord', name: 'Kontor Nord', zones: [{ id: 'front', name: 'Mottak' }], rooms: [{ id: 'mottak', name: 'Mottak Nord', zoneId: 'front' }],
    gateways: [], devices: [], stations: [{ id: 'nord-pc', name: 'Nord-PC', zoneId: 'front', roomId: 'mottak' }], groups: [],
    chains: [{ id: 'std', steps: [{ afterSeconds: 0, targets: [{ station: 'nord-pc' }], until: 'acknowledged' }] }], defaultChain: 'std',
  });
  const hash = config.users[0]!.passwordHash;
  const user = (username: string, name: string, role: UserConfig['role'], sites: string[]): UserConfig => ({ username, name, role, sites, passwordHash: hash });
  config.users.push(
    user('resepsjon', 'Rita Resepsjon', 'employee', ['demo']),
    user('tryggleik', 'Tor Tryggleik', 'security', ['demo']),
    user('nordmottak', 'Nils Nord', 'employee', ['nord']),
    user('nordtrygg', 'Nora Nord', 'security', ['nord']),
  );
  const valid = validateConfig(config, 'safety-work test office');
  // `sites[].meetings` is read by the meetings feature; the schema does not know it yet.
  (valid.sites[0] as typeof valid.sites[0] & { meetings?: MeetingsConfig }).meetings = { chain: 'meeting-fast', graceMinutes: 10 };
  return valid;
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

/** What the alarm service handed to the notification channels, per alarm and step. */
export class RecordingNotifications implements NotificationPort {
  readonly sent: { alarm: Alarm; step: number | string; notifications: StepNotification[] }[] = [];
  send(alarm: Alarm, step: number | string, notifications: StepNotification[]): void {
    this.sent.push({ alarm, step, notifications });
  }
  targetsOf(alarmId: string): string[] {
    return this.sent.filter((s) => s.alarm.id === alarmId).flatMap((s) => s.notifications.map((n) => n.target));
  }
}

export async function bootSafetyWork(dir: string, clock: FakeClock, config = safetyConfig()) {
  const dbFile = join(dir, 'trygg.db');
  const directory = new OfficeDirectory(config);
  const store = new SqliteStore(dbFile);
  const metrics = createMetrics();
  const hub = new ConsoleHub(store, directory, metrics, logger, clock, 0);
  const outbound = { sendDeviceCommand: () => {}, publishAlarmState: () => {} };
  const alarms = new AlarmService({ store, directory, clock, hub, metrics, logger, outbound });
  const notifications = new RecordingNotifications();
  alarms.setNotificationPort(notifications);
  const sessions = new SessionService(store, directory, clock);
  const drills = new DrillsFeature();
  const meetings = new MeetingsFeature();
  const banned = new BannedClientsFeature();
  const ctx: FeatureContext = {
    directory, store, alarms, hub, sessions, clock, logger, metrics, notifications: noNotifications, dbFile, ingest: outbound as unknown as MqttIngest,
  };
  for (const f of [drills, meetings, banned]) await f.start(ctx);
  const app = await buildApp({
    logger, directory, store, alarms, hub, sessions, metrics,
    readiness: { brokerConnected: () => true, storeOk: async () => true },
    featureRoutes: [drills, meetings, banned].map((f) => (scope: FastifyInstance) => f.routes(scope, ctx)),
  });
  const backoffice = new RecordingConsole('backoffice');
  await hub.attach(backoffice, { stationId: 'backoffice', siteId: 'demo', user: 'Kari Kollega' });

  let seq = 0;
  const press = async (deviceId: string) => {
    seq += 1;
    const event: DeviceEvent = {
      v: 1, eventId: `${deviceId}-press-${clock.now()}-${seq}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq, at: new Date(clock.now()).toISOString(),
    };
    const receipt = await alarms.handleDeviceEvent(event, clock.now());
    return (await store.getAlarm(receipt.alarmId!))!;
  };
  const settled = async () => {
    await drills.settled();
    await meetings.settled();
    await banned.settled();
  };
  /** Moves the fake clock and waits for the timer tasks it started. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await settled();
  };
  const actor = (username: string) => {
    const u = directory.user(username)!;
    return { type: 'user' as const, username: u.username, name: u.name, stationId: 'backoffice' };
  };
  const close = async () => {
    await app.close();
    for (const f of [banned, meetings, drills]) await f.stop();
    alarms.stop();
    await store.close();
  };
  return { directory, store, hub, alarms, notifications, drills, meetings, banned, app, backoffice, press, advance, settled, actor, close };
}

export type SafetyOffice = Awaited<ReturnType<typeof bootSafetyWork>>;

export async function login(app: FastifyInstance, username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'trygg_session')!;
  return `trygg_session=${cookie.value}`;
}
