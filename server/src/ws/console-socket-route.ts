import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { SESSION_COOKIE, type SessionService } from '../auth/sessions';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import { serveConsoleSocket, type ConsoleSocketDeps } from './console-socket-session';

export { CONSOLE_MAX_MESSAGE_BYTES } from './console-socket-session';

/**
 * `/ws/console`: a logged-in user's console. Authenticated by the session cookie before the
 * upgrade; the socket itself is served by console-socket-session.ts. A logged-out or expired
 * session ends the channel (an enrolled PC's watch, stations/, does not depend on a session).
 */
export async function consoleSocketRoute(app: FastifyInstance, opts: ConsoleSocketDeps & { sessions: SessionService }) {
  const { sessions, metrics } = opts;

  app.get('/ws/console', {
    websocket: true,
    preValidation: async (request, reply) => {
      // Cross-site WebSocket hijacking: a page on another origin would ride on the session cookie.
      if (!sameOrigin(request.headers.origin, request.headers.host)) {
        metrics.httpRejected.inc({ code: 'TRYGG_SRV_FORBIDDEN' });
        return reply.code(403).send({ code: 'TRYGG_SRV_FORBIDDEN', message: new TryggError('TRYGG_SRV_FORBIDDEN', ['open a console from another origin']).message });
      }
      const user = await sessions.userFor(request.cookies[SESSION_COOKIE]);
      if (!user) {
        metrics.httpRejected.inc({ code: 'TRYGG_SRV_UNAUTHENTICATED' });
        return reply.code(401).send({ code: 'TRYGG_SRV_UNAUTHENTICATED', message: new TryggError('TRYGG_SRV_UNAUTHENTICATED').message });
      }
      request.user = user;
    },
  }, (socket: WebSocket, request) => {
    const user = request.user as UserConfig;
    const token = request.cookies[SESSION_COOKIE];
    // An open console keeps its session from the idle timeout (not from the absolute one).
    const unwatch = sessions.watch(token);
    serveConsoleSocket(socket, request.log.child({ username: user.username }), opts, {
      user,
      check: async () => ((await sessions.userFor(token))
        ? undefined
        : { code: 'TRYGG_SRV_UNAUTHENTICATED', message: new TryggError('TRYGG_SRV_UNAUTHENTICATED').message, closeCode: 4401, reason: 'session ended' }),
      closed: () => {
        unwatch();
        return false; // a dropped user console keeps the reconnect grace, as before
      },
    });
  });
}

/** Browsers always send Origin on a WebSocket upgrade; other clients (tests, tools) send none. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
