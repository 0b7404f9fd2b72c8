import { sessionApi, type LoginBody, type PasswordChangeBody, type SessionUser } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, type PasswordWriter, type SessionService } from '../../auth/sessions';
import type { UserConfig } from '../../config/types';
import { TryggError } from '../../errors';

export function publicUser(user: UserConfig): SessionUser {
  return { username: user.username, name: user.name, role: user.role, sites: user.sites };
}

/**
 * `POST /api/v1/session` logs in and sets an httpOnly cookie; `GET` tells who is logged in; `DELETE` logs out;
 * `POST /api/v1/session/logout-all` ends every session of the user; `POST /api/v1/session/password` changes
 * the user's own password (present when the configuration can be written).
 */
export async function sessionRoutes(app: FastifyInstance, opts: { sessions: SessionService; secureCookies: boolean; writePassword?: PasswordWriter }) {
  const { sessions } = opts;
  app.post<{ Body: LoginBody }>('/api/v1/session', { schema: sessionApi.login }, async (request, reply) => {
    const result = await sessions.login(request.body.username, request.body.password);
    if (!result) {
      request.log.warn({ username: request.body.username }, 'login failed');
      throw new TryggError('TRYGG_SRV_BAD_CREDENTIALS');
    }
    request.log.info({ username: result.user.username }, 'login');
    reply.setCookie(SESSION_COOKIE, result.token, {
      httpOnly: true, sameSite: 'strict', path: '/', secure: opts.secureCookies, expires: new Date(result.expiresAt),
    });
    return { user: publicUser(result.user) };
  });

  app.get('/api/v1/session', { schema: sessionApi.current }, async (request) => {
    const user = await sessions.userFor(request.cookies[SESSION_COOKIE]);
    if (!user) throw new TryggError('TRYGG_SRV_UNAUTHENTICATED');
    return { user: publicUser(user) };
  });

  app.delete('/api/v1/session', { schema: sessionApi.logout }, async (request, reply) => {
    await sessions.logout(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  // Consoles of the user still open elsewhere are closed by their socket's next session check.
  app.post('/api/v1/session/logout-all', { schema: sessionApi.logoutAll }, async (request, reply) => {
    const { user, endedSessions } = await sessions.logoutEverywhere(request.cookies[SESSION_COOKIE]);
    request.log.info({ username: user.username, endedSessions }, 'logged out everywhere');
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const, endedSessions };
  });

  const writePassword = opts.writePassword;
  if (writePassword) {
    app.post<{ Body: PasswordChangeBody }>('/api/v1/session/password', {
      schema: sessionApi.changePassword,
      // Anonymous callers learn nothing about the body's shape.
      preValidation: async (request) => {
        if (!(await sessions.userFor(request.cookies[SESSION_COOKIE]))) throw new TryggError('TRYGG_SRV_UNAUTHENTICATED');
      },
    }, async (request) => {
      const { user, endedSessions } = await sessions.changePassword(request.cookies[SESSION_COOKIE], request.body.currentPassword, request.body.newPassword, writePassword)
        .catch((err: unknown) => {
          if (err instanceof TryggError && err.code === 'TRYGG_SRV_WRONG_PASSWORD') request.log.warn({ code: err.code }, 'password change refused');
          throw err;
        });
      request.log.info({ username: user.username, endedSessions }, 'password changed by the user');
      return { ok: true as const, endedSessions };
    });
  }
}
