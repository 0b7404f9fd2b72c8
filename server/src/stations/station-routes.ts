import { stationApi, type EnrolBody } from '@trygg/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { WebSocket } from 'ws';
import { SESSION_COOKIE, type SessionService } from '../auth/sessions';
import { TryggError } from '../errors';
import { currentUser } from '../routes/request-user';
import { sameOrigin } from '../ws/console-socket-route';
import { serveConsoleSocket, type ConsoleSocketDeps, type SocketEnd } from '../ws/console-socket-session';
import { STATION_COOKIE, STATION_COOKIE_MAX_AGE_S, STATION_COOKIE_PATH, type StationCredentials, type StationWatch } from './station-credentials';


/** WebSocket close codes a station's page understands (alarm-console/src/state/station-watch.ts). */
export const STATION_CLOSE = { revoked: 4403, unknownStation: 4404, userSessionEnded: 4409 } as const;

const DELIBERATE_CLOSE = new Set([1000, 1001, 1005]);

/**
 * Station enrolment and the station's own watch:
 * - `POST /api/v1/stations/:stationId/enrol` (manager): issues a credential and sets it as an
 *   HttpOnly cookie in this browser: the PC the manager is sitting at becomes the station.
 * - `GET /api/v1/station-credentials`, `DELETE /api/v1/station-credentials/:id` (manager): list, revoke.
 * - `GET /api/v1/this-station` (the cookie): which station this PC is; renews the cookie.
 * - `DELETE /api/v1/this-station` (the cookie): the PC forgets its enrolment (and revokes it).
 * - `GET /api/v1/this-station/ws`: the watch, a console socket that needs no user session.
 */
export async function stationRoutes(app: FastifyInstance, opts: ConsoleSocketDeps & { stations: StationCredentials; sessions: SessionService; secureCookies: boolean }) {
  const { stations, sessions, metrics } = opts;
  const setCookie = (reply: FastifyReply, secret: string) => reply.setCookie(STATION_COOKIE, secret, {
    httpOnly: true, sameSite: 'strict', path: STATION_COOKIE_PATH, secure: opts.secureCookies, maxAge: STATION_COOKIE_MAX_AGE_S,
  });
  const stationView = (w: StationWatch) => ({ id: w.station.id, name: w.station.name, siteId: w.siteId, zoneId: w.station.zoneId });

  app.post<{ Params: { stationId: string }; Body: EnrolBody }>('/api/v1/stations/:stationId/enrol',
    { schema: stationApi.enrol }, async (request, reply) => {
      const user = currentUser(request);
      const { secret, credential } = stations.enrol(request.params.stationId, user, request.body?.label);
      setCookie(reply, secret);
      return reply.code(201).send({ credential: { ...credential, connected: false } });
    });

  app.get('/api/v1/station-credentials', { schema: stationApi.credentials }, async (request) => {
    const user = currentUser(request);
    return { credentials: stations.list(user) };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/station-credentials/:id', { schema: stationApi.revoke }, async (request) => {
    const credential = stations.revoke(request.params.id, currentUser(request));
    return { credential: { ...credential, connected: false } };
  });

  app.get('/api/v1/this-station', { schema: stationApi.thisStation }, async (request, reply) => {
    const secret = request.cookies[STATION_COOKIE];
    const watch = stations.verify(secret);
    stations.touch(watch.credential.id);
    setCookie(reply, secret!); // Chromium keeps a cookie at most 400 days: every load starts them again
    return { station: stationView(watch), credentialId: watch.credential.id, enrolledAt: watch.credential.createdAt };
  });

  app.delete('/api/v1/this-station', { schema: stationApi.forget }, async (request, reply) => {
    const secret = request.cookies[STATION_COOKIE];
    reply.clearCookie(STATION_COOKIE, { path: STATION_COOKIE_PATH });
    try {
      const { credential } = stations.verify(secret);
      stations.revokeSelf(credential.id);
    } catch (err) {
      if (!(err instanceof TryggError)) throw err; // not enrolled or already revoked: forgetting is done
    }
    return { ok: true as const };
  });

  app.get('/api/v1/this-station/ws', {
    websocket: true,
    preValidation: async (request, reply) => {
      // Cross-site WebSocket hijacking: SameSite=Strict keeps the cookie from other sites; Origin is checked too.
      if (!sameOrigin(request.headers.origin, request.headers.host)) {
        metrics.httpRejected.inc({ code: 'TRYGG_SRV_FORBIDDEN' });
        return reply.code(403).send({ code: 'TRYGG_SRV_FORBIDDEN', message: new TryggError('TRYGG_SRV_FORBIDDEN', ['open a console from another origin']).message });
      }
      try {
        request.stationWatch = stations.verify(request.cookies[STATION_COOKIE]);
      } catch (err) {
        if (!(err instanceof TryggError)) throw err;
        metrics.httpRejected.inc({ code: err.code });
        return reply.code(err.statusCode).send({ code: err.code, message: err.message });
      }
      // Someone logged in on this PC: their name goes with what they do. Their session may end; the watch goes on.
      request.user = await sessions.userFor(request.cookies[SESSION_COOKIE]);
    },
  }, (socket: WebSocket, request) => {
    // Synchronous: the page sends `hello` as soon as the socket opens, and it must find a listener.
    const watch = request.stationWatch!;
    const credentialId = watch.credential.id;
    const token = request.cookies[SESSION_COOKIE];
    const user = request.user;
    const log = request.log.child({ stationId: watch.station.id, credentialId, ...(user && { username: user.username }) });
    stations.touch(credentialId);
    const revoked = (): SocketEnd => ({
      code: 'TRYGG_SRV_STATION_REVOKED', message: new TryggError('TRYGG_SRV_STATION_REVOKED', [watch.station.id]).message,
      closeCode: STATION_CLOSE.revoked, reason: 'station credential revoked', absentAtOnce: true,
    });
    let closing = false;
    const served = serveConsoleSocket(socket, log, opts, {
      user,
      station: { stationId: watch.station.id, name: watch.station.name },
      check: async () => {
        if (!stations.stillValid(credentialId)) return revoked();
        // The user's session ended: reconnect as the station alone (the page does so at once).
        if (user && !(await sessions.userFor(token))) {
          return {
            code: 'TRYGG_SRV_UNAUTHENTICATED', message: new TryggError('TRYGG_SRV_UNAUTHENTICATED').message,
            closeCode: STATION_CLOSE.userSessionEnded, reason: 'user session ended; the station watch goes on',
          };
        }
        return undefined;
      },
      closed: (code) => {
        unwatch();
        stations.touch(credentialId);
        log.info({ code }, 'station watch closed');
        // A close frame came: 1000 the page stopped watching, 1001 the page went away (reload,
        // closed tab), 1005 closed without a code. Nothing says it comes back, so the station is
        // absent now. A drop (1006, no close frame) keeps the reconnect grace.
        return closing || DELIBERATE_CLOSE.has(code);
      },
    });
    const unwatch = stations.watch(credentialId, () => {
      closing = true;
      served.end(revoked());
    });
    log.info('station watch open');
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    stationWatch?: StationWatch;
  }
}
