import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, SESSION_COOKIE, type SessionService } from '../auth/sessions';
import type { Role, UserConfig } from '../config/types';
import { TryggError } from '../errors';

/** Authorisation helper for routes: the logged-in user with at least `role`, or a coded 401/403. */
export function requireUser(sessions: SessionService, role: Role) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    // Usually already found by the authorisation hook (auth/authorise-requests.ts); checked again here.
    const user = request.user ?? await sessions.userFor(request.cookies[SESSION_COOKIE]);
    if (!user) throw new TryggError('TRYGG_SRV_UNAUTHENTICATED');
    if (!hasRole(user, role)) throw new TryggError('TRYGG_SRV_FORBIDDEN', [`${request.method} ${request.routeOptions.url}`]);
    request.user = user;
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: UserConfig;
  }
}

export function currentUser(request: FastifyRequest): UserConfig {
  if (!request.user) throw new TryggError('TRYGG_SRV_UNAUTHENTICATED');
  return request.user;
}
