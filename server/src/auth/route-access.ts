import type { Role } from '../config/types';

/**
 * How a route is bound to sites, once its role check passed:
 * - `path`: the site is `:siteId` in the path; authorise-requests.ts refuses (404) a site that is
 *   not one of the user's before the route runs.
 * - `resource`: the route looks the thing up (alarm, visit, entry ...) and answers 404 when it
 *   belongs to none of the user's sites.
 * - `body`: the site is named in the body (or is the user's only site); the route answers 404
 *   for a site that is not the user's.
 * - `listed`: the answer lists only what belongs to the user's sites.
 * - `installation`: not bound to a site (catalogues, the user's own session, whole-installation
 *   work, which the role decides).
 */
export type SiteScope = 'path' | 'resource' | 'body' | 'listed' | 'installation';

export type AccessRule =
  /** No session needed; `why` says what protects it instead. */
  | { who: 'anyone'; why: string }
  /** Monitoring: `TRYGG_METRICS_TOKEN` as a bearer token, or, without one, callers on loopback only (operator-access.ts). */
  | { who: 'operator' }
  /** Any logged-in user, whatever their role: their own session. */
  | { who: 'session' }
  /** A logged-in user with at least this role, bound to sites as `site` says. */
  | { who: Role; site: SiteScope };

const anyone = (why: string): AccessRule => ({ who: 'anyone', why });
const role = (who: Role, site: SiteScope): AccessRule => ({ who, site });

/**
 * The one authorisation table: every route the server registers, by `METHOD url` as fastify
 * knows it. A route missing here stops the server at start (authorise-requests.ts), and
 * route-access.test.ts tries every entry with no session, each role and another site's user.
 * HEAD follows GET.
 */
