import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, type SessionService } from '../../auth/sessions';
import type { UserConfig } from '../../config/types';
import { TryggError } from '../../errors';

const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export function publicUser(user: UserConfig) {
  return { username: user.username, name: user.name, role: user.role, sites: user.sites };
}

/** `POST /api/v1/session` logs in and sets an httpOnly cookie; `GET` tells who is logged in; `DELETE` logs out. */
export async function sessionRoutes(app: FastifyInstance, opts: { sessions: SessionService; secureCookies: boolean }) {
  const { sessions } = opts;
  app.post<{ Body: { username: string; password: string } }>('/api/v1/session', { schema: { body: loginBody } }, async (request, reply) => {
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

  app.get('/api/v1/session', async (request) => {
    const user = await sessions.userFor(request.cookies[SESSION_COOKIE]);
    if (!user) throw new TryggError('TRYGG_SRV_UNAUTHENTICATED');
    return { user: publicUser(user) };
  });

  app.delete('/api/v1/session', async (request, reply) => {
    await sessions.logout(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });
}
