import type { FastifyInstance } from 'fastify';
import type { OfficeDirectory } from '../config/office-directory';
import { TryggError } from '../errors';
import { isOperator, type OperatorAccess } from './operator-access';
import { accessRuleFor } from './route-access';
import { hasRole, SESSION_COOKIE, type SessionService } from './sessions';

/** A route as registered, for the table's test (route-access.test.ts). */
export interface RegisteredRoute {
  method: string;
  url: string;
  websocket: boolean;
}

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route registered on an app since trackRoutes(app), HEAD included. */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return [...(registered.get(app) ?? [])];
}

/**
 * Records every route registered from now on and throws for one without a rule in
 * route-access.ts, so the server does not start with one. Call right after creating the app,
 * before any plugin registers a route.
 */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!accessRuleFor(method, route.url)) {
        throw new Error(`route ${method} ${route.url} has no access rule: add it to server/src/auth/route-access.ts`);
      }
      routes.push({ method, url: route.url, websocket: (route as { websocket?: boolean }).websocket === true });
    }
  });
}

/**
 * Enforces route-access.ts for every request, in one onRequest hook: before the body is read
 * and validated, so an anonymous caller learns nothing about a route's body (401, not a 400
 * describing the API). Order: session (401), role (403), then the `:siteId` in the path (404,
 * as if the site did not exist). Call after the cookie plugin (its onRequest hook reads the
 * cookie first).
 */
export function enforceAccess(app: FastifyInstance, deps: { sessions: SessionService; directory: OfficeDirectory; operator: OperatorAccess }): void {
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route: the not-found handler answers
    const rule = accessRuleFor(request.method, url);
    if (!rule) throw new TryggError('TRYGG_SRV_FORBIDDEN', [`${request.method} ${url}`]); // unreachable: onRoute refuses such routes
    if (rule.who === 'anyone') return;
    if (rule.who === 'operator') {
      if (isOperator(request, deps.operator)) return;
      throw new TryggError(deps.operator.token ? 'TRYGG_SRV_UNAUTHENTICATED' : 'TRYGG_SRV_FORBIDDEN', [`${request.method} ${url} (set TRYGG_METRICS_TOKEN to read it from another machine)`]);
    }
    const user = await deps.sessions.userFor(request.cookies[SESSION_COOKIE]);
    if (!user) throw new TryggError('TRYGG_SRV_UNAUTHENTICATED');
    request.user = user;
    if (rule.who === 'session') return;
    if (!hasRole(user, rule.who)) throw new TryggError('TRYGG_SRV_FORBIDDEN', [`${request.method} ${url}`]);
    if (rule.site === 'path') {
      const siteId = (request.params as { siteId?: string }).siteId ?? '';
      if (!deps.directory.site(siteId) || !deps.directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId.slice(0, 64)}`]);
    }
  });
}