export const ROUTE_ACCESS: Readonly<Record<string, AccessRule>> = {
  // Health and monitoring. /readyz tells anonymous callers only ready or not; details to operators.
  'GET /healthz': anyone('liveness: says only that the process answers'),
  'GET /readyz': anyone('readiness: only ready / not ready, details to operators'),
  'GET /metrics': { who: 'operator' },
  // The console's files; the MQTT-over-WebSocket bridge, whose clients log in to the broker.
  'GET /*': anyone('the console\'s static files'),
  'GET /mqtt': anyone('MQTT over WebSocket: the broker authenticates the MQTT CONNECT'),
  'GET /ws/console': role('employee', 'listed'),
  // An enrolled station PC (stations/): the HttpOnly station cookie authenticates, no user session needed.
  'GET /api/v1/this-station': anyone('the station credential cookie (stations/station-routes.ts); 404 without one'),
  'DELETE /api/v1/this-station': anyone('the PC forgets its own enrolment; needs its station credential cookie'),
  'GET /api/v1/this-station/ws': anyone('a station\'s watch: the station credential cookie, checked before the upgrade'),

  // The API reference (api-contract/openapi.ts): open like the source code it is generated from.
  // It carries no site data, only route shapes, and integrators (SMS providers, reporting tools)
  // read it before they have an account.
  'GET /api/v1/openapi.json': anyone('the OpenAPI document: route shapes only, as public as the source code'),
  'GET /api/docs': anyone('the API reference page (Swagger UI) for the OpenAPI document'),
  // Fastify registers the page's trailing-slash twin as HEAD only (prefixTrailingSlash).
  'HEAD /api/docs/': anyone('the API reference page (Swagger UI) for the OpenAPI document'),
  'GET /api/docs/json': anyone('the OpenAPI document, for the reference page'),
  'GET /api/docs/yaml': anyone('the OpenAPI document as YAML, for the reference page'),
  'GET /api/docs/static/index.html': anyone('the API reference page\'s files'),
  'GET /api/docs/static/swagger-initializer.js': anyone('the API reference page\'s files'),
  'GET /api/docs/static/*': anyone('the API reference page\'s files'),

  // Sessions.
  'POST /api/v1/session': anyone('login'),
  'GET /api/v1/session': { who: 'session' },
  'DELETE /api/v1/session': anyone('logout: ends the session of the cookie sent, if any'),
  'POST /api/v1/session/logout-all': { who: 'session' },
  'POST /api/v1/session/password': { who: 'session' },

  // Login lockouts (security/lockout-routes.ts): a manager sees and lifts those of the users they manage.
  'GET /api/v1/login-lockouts': role('manager', 'listed'),
  'DELETE /api/v1/login-lockouts/:username': role('manager', 'resource'),
  // Browsers send Content Security Policy reports without a session (security/security-headers.ts).
  'POST /api/v1/csp-reports': anyone('CSP violation reports from browsers, rate-limited per address'),

  // SMS/voice provider callbacks: signed with HMAC-SHA256 of the body (provider-inbound-routes.ts).
  'POST /api/v1/providers/:notifierId/replies': anyone('provider callback, HMAC-signed'),
  'POST /api/v1/providers/:notifierId/receipts': anyone('provider callback, HMAC-signed'),

  // Alarms and devices.
  'GET /api/v1/alarms': role('responder', 'listed'),
  'GET /api/v1/alarms/:id': role('responder', 'resource'),
  'POST /api/v1/alarms/:id/acknowledge': role('responder', 'resource'),
  'POST /api/v1/alarms/:id/respond': role('responder', 'resource'),
  'POST /api/v1/alarms/:id/on-scene': role('responder', 'resource'),
  'POST /api/v1/alarms/:id/resolve': role('responder', 'resource'),
  'POST /api/v1/alarms/:id/cancel': role('security', 'resource'),
  'GET /api/v1/devices': role('responder', 'listed'),
  'POST /api/v1/devices/:deviceId/test-mode': role('security', 'resource'),
  'DELETE /api/v1/devices/:deviceId/test-mode': role('security', 'resource'),
  'GET /api/v1/device-tests': role('responder', 'listed'),
  'GET /api/v1/stations': role('employee', 'listed'),
  'GET /api/v1/coverage': role('responder', 'listed'),
  // Station enrolment: a manager makes the PC they sit at a station, lists and revokes credentials.
  'POST /api/v1/stations/:stationId/enrol': role('manager', 'resource'),
  'GET /api/v1/station-credentials': role('manager', 'listed'),
  'DELETE /api/v1/station-credentials/:id': role('manager', 'resource'),

  // Configuration. Import/export stay within the importer's rights (config-admin/config-transfer.ts).
  'GET /api/v1/config': role('manager', 'listed'),
  'PUT /api/v1/config': role('manager', 'listed'),
  'GET /api/v1/config/history': role('manager', 'installation'),
  'GET /api/v1/sites': role('employee', 'listed'),
  'POST /api/v1/sites': role('admin', 'installation'),
  'GET /api/v1/sites/:siteId': role('employee', 'path'),
  'PUT /api/v1/sites/:siteId': role('manager', 'path'),
  'DELETE /api/v1/sites/:siteId': role('admin', 'path'),
  'GET /api/v1/sites/:siteId/:collection': role('responder', 'path'),
  'POST /api/v1/sites/:siteId/:collection': role('manager', 'path'),
  'PUT /api/v1/sites/:siteId/:collection/:id': role('manager', 'path'),
  'DELETE /api/v1/sites/:siteId/:collection/:id': role('manager', 'path'),
  // Floor plans (floor-plans/): uploaded and removed by managers, read by everyone of the plan's site.
  'PUT /api/v1/sites/:siteId/floor-plans/:floor': role('manager', 'path'),
  'DELETE /api/v1/sites/:siteId/floor-plans/:floor': role('manager', 'path'),
  'GET /api/v1/floor-plans/:file': role('employee', 'resource'),
  'GET /api/v1/users': role('manager', 'listed'),
  'POST /api/v1/users': role('manager', 'body'),
  'PUT /api/v1/users/:username': role('manager', 'resource'),
  'DELETE /api/v1/users/:username': role('manager', 'resource'),
  // A person's data (retention/person-routes.ts): an administrator whose sites cover all of the user's.
  'GET /api/v1/people/:username/export': role('admin', 'resource'),
  'POST /api/v1/people/:username/erase': role('admin', 'resource'),

  // Evacuation.
  'POST /api/v1/sites/:siteId/evacuations': role('security', 'path'),
  'GET /api/v1/evacuations': role('security', 'listed'),
  'GET /api/v1/evacuations/:id': role('security', 'resource'),
  'POST /api/v1/evacuations/:id/end': role('security', 'resource'),
  'POST /api/v1/evacuations/:id/safe': role('employee', 'resource'),
  'POST /api/v1/evacuations/:id/people/:username/answer': role('security', 'resource'),

  // Incident reports.
  'GET /api/v1/incidents/catalogue': role('employee', 'installation'),
  'POST /api/v1/incidents': role('employee', 'body'),
  'GET /api/v1/incidents': role('employee', 'listed'),
  'GET /api/v1/incidents/:id': role('employee', 'resource'),
  'PATCH /api/v1/incidents/:id': role('employee', 'resource'),
  'POST /api/v1/incidents/:id/review': role('security', 'resource'),
  'POST /api/v1/incidents/:id/close': role('security', 'resource'),
  'GET /api/v1/incidents/:id/audit': role('manager', 'resource'),
  'GET /api/v1/sites/:siteId/incidents/review-queue': role('security', 'path'),
  'GET /api/v1/sites/:siteId/incidents/export': role('security', 'path'),
  'GET /api/v1/sites/:siteId/incidents/leader-copies': role('manager', 'path'),

  // Risk register.
  'GET /api/v1/risk/catalogue': role('employee', 'installation'),
  'GET /api/v1/sites/:siteId/risk-register': role('employee', 'path'),
  'PUT /api/v1/sites/:siteId/risk-register/events/:eventId': role('security', 'path'),
  'DELETE /api/v1/sites/:siteId/risk-register/events/:eventId': role('security', 'path'),
  'GET /api/v1/sites/:siteId/risk-measures': role('employee', 'path'),
  'POST /api/v1/sites/:siteId/risk-measures': role('security', 'path'),
  'PATCH /api/v1/sites/:siteId/risk-measures/:measureId': role('security', 'path'),
  'DELETE /api/v1/sites/:siteId/risk-measures/:measureId': role('security', 'path'),

  // Lone work.
  'POST /api/v1/visits': role('employee', 'body'),
  'GET /api/v1/visits': role('responder', 'listed'),
  'POST /api/v1/visits/:id/extend': role('employee', 'resource'),
  'POST /api/v1/visits/:id/checkout': role('employee', 'resource'),

  // Drills and statistics.
  'POST /api/v1/sites/:siteId/drills': role('security', 'path'),
  'GET /api/v1/sites/:siteId/drills': role('security', 'path'),
  'GET /api/v1/sites/:siteId/statistics': role('security', 'path'),
  'GET /api/v1/drills/:id': role('security', 'resource'),
  'POST /api/v1/drills/:id/end': role('security', 'resource'),
  'GET /api/v1/drills/:id/report': role('security', 'resource'),

  // Meetings with elevated risk.
  'POST /api/v1/meetings': role('employee', 'body'),
  'GET /api/v1/meetings': role('employee', 'listed'),
  'GET /api/v1/meetings/:id': role('employee', 'resource'),
  'POST /api/v1/meetings/:id/close': role('employee', 'resource'),

  // Banned clients: reception checks (neutral answer outside the site), security keeps the register.
  'POST /api/v1/banned-clients/check': role('employee', 'body'),
  'GET /api/v1/banned-clients': role('security', 'listed'),
  'POST /api/v1/banned-clients': role('security', 'body'),
  'GET /api/v1/banned-clients/audit': role('manager', 'listed'),
  'GET /api/v1/banned-clients/:id': role('security', 'resource'),
  'PUT /api/v1/banned-clients/:id': role('security', 'resource'),
  'DELETE /api/v1/banned-clients/:id': role('security', 'resource'),
};

/** The rule of a route, HEAD following GET; undefined when the route has none. */
export function accessRuleFor(method: string, url: string): AccessRule | undefined {
  return ROUTE_ACCESS[`${method} ${url}`] ?? (method === 'HEAD' ? ROUTE_ACCESS[`GET ${url}`] : undefined);
}
