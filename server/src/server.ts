import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway, type DeviceTransportConfig, type Gateway } from '@trygg/gateway';
import { systemClock, type Clock } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AlarmService } from './alarm/alarm-service';
import { buildApp } from './app';
import { SessionService, type SessionTimeouts } from './auth/sessions';
import { accountsOnKnownPasswords, CheckedHashes, configuredHashes, describeKnownPasswordAccounts, isLoopbackHost } from './auth/known-passwords';
import type { TlsMaterial } from './tls/tls-material';
import { createBrokerAuthenticator, type InternalBrokerAccount } from './broker/broker-authenticator';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded-broker';
import { DEFAULT_PUBLISH_RATE_LIMIT, publishLimitFromEnv, type PublishRateLimitSettings } from './broker/publish-rate-limit';
import { OfficeDirectory } from './config/office-directory';
import { validateConfig } from './config/load-config';
import type { TryggConfig } from './config/types';
import { TryggError } from './errors';
import { MqttIngest } from './ingest/mqtt-ingest';
import { MqttLink } from './ingest/mqtt-link';
import { DeviceDirectoryPublisher } from './gateway-directory/device-directory-publisher';
import { createMetrics } from './metrics/metrics';
import { createAuthFailureLimiter } from './broker/auth-failure-limiter';
import { abuseSettingsFromEnv, type AbuseSettings } from './security/abuse-settings';
import { SqliteStore } from './store/sqlite/sqlite-store';
import type { Store } from './store/store';
import { ConsoleHub } from './ws/console-hub';
import { StationCredentialStore } from './stations/station-credential-store';
import { StationCredentials } from './stations/station-credentials';
import { ConfigService } from './config-admin/config-service';
import { NotificationCenter } from './notify/notification-center';
import { countArcFrames } from './notify/arc-metrics';
import { secretsFromEnv } from './notify/notifier-factory';
import { SqliteNotificationStore } from './notify/sqlite-notification-store';
import { startArcLinkSupervision } from './notify/arc-link-watch';
import { ConfigVersionStore } from './config-admin/config-version-store';
import { runtimeCheck } from './config-admin/config-dry-run';
import { raiseConfigFallbackAlarm, reportConfigFallback } from './config-admin/config-fallback';
import type { FeatureContext, FeatureFactory } from './features/feature';
import { featureFactories } from './features/index';
import type { ResponseContractMode } from './api-contract/response-contract';

export const DEFAULT_CONSOLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../alarm-console/dist');

export interface TryggOptions {
  /** Seeds a new installation; afterwards the stored configuration is the source of truth. */
  config: TryggConfig;
  configSource?: string;
  /** Runtime-only adjustments (demo switches), never stored. */
  configOverlay?: (config: TryggConfig) => TryggConfig;
  dataDir: string;
  httpHost?: string;
  httpPort: number;
  mqttHost?: string;
  /** Port of the embedded broker; ignored when `mqttUrl` names an external broker. */
  mqttPort: number;
  mqttUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  /** Run a gateway for each of these in this process (the demo's one-process office). */
  embeddedGateways?: { siteId: string; gatewayId: string }[];
  logger: Logger;
  clock?: Clock;
  consoleDir?: string;
  presenceGraceMs?: number;
  secureCookies?: boolean;
  /** PEM files' contents: PORT serves HTTPS/WSS, the embedded broker MQTTS (mTLS for gateways with `ca`). */
  tls?: TlsMaterial;
  /** User sessions' idle and absolute timeouts; defaults in auth/sessions.ts. */
  sessionTimeouts?: Partial<SessionTimeouts>;
  consolePingIntervalMs?: number;
  gatewayResendIntervalMs?: number;
  /** Features to run; default every feature in features/index.ts. */
  features?: FeatureFactory[];
  /** Login lockouts, rate limits, HTTP timeouts, public origins; default from the environment. */
  abuse?: AbuseSettings;
  env?: NodeJS.ProcessEnv;
  /** Answers that break their schema: fail them (default, for tests) or send and log them (`npm start`). */
  responseContract?: ResponseContractMode;
}

