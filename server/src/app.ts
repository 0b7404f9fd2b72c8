import { providerInboundRoutes, type ProviderInboundDeps } from './routes/api/provider-inbound-routes';
import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, * as FastifyModule from 'fastify';
import { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AlarmService } from './alarm/alarm-service';
import type { SessionService } from './auth/sessions';
import type { EmbeddedBroker } from './broker/embedded-broker';
import { pickMqttSubprotocol, registerMqttWebSocketRoute } from './broker/mqtt-websocket';
import type { OfficeDirectory } from './config/office-directory';
import { TryggError } from './errors';
import { enforceAccess, trackRoutes } from './auth/authorise-requests';
import type { Metrics } from './metrics/metrics';
import { alarmRoutes } from './routes/api/alarm-routes';
import { configRoutes } from './routes/api/config-routes';
import { coverageRoutes } from './routes/api/coverage-routes';
import type { ConfigService } from './config-admin/config-service';
import type { StoredNotification } from './notify/notification-store';
import { directoryRoutes } from './routes/api/directory-routes';
import { sessionRoutes } from './routes/api/session-routes';
import { healthRoutes, type Readiness } from './routes/health-routes';
import type { Store } from './store/store';
import type { ConsoleHub } from './ws/console-hub';
import type { StationCredentials } from './stations/station-credentials';
import { stationRoutes } from './stations/station-routes';
import { CONSOLE_MAX_MESSAGE_BYTES, consoleSocketRoute } from './ws/console-socket-route';
import fastifyRateLimit from '@fastify/rate-limit';
import { systemClock, type Clock } from '@trygg/protocol';
import { DEFAULT_ABUSE_SETTINGS, type AbuseSettings } from './security/abuse-settings';
import { clockRateStore } from './security/clock-rate-store';
import { fastifyTimeouts, limitConnections } from './security/connection-limits';
import { guardLogin } from './security/login-guard';
import { LoginThrottle } from './security/login-throttle';
import { lockoutRoutes } from './security/lockout-routes';
import { originGuard } from './security/origin-guard';
import { securityHeaders as helmetHeaders } from './security/security-headers';
import { checkResponses, type ResponseContractMode } from './api-contract/response-contract';
import { registerOpenApi } from './api-contract/openapi';

export interface AppDeps {
  logger: Logger;
  directory: OfficeDirectory;
  store: Store;
  alarms: AlarmService;
  hub: ConsoleHub;
  sessions: SessionService;
  metrics: Metrics;
  readiness: Readiness;
  /** Present when the broker is embedded: MQTT over WebSocket is then served at `/mqtt`. */
  broker?: EmbeddedBroker;
  /** Login lockouts, rate limits, timeouts, origins (security/); defaults when absent. */
  abuse?: { settings?: AbuseSettings; clock?: Clock };
  sentFor?: (alarmId: string) => Promise<StoredNotification[]>;
  /** HTTP SMS/voice providers' callbacks (replies, delivery reports). */
  providerInbound?: ProviderInboundDeps;
  /** Configuration editing in the console and API; absent in tests that do not need it. */
  config?: ConfigService;
  consoleDir?: string;
  secureCookies?: boolean;
  /** PEM certificate and key: the app serves HTTPS (and WSS), and cookies get `Secure`. */
  https?: { cert: string; key: string };
  consolePingIntervalMs?: number;
  /** `TRYGG_METRICS_TOKEN`: `/metrics` and `/readyz` details need it as a bearer token; unset, loopback callers only. */
  metricsToken?: string;
  /** Enrolled station PCs (stations/): their routes and watch socket; absent in tests that do not need them. */
  stations?: StationCredentials;
  /** REST routes of the running features (features/feature.ts). */
  featureRoutes?: ((app: FastifyInstance) => Promise<void>)[];
  /** What an answer that breaks its route's schema does; default `enforce` (api-contract/response-contract.ts). */
  responseContract?: ResponseContractMode;
}

/** Fastify's own 4xx codes, answered with the Trygg code that means the same. */
const fastifyCodes: Record<string, { status: number; code: string; prefix: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'TRYGG_SRV_BAD_REQUEST', prefix: 'bad request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'TRYGG_SRV_BAD_REQUEST', prefix: 'bad request' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'TRYGG_SRV_PAYLOAD_TOO_LARGE', prefix: 'request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'TRYGG_SRV_UNSUPPORTED_MEDIA_TYPE', prefix: 'unsupported content type' },
  FST_STATIC_FORBIDDEN_PATH: { status: 404, code: 'TRYGG_SRV_NOT_FOUND', prefix: 'not found' },
};

