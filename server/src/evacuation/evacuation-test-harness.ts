import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Clock, ConsoleServerMessage, DeviceEvent } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';
import { AlarmService } from '../alarm/alarm-service';
import { buildApp } from '../app';
import { SessionService } from '../auth/sessions';
import { loadConfigFile, validateConfig } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import type { TryggConfig, UserConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import type { FeatureContext } from '../features/feature';
import type { MqttIngest } from '../ingest/mqtt-ingest';
import { createMetrics } from '../metrics/metrics';
import { NotificationCenter } from '../notify/notification-center';
import type { StoredNotification } from '../notify/notification-store';
import type { Notification, SendResult } from '../notify/notifier';
import type { FakeProvider } from '../notify/notifiers/fake-provider/fake-provider';
import { SqliteNotificationStore } from '../notify/sqlite-notification-store';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub, type ConsoleConnection } from '../ws/console-hub';
import { EvacuationFeature } from './evacuation-feature';

/**
 * Test-only: one server "life" over a data dir with the real pieces — SQLite stores, alarm
 * service, console hub, the notification center (dispatcher: stored, deduped, retried) with the
 * fake SMS/voice provider, e-mail to a local SMTP server and CAP to a local HTTP receiver — and
 * the REST app (inject; console sockets with injectWS).
 */
const logger = pino({ level: 'silent' });

export interface FarEnds {
  mail: { to: string; subject: string; text: string }[];
  /** Rejected with 550 at RCPT TO (a permanent failure). */
  badMail: Set<string>;
  cap: { path: string; body: string }[];
  smtpPort: number;
  httpPort: number;
  close(): Promise<void>;
}