export interface RunningTrygg {
  app: FastifyInstance;
  httpPort: number;
  mqttPort?: number;
  mqttUrl: string;
  store: Store;
  directory: OfficeDirectory;
  alarms: AlarmService;
  hub: ConsoleHub;
  gateways: Gateway[];
  /** The configuration file differs from the stored configuration that runs (not applied; ConfigService.bootstrap). */
  configFileIgnored?: TryggError;
  close(): Promise<void>;
}

function configuredPublishLimit(config: TryggConfig): PublishRateLimitSettings {
  return { ...DEFAULT_PUBLISH_RATE_LIMIT, ...config.broker?.devicePublishLimit };
}

function portInUse(err: unknown, port: number, variable: string): unknown {
  return (err as { code?: string }).code === 'EADDRINUSE' ? new TryggError('TRYGG_SRV_PORT_IN_USE', [port, variable], { cause: err }) : err;
}

/**
 * Starts the whole server: store, broker (embedded unless MQTT_URL), MQTT ingest, alarm service
 * with resumed escalations, HTTP + WebSocket, and the embedded gateways. Order matters: the
 * store and ingest are up before anything can publish an event to them.
 */
export async function startTrygg(options: TryggOptions): Promise<RunningTrygg> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const abuse = options.abuse ?? abuseSettingsFromEnv(options.env ?? process.env);
  const store = new SqliteStore(join(options.dataDir, 'trygg.db'));
  const versions = new ConfigVersionStore(join(options.dataDir, 'trygg.db'));
  const cleanups: (() => Promise<void>)[] = [() => store.close(), async () => versions.close()];
  let directory: OfficeDirectory;
  // "Valid" means "builds": notifiers and transports are built once in a dry run, with the server's secrets.
  const check = runtimeCheck({ clock, secrets: secretsFromEnv(options.env ?? process.env) });
  let boot: ReturnType<typeof ConfigService.bootstrap>;
  try {
    boot = ConfigService.bootstrap(versions, options.config, options.configSource ?? 'configuration file', clock, logger, check);
    reportConfigFallback(boot.fallback, logger, metrics.registry);
    directory = new OfficeDirectory(boot.config, options.configOverlay);
    if (options.configOverlay) validateConfig(directory.config, 'configuration with demo settings');
  } catch (err) {
    for (const fn of cleanups.reverse()) await fn();
    throw err;
  }
  const configService = new ConfigService(versions, directory, clock, logger.child({ component: 'config' }), check);
  const closeAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
  };

  try {
    // Published passwords are fine on loopback (the demo) and nowhere else (issue 10).
    const httpHost = options.httpHost ?? '127.0.0.1';
    const exposed = [httpHost, ...(options.mqttUrl ? [] : [options.mqttHost ?? httpHost])].filter((h) => !isLoopbackHost(h));
    if (exposed.length > 0) {
      const checked = new CheckedHashes(join(options.dataDir, 'known-password-check.json'));
      const known = await accountsOnKnownPasswords(directory.config, undefined, checked);
      checked.save(configuredHashes(directory.config));
      if (known.length > 0) throw new TryggError('TRYGG_SRV_KNOWN_PASSWORD', [[...new Set(exposed)].join(', '), describeKnownPasswordAccounts(known)]);
    }
    const serverAccount = { username: `trygg-server-${randomBytes(4).toString('hex')}`, password: randomBytes(24).toString('base64url') };
    const gatewayAccounts = (options.embeddedGateways ?? []).map((g) => ({
      ...g, username: `trygg-embedded-${g.siteId}-${g.gatewayId}`, password: randomBytes(24).toString('base64url'),
    }));
    let broker: EmbeddedBroker | undefined;
    let mqttUrl = options.mqttUrl;
    if (!mqttUrl) {
      const internal: InternalBrokerAccount[] = [
        { ...serverAccount, principal: { role: 'server' } },
        ...gatewayAccounts.map((g) => ({ username: g.username, password: g.password, principal: { role: 'gateway' as const, siteId: g.siteId, gatewayId: g.gatewayId } })),
      ];
      // Broker accounts follow configuration edits made in the console, without a restart.
      const build = (c: TryggConfig) => createBrokerAuthenticator(c, internal, { allowAnonymous: c.broker?.allowAnonymous ?? false });
      let current = build(directory.config);
      const envLimit = publishLimitFromEnv(options.env ?? process.env);
      let publishLimit = envLimit ?? configuredPublishLimit(directory.config);
      directory.onReplace((c) => {
        current = build(c);
        publishLimit = envLimit ?? configuredPublishLimit(c);
      });
      const authenticator = { authenticate: (u: string | undefined, p: Buffer | undefined) => current.authenticate(u, p) };
      broker = await startEmbeddedBroker({
        // Follows the HTTP host unless MQTT_HOST says otherwise: HOST=127.0.0.1 keeps both local.
        host: options.mqttHost ?? options.httpHost, port: options.mqttPort, authenticator, logger: logger.child({ component: 'broker' }),
        onReject: (reason) => metrics.brokerRejected.inc({ reason }),
        onQos0Dropped: () => metrics.brokerQos0Dropped.inc(),
        authFailures: createAuthFailureLimiter(clock, abuse.mqtt, (scope) => metrics.authLockouts.inc({ service: 'mqtt', scope })),
        // Sessions and queued presses on disk: a gateway's queue survives a crash of this process.
        persistenceDir: join(options.dataDir, 'broker'), clock,
        gatewaySites: () => directory.config.sites.filter((s) => s.gateways.length > 0).map((s) => s.id),
        publishRateLimit: () => publishLimit,
        tls: options.tls, internalUsernames: new Set(internal.map((a) => a.username)),
      }).catch((err: unknown) => { throw portInUse(err, options.mqttPort, 'MQTT_PORT'); });
      const b = broker;
      cleanups.push(() => b.close());
      // Under TLS the server's own clients use the broker's loopback-only plain port.
      mqttUrl = `mqtt://127.0.0.1:${broker.internalPort ?? broker.port}`;
    }

    const link = new MqttLink({
      url: mqttUrl, clientId: `trygg-server-${randomBytes(4).toString('hex')}`, logger: logger.child({ component: 'mqtt-link' }),
      ...(broker ? serverAccount : { username: options.mqttUsername, password: options.mqttPassword }),
    });
    cleanups.push(() => link.close());
    // Each gateway learns its site's devices (retained), so it refuses junk before its outbox.
    new DeviceDirectoryPublisher({ link, directory, clock, logger: logger.child({ component: 'device-directory' }) }).start();
    const hub = new ConsoleHub(store, directory, metrics, logger.child({ component: 'console-hub' }), clock, options.presenceGraceMs ?? 15_000);
    await hub.restorePresence();
    const ingest = new MqttIngest({ link, store, directory, metrics, logger: logger.child({ component: 'ingest' }), now: () => clock.now() });
    const alarms = new AlarmService({ store, directory, clock, hub, outbound: ingest, metrics, logger: logger.child({ component: 'alarms' }) });
    cleanups.push(async () => alarms.stop());
    const sessions = new SessionService(store, directory, clock, options.sessionTimeouts);
    const stationStore = new StationCredentialStore(join(options.dataDir, 'trygg.db'));
    cleanups.push(async () => stationStore.close());
    const stations = new StationCredentials(stationStore, directory, clock, metrics, logger.child({ component: 'stations' }));

    // Messages beyond the consoles: stored, deduped, retried; a permanent failure escalates.
    const notificationStore = new SqliteNotificationStore(join(options.dataDir, 'trygg.db'));
    cleanups.push(() => notificationStore.close());
    const notifications = new NotificationCenter({
      directory, store: notificationStore, clock, logger: logger.child({ component: 'notify' }),
      secrets: secretsFromEnv(options.env ?? process.env), dataDir: options.dataDir,
      peopleOnSite: (siteId) => new Set(hub.connectedUsers(siteId).flatMap((c) => (c.user ? [c.user.username] : []))).size,
      onPermanentFailure: async (n, error) => {
        // Chain steps are keyed `<alarmId>:<step>:<channel>:<recipient>` (dispatcher.ts).
        const step = n.alarmId && n.dedupeKey.startsWith(`${n.alarmId}:`) ? Number(n.dedupeKey.slice(n.alarmId.length + 1).split(':')[0]) : Number.NaN;
        if (n.alarmId && Number.isInteger(step)) await alarms.deliveryFailed(n.alarmId, step, n.target, error);
        const alarm = n.alarmId ? await store.getAlarm(n.alarmId) : undefined;
        await alarms.raise({
          siteId: alarm?.siteId ?? n.subject.site.id, kind: 'technical', dedupeKey: `delivery-failed:${n.target}`,
          detail: { technical: { cause: 'delivery-failed', subject: n.target }, note: error.slice(0, 200) },
        });
      },
    });
    countArcFrames(notifications, metrics.registry);
    await notifications.start();
    cleanups.push(() => notifications.stop());
    alarms.setNotificationPort(notifications);
    const arcLinks = startArcLinkSupervision(notifications, alarms, directory, clock, logger.child({ component: 'arc-link' }));
    cleanups.push(() => arcLinks.stop());

    // Features start before ingest, so none misses an event; each stops before the store closes.
    const featureContext: FeatureContext = {
      directory, store, alarms, ingest, hub, sessions, clock, metrics, notifications, dbFile: join(options.dataDir, 'trygg.db'), config: configService,
      logger: logger.child({ component: 'features' }),
    };
    const features = (options.features ?? featureFactories).map((make) => make({ env: options.env ?? process.env }));
    for (const feature of features) {
      await feature.start({ ...featureContext, logger: logger.child({ component: feature.name }) });
      cleanups.push(() => feature.stop());
    }
    ingest.start(alarms);
    await alarms.resume();
    if (boot.fallback) await raiseConfigFallbackAlarm(boot.fallback, alarms, directory, logger.child({ component: 'config' }));

    const app = await buildApp({
      logger, directory, store, alarms, hub, sessions, stations, metrics, broker, config: configService,
      abuse: { settings: abuse, clock },
      sentFor: (alarmId) => notifications.listByAlarm(alarmId),
      providerInbound: { clock, notifierOf: (id) => notifications.httpProvider(id) },
      readiness: { brokerConnected: () => link.connected, storeOk: async () => { await store.countOpenAlarms(); return true; } },
      consoleDir: options.consoleDir ?? DEFAULT_CONSOLE_DIR,
      consolePingIntervalMs: options.consolePingIntervalMs,
      responseContract: options.responseContract,
      secureCookies: options.secureCookies,
      https: options.tls && { cert: options.tls.cert, key: options.tls.key },
      metricsToken: (options.env ?? process.env).TRYGG_METRICS_TOKEN || undefined,
      featureRoutes: features.filter((f) => f.routes).map((f) => (app: FastifyInstance) => f.routes!(app, { ...featureContext, logger: logger.child({ component: f.name }) })),
    });
    cleanups.push(() => app.close());
    await app.listen({ host: httpHost, port: options.httpPort })
      .catch((err: unknown) => { throw portInUse(err, options.httpPort, 'PORT'); });
    const httpPort = (app.server.address() as { port: number }).port;

    const gateways: Gateway[] = [];
    for (const g of gatewayAccounts) {
      const uplink = { url: mqttUrl, username: broker ? g.username : options.mqttUsername, password: broker ? g.password : options.mqttPassword };
      const configured = directory.site(g.siteId)?.gateways.find((x) => x.id === g.gatewayId)?.transports ?? [];
      const gateway = await startGateway({
        siteId: g.siteId, gatewayId: g.gatewayId, dataDir: options.dataDir, uplink,
        // Addressed transports first: MQTT can address any device, so it must be asked last.
        transports: [...(configured as unknown as DeviceTransportConfig[]), { kind: 'mqtt', ...uplink }],
        resendIntervalMs: options.gatewayResendIntervalMs,
        logger: logger.child({ component: 'gateway', gatewayId: g.gatewayId }),
      });
      gateways.push(gateway);
      // Stopped first (cleanups run in reverse), while the broker is still there for its offline status.
      cleanups.push(() => gateway.stop());
    }
    configService.markStarted(boot.version);
    logger.info({ httpPort, https: options.tls !== undefined, mqttPort: broker?.port, mqttUrl: broker ? undefined : mqttUrl, sites: directory.config.sites.map((s) => s.id) }, 'trygg started');
    return { app, httpPort, mqttPort: broker?.port, mqttUrl, store, directory, alarms, hub, gateways, configFileIgnored: boot.fileIgnored, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
