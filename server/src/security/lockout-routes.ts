import { securityApi } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { hasRole, type SessionService } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import { currentUser, requireUser } from '../routes/request-user';
import type { LoginThrottle } from './login-throttle';

/**
 * A manager sees which accounts of their sites are locked after failed logins, and can lift a
 * lockout (a colleague who mistyped and must log in to answer alarms now). Administrators also
 * see names that are no user at all: those are guesses.
 */
export async function lockoutRoutes(app: FastifyInstance, opts: { throttle: LoginThrottle; directory: OfficeDirectory; sessions: SessionService }) {
  const { throttle, directory } = opts;
  const manager = requireUser(opts.sessions, 'manager');
  const users = () => new Map(directory.config.users.map((u) => [u.username.toLowerCase(), u] as const));
  const mayManage = (actor: UserConfig, target: UserConfig) =>
    hasRole(actor, target.role) && target.sites.some((s) => directory.userMayAccessSite(actor, s));

  app.get('/api/v1/login-lockouts', { preHandler: manager, schema: securityApi.lockouts }, async (request) => {
    const actor = currentUser(request);
    const known = users();
    const lockouts = throttle.lockedAccounts().flatMap((l) => {
      const user = known.get(l.account);
      if (user ? !mayManage(actor, user) : actor.role !== 'admin') return [];
      return [{ username: user?.username ?? l.account, knownUser: user !== undefined, failures: l.failures, lockedUntil: new Date(l.lockedUntil).toISOString() }];
    });
    return { lockouts };
  });

  app.delete<{ Params: { username: string } }>('/api/v1/login-lockouts/:username', {
    preHandler: manager, schema: securityApi.unlock,
  }, async (request) => {
    const actor = currentUser(request);
    const user = users().get(request.params.username.toLowerCase());
    if (!user || !mayManage(actor, user)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`lockout of ${request.params.username}`]);
    const wasLocked = throttle.unlock(user.username);
    request.log.info({ username: user.username, by: actor.username, wasLocked }, 'login lockout lifted');
    return { ok: true as const, wasLocked };
  });
}
