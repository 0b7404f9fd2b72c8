import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { TryggError } from '../errors';
import type { Metrics } from '../metrics/metrics';
import type { LoginThrottle, Refusal } from './login-throttle';

/** The console's login; its handler (routes/api/session-routes.ts) answers 200 or 401. */
export const LOGIN_ROUTE = { method: 'POST', url: '/api/v1/session' } as const;
/**
 * A user's own password change checks the current password (403 TRYGG_SRV_WRONG_PASSWORD): with
 * a session left open on a shared PC it is a guessing route too, counted like logins.
 */
export const PASSWORD_CHANGE_ROUTE = { method: 'POST', url: '/api/v1/session/password' } as const;

/** Concurrent login attempts per source address: a burst must not outrun the failure count. */
const MAX_IN_FLIGHT_PER_ADDRESS = 4;

interface Attempt {
  account: string;
  address: string;
  /** The answer that means "wrong password" on this route. */
  wrong: (status: number, payload: unknown) => boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    loginAttempt?: Attempt;
  }
}

function retryAfter(reply: FastifyReply, ms: number): number {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  reply.header('retry-after', String(seconds));
  return seconds;
}

/**
 * Guards the login route (and the password change, see PASSWORD_CHANGE_ROUTE) without touching
 * their handlers: an onRoute hook adds, to that route only,
 * a per-address request limit (@fastify/rate-limit, before the body is even parsed), a lockout
 * check before the password is verified (scrypt is not run for a locked attempt), and the
 * outcome recorded from the answer's status before it is sent. Register before the route.
 */
export function guardLogin(app: FastifyInstance, deps: { throttle: LoginThrottle; metrics: Metrics; requestsPerMinute: number }): void {
  const { throttle, metrics } = deps;
  const perAddress = app.createRateLimit({ max: deps.requestsPerMinute, timeWindow: 60_000 });
  const inFlight = new Map<string, number>();
  const pending = new Set<string>();

  const refuseLocked = (request: FastifyRequest, reply: FastifyReply, account: string, refusal: Refusal): never => {
    metrics.loginAttempts.inc({ outcome: 'locked' });
    const seconds = retryAfter(reply, refusal.retryAfterMs);
    request.log.warn({ username: account, remoteAddress: request.ip, scope: refusal.scope, retryAfterSeconds: seconds }, 'login refused: locked');
    throw new TryggError('TRYGG_SRV_LOGIN_LOCKED', [seconds]);
  };

  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    const limit = await perAddress(request);
    if (!limit.isAllowed && limit.isExceeded) {
      metrics.loginAttempts.inc({ outcome: 'rate-limited' });
      const seconds = retryAfter(reply, limit.ttl);
      request.log.warn({ remoteAddress: request.ip, retryAfterSeconds: seconds }, 'login refused: too many requests');
      throw new TryggError('TRYGG_SRV_RATE_LIMITED', [seconds]);
    }
  };

  const loginWrong = (status: number) => status === 401;
  const changeWrong = (status: number, payload: unknown) => status === 403 && typeof payload === 'string' && payload.includes('"TRYGG_SRV_WRONG_PASSWORD"');

  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const isLogin = request.routeOptions.url === LOGIN_ROUTE.url;
    // The password change runs for a logged-in user only (auth/authorise-requests.ts set it).
    const account = isLogin ? (request.body as { username: string }).username : request.user?.username;
    if (account === undefined) return;
    const address = request.ip;
    const refusal = throttle.check(account, address);
    if (refusal) refuseLocked(request, reply, account, refusal);
    const pairKey = `${account.toLowerCase()}\u0000${address}`;
    const running = inFlight.get(address) ?? 0;
    // One attempt per account and address at a time, a few per address: parallel guesses would
    // all pass the check above before the first failure is counted.
    if (pending.has(pairKey) || running >= MAX_IN_FLIGHT_PER_ADDRESS) {
      metrics.loginAttempts.inc({ outcome: 'rate-limited' });
      const seconds = retryAfter(reply, 1000);
      throw new TryggError('TRYGG_SRV_RATE_LIMITED', [seconds]);
    }
    pending.add(pairKey);
    inFlight.set(address, running + 1);
    request.loginAttempt = { account, address, wrong: isLogin ? loginWrong : changeWrong };
  };

  const settle = (request: FastifyRequest, status: number | undefined, payload?: unknown) => {
    const attempt = request.loginAttempt;
    if (!attempt) return;
    request.loginAttempt = undefined;
    pending.delete(`${attempt.account.toLowerCase()}\u0000${attempt.address}`);
    const running = (inFlight.get(attempt.address) ?? 1) - 1;
    if (running > 0) inFlight.set(attempt.address, running);
    else inFlight.delete(attempt.address);
    if (status === 200) {
      throttle.succeeded(attempt.account, attempt.address);
      metrics.loginAttempts.inc({ outcome: 'success' });
    } else if (status !== undefined && attempt.wrong(status, payload)) {
      const before = throttle.check(attempt.account, attempt.address);
      throttle.failed(attempt.account, attempt.address);
      metrics.loginAttempts.inc({ outcome: 'failure' });
      const after = throttle.check(attempt.account, attempt.address);
      if (after && !before) metrics.authLockouts.inc({ service: 'http', scope: after.scope });
    }
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const guarded = [LOGIN_ROUTE, PASSWORD_CHANGE_ROUTE].some((r) => route.url === r.url && methods.includes(r.method));
    if (!guarded) return;
    if (route.url === LOGIN_ROUTE.url) route.onRequest = [...asArray(route.onRequest), onRequest];
    route.preHandler = [...asArray(route.preHandler), preHandler];
    // onSend runs before the answer leaves, so the next attempt already sees this failure;
    // onResponse catches attempts whose answer was never sent (client gone).
    route.onSend = [...asArray(route.onSend), async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      settle(request, reply.statusCode, payload);
      return payload;
    }];
    route.onResponse = [...asArray(route.onResponse), async (request: FastifyRequest) => settle(request, undefined)];
  });
}

function asArray<T>(hook: T | T[] | undefined): T[] {
  if (hook === undefined) return [];
  return Array.isArray(hook) ? hook : [hook];
}