/** Builds the HTTP app without listening, so tests can use `app.inject()` (fastify's build/listen split). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const securityHeaders = (reply: FastifyReply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    // Helmet (security/security-headers.ts) has set the policy unless fastify answered before routing.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "default-src 'self'; frame-ancestors 'none'");
  };
  const reject = (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) => {
    deps.metrics.httpRejected.inc({ code });
    request.log.info({ code, status, method: request.method, url: request.url.slice(0, 200), reason: message.slice(0, 200) }, 'request rejected');
    securityHeaders(reply);
    // Never echo a hostile input back at length.
    return reply.code(status).send({ code, message: message.slice(0, 300) });
  };

  const abuse = deps.abuse?.settings ?? DEFAULT_ABUSE_SETTINGS;
  const abuseClock = deps.abuse?.clock ?? systemClock;
  const app = Fastify({
    ...fastifyTimeouts(abuse.http),
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // Per-request lines would drown the alarm events in the log; rejections are logged below.
    ...({ logController: new (FastifyModule as unknown as { LogController: new (o: object) => unknown }).LogController({ disableRequestLogging: true }) } as object),
    bodyLimit: 16 * 1024,
    ...(deps.https && { https: { cert: deps.https.cert, key: deps.https.key } }),
    routerOptions: { maxParamLength: 100 },
    return503OnClosing: true,
    // Unknown fields are refused, not silently stripped: a misspelt `outcome` must not record a
    // false alarm as real.
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    // Errors fastify answers before routing (a malformed %-escape) get the same shape and headers.
    frameworkErrors: (error, request, reply) => reject(request, reply, 400, 'TRYGG_SRV_BAD_REQUEST', `bad request: ${error.code ?? 'invalid URL'}`),
  });

  // Every route must have a rule in auth/route-access.ts, or the app does not build.
  trackRoutes(app);
  // Every answer is checked against its route's schema (protocol/src/api/); the schemas build the OpenAPI document.
  checkResponses(app, { mode: deps.responseContract ?? 'enforce', logger: app.log, violations: deps.metrics.responseContractViolations });
  await registerOpenApi(app);

  app.setErrorHandler((error: FastifyError | TryggError, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error, url: request.url }, 'request failed');
      securityHeaders(reply);
      return reply.code(500).send({ code: 'TRYGG_SRV_INTERNAL', message: 'internal error' });
    }
    if (error instanceof TryggError) return reject(request, reply, status, error.code, error.message);
    const mapped = fastifyCodes[(error as FastifyError).code ?? ''];
    if (mapped) return reject(request, reply, mapped.status, mapped.code, `${mapped.prefix}: ${error.message}`);
    return reject(request, reply, status, 'TRYGG_SRV_BAD_REQUEST', `bad request: ${error.message}`);
  });
  app.setNotFoundHandler((request, reply) => reject(request, reply, 404, 'TRYGG_SRV_NOT_FOUND', `${request.method} ${request.url.slice(0, 200)} not found`));

  limitConnections(app.server, abuse.http, deps.metrics, deps.logger.child({ component: 'http-limits' }));
  // Limits are used as primitives (createRateLimit) on the routes that need them, on our clock.
  await app.register(fastifyRateLimit, { global: false, store: clockRateStore(abuseClock) as never });
  await helmetHeaders(app, { metrics: deps.metrics, reportsPerMinute: abuse.cspReportsPerMinute });
  app.addHook('onRequest', originGuard({ publicOrigins: abuse.publicOrigins }));
  const loginThrottle = new LoginThrottle(abuseClock, abuse.login);
  guardLogin(app, { throttle: loginThrottle, metrics: deps.metrics, requestsPerMinute: abuse.loginRequestsPerMinute });

  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, {
    options: { maxPayload: Math.max(CONSOLE_MAX_MESSAGE_BYTES, 300 * 1024), handleProtocols: (protocols) => pickMqttSubprotocol(protocols) },
  });

  const { store, directory, sessions, alarms, hub, metrics } = deps;
  // One authorisation table, enforced before any body is read (auth/authorise-requests.ts).
  enforceAccess(app, { sessions, directory, operator: { token: deps.metricsToken } });
  await app.register(healthRoutes, { metrics, store, readiness: deps.readiness, operator: { token: deps.metricsToken }, sessions });
  const configService = deps.config;
  const secureCookies = (deps.secureCookies ?? false) || deps.https !== undefined;
  await app.register(sessionRoutes, {
    sessions, secureCookies,
    // A user's own new password is a configuration change like any other: versioned, applied live.
    writePassword: configService && ((username: string, passwordHash: string) => void configService.change((draft) => {
      const user = draft.users.find((u) => u.username === username);
      if (user) user.passwordHash = passwordHash;
    }, username, 'password changed by the user')),
  });
  await app.register(alarmRoutes, { store, alarms, directory, sessions, sentFor: deps.sentFor });
  await app.register(directoryRoutes, { store, directory, sessions });
  if (deps.config) await app.register(configRoutes, { config: deps.config, directory, sessions });
  await app.register(coverageRoutes, { directory, hub, sessions });
  await app.register(lockoutRoutes, { throttle: loginThrottle, directory, sessions });
  const socketDeps = { hub, alarms, directory, store, metrics, pingIntervalMs: deps.consolePingIntervalMs ?? 10_000 };
  await app.register(consoleSocketRoute, { ...socketDeps, sessions });
  if (deps.stations) await app.register(stationRoutes, { ...socketDeps, sessions, stations: deps.stations, secureCookies });
  if (deps.providerInbound) await app.register(providerInboundRoutes, deps.providerInbound);
  for (const routes of deps.featureRoutes ?? []) await app.register(async (scope) => routes(scope));
  if (deps.broker) registerMqttWebSocketRoute(app, deps.broker);
  if (deps.consoleDir && existsSync(deps.consoleDir)) await app.register(fastifyStatic, { root: deps.consoleDir, prefix: '/' });
  return app;
}