/** A local SMTP server and CAP receiver that record what reaches them. */
export async function startFarEnds(): Promise<FarEnds> {
  const mail: FarEnds['mail'] = [];
  const badMail = new Set<string>();
  const cap: FarEnds['cap'] = [];
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, closeTimeout: 50,
    onRcptTo(address, _session, cb) {
      if (badMail.has(address.address)) return cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => {
        mail.push({ to: (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '', subject: m.subject ?? '', text: m.text ?? '' });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const http: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      cap.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  return {
    mail, badMail, cap,
    smtpPort: (smtp.server.address() as AddressInfo).port,
    httpPort: (http.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** The demo office with an assembly point, a fire panel relay, staff with phones and mail, and every channel. */
export function evacuationConfig(ends: Pick<FarEnds, 'smtpPort' | 'httpPort'> | undefined, extraStaff = 0): TryggConfig {
  const config = structuredClone(loadConfigFile(DEMO_CONFIG));
  const site = config.sites[0]!;
  site.evacuation = { assemblyPoint: { nb: 'Parkeringsplassen bak bygget', en: 'The car park behind the building' } };
  site.devices.push({ id: 'fire-panel', name: 'Brannsentral-relé', type: 'panic-button', roomId: 'backoffice', gatewayId: 'demo-gw', triggersEvacuation: true });
  const hash = config.users[0]!.passwordHash;
  const staff = (username: string, name: string, n: number, extra: Partial<UserConfig> = {}): UserConfig => ({
    username, name, role: 'employee', sites: ['demo'], passwordHash: hash, phone: `+47 900 ${String(n).padStart(5, '0')}`,
    email: `${username}@demo.example.org`, ...extra,
  });
  config.users = [
    staff('manager', 'Mona Leiar', 1, { role: 'manager' }),
    staff('kollega', 'Kari Kollega', 2, { role: 'responder', language: 'en' }),
    staff('per', 'Per Pedersen', 3),
    staff('anne', 'Anne Annesen', 4, { email: undefined }),
    // An admin of every site is not "registered at" this one: told only when at a console here.
    { username: 'admin', name: 'Ada Admin', role: 'admin', sites: ['*'], passwordHash: hash, phone: '+47 999 99 999' },
    ...Array.from({ length: extraStaff }, (_, i) => staff(`staff${i}`, `Ansatt ${i}`, 100 + i)),
  ];
  config.notifiers = [
    { id: 'sms', channel: 'sms' },
    { id: 'voice', channel: 'voice' },
    ...(ends ? [
      { id: 'mail', channel: 'email', settings: { host: '127.0.0.1', port: ends.smtpPort, from: '"Trygg" <alarm@trygg.example.org>', timeoutMs: 5000 } },
      { id: 'cap-guards', channel: 'cap', party: 'guards' as const, settings: { url: `http://127.0.0.1:${ends.httpPort}/guards` } },
      { id: 'cap-police', channel: 'cap', party: 'police' as const, settings: { url: `http://127.0.0.1:${ends.httpPort}/police` } },
    ] : []),
  ];
  return validateConfig(config, 'evacuation test office');
}

export class RecordingConsole implements ConsoleConnection {
  readonly messages: ConsoleServerMessage[] = [];
  constructor(readonly stationId: string, readonly user?: UserConfig) {}
  send(message: ConsoleServerMessage): void {
    this.messages.push(message);
  }
  of<T extends ConsoleServerMessage['type']>(type: T): Extract<ConsoleServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ConsoleServerMessage, { type: T }> => m.type === type);
  }
}

export async function bootEvacuation(dir: string, clock: Clock, config: TryggConfig) {
  const dbFile = join(dir, 'trygg.db');
  const directory = new OfficeDirectory(config);
  const store = new SqliteStore(dbFile);
  const metrics = createMetrics();
  const hub = new ConsoleHub(store, directory, metrics, logger, clock, 0);
  const outbound = { sendDeviceCommand: () => {}, publishAlarmState: () => {} };
  const alarms = new AlarmService({ store, directory, clock, hub, metrics, logger, outbound });
  const sessions = new SessionService(store, directory, clock);
  const permanentFailures: StoredNotification[] = [];
  const notificationStore = new SqliteNotificationStore(dbFile);
  const notifications = new NotificationCenter({
    directory, store: notificationStore, clock, logger, secrets: {},
    onPermanentFailure: async (n) => { permanentFailures.push(n); },
  });
  await notifications.start();
  alarms.setNotificationPort(notifications);
  const feature = new EvacuationFeature();
  const ctx: FeatureContext = {
    directory, store, alarms, hub, sessions, clock, logger, metrics, notifications, dbFile, ingest: outbound as unknown as MqttIngest,
  };
  await feature.start(ctx);
  await alarms.resume();
  const app = await buildApp({
    logger, directory, store, alarms, hub, sessions, metrics,
    readiness: { brokerConnected: () => true, storeOk: async () => true },
    featureRoutes: [(scope) => feature.routes(scope, ctx)],
  });
  const sms = notifications.notifier('sms') as FakeProvider;
  const voice = notifications.notifier('voice') as FakeProvider;

  let seq = 0;
  const press = async (deviceId: string) => {
    seq += 1;
    const event: DeviceEvent = {
      v: 1, eventId: `${deviceId}-press-${clock.now()}-${seq}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq,
      at: new Date(clock.now()).toISOString(),
    };
    return alarms.handleDeviceEvent(event, clock.now());
  };
  const console = async (stationId: string, username?: string) => {
    const conn = new RecordingConsole(stationId, username ? directory.user(username) : undefined);
    await hub.attach(conn, { stationId, siteId: 'demo', user: conn.user?.name ?? '' });
    return conn;
  };
  /** What the provider delivered for evacuations (not the evacuation alarm's own chain messages). */
  const evacuationMessages = async (provider: FakeProvider) => {
    const ours = await Promise.all(provider.delivered().map(async (m) => ((await notificationStore.get(m.id))?.dedupeKey.startsWith('evacuation:') ? m : undefined)));
    return ours.filter((m) => m !== undefined);
  };
  const close = async () => {
    await app.close();
    await feature.stop();
    await notifications.stop();
    alarms.stop();
    await notificationStore.close();
    await store.close();
  };
  return { directory, store, hub, alarms, feature, service: feature.service!, app, metrics, sms, voice, notifications, permanentFailures, press, console, evacuationMessages, close };
}

export type EvacuationOffice = Awaited<ReturnType<typeof bootEvacuation>>;

export async function login(app: FastifyInstance, username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: 'trygg-demo' } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'trygg_session')!;
  return `trygg_session=${cookie.value}`;
}

/** The provider refuses this number for good ("invalid number"), like a real one would. */
export function rejectNumber(provider: FakeProvider, phone: string): void {
  const send = provider.send.bind(provider);
  provider.send = async (n: Notification, signal: AbortSignal): Promise<SendResult> =>
    n.recipient.phone === phone ? { ok: false, recoverable: false, error: `${provider.channel} via fake provider: invalid number` } : send(n, signal);
}
