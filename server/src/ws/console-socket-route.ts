import { consoleClientMessageSchema, createAjv, formatSchemaErrors, type ConsoleClientMessage, type ConsoleServerMessage } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { AlarmService } from '../alarm/alarm-service';
import { currentPanicFeedback, stationPanicKey } from '../alarm/station-panic';
import { hasRole, SESSION_COOKIE, type SessionService } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import type { Metrics } from '../metrics/metrics';
import { maySeeAlarm } from '../routes/api/alarm-routes';
import type { Store } from '../store/store';
import type { ConsoleConnection, ConsoleFrame, ConsoleHub } from './console-hub';

const validateClientMessage = createAjv().compile<ConsoleClientMessage>(consoleClientMessageSchema);
export const CONSOLE_MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * `/ws/console`: a console station's live channel. Authenticated by the session cookie before
 * the upgrade; the station is announced with `hello` (presence), then pop-ups flow out and
 * acknowledge / respond / resolve flow in. A ping every `pingIntervalMs` drops dead sockets, so
 * a console whose network died stops counting as online for presence-aware routing.
 */
export async function consoleSocketRoute(app: FastifyInstance, opts: {
  hub: ConsoleHub; alarms: AlarmService; sessions: SessionService; directory: OfficeDirectory; store: Store; metrics: Metrics;
  pingIntervalMs: number;
}) {
  const { hub, alarms, sessions, directory, store, metrics } = opts;

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
    const log = request.log.child({ username: user.username });
    let connection: ConsoleConnection | undefined;
    let alive = true;
    const send = (message: ConsoleServerMessage, frame?: ConsoleFrame) => {
      // A shared frame (fan-out) is written as it is: no serialising per console.
      if (socket.readyState === socket.OPEN) socket.send(frame ?? JSON.stringify(message), { binary: false });
    };
    const fail = (code: string, message: string) => {
      metrics.eventsRejected.inc({ reason: 'console-message' });
      log.warn({ code, message }, 'console message rejected');
      send({ type: 'error', code, message });
    };

    const token = request.cookies[SESSION_COOKIE];
    // An open console keeps its session from the idle timeout (not from the absolute one).
    const unwatch = sessions.watch(token);
    const pinger = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
      // A logged-out or expired session ends the console's channel too.
      void sessions.userFor(token).then((still) => {
        if (still) return;
        send({ type: 'error', code: 'TRYGG_SRV_UNAUTHENTICATED', message: new TryggError('TRYGG_SRV_UNAUTHENTICATED').message });
        socket.close(4401, 'session ended');
      }, () => undefined);
    }, opts.pingIntervalMs);
    pinger.unref();
    socket.on('pong', () => { alive = true; });
    socket.on('close', () => {
      unwatch();
      clearInterval(pinger);
      if (connection) hub.detach(connection);
    });
    socket.on('error', (err) => log.warn({ err: { message: err.message } }, 'console socket error'));

    socket.on('message', (raw, isBinary) => {
      alive = true;
      void handle(raw as Buffer, isBinary).catch((err: unknown) => {
        if (err instanceof TryggError) return fail(err.code, err.message);
        log.error({ err }, 'console message failed');
        send({ type: 'error', code: 'TRYGG_SRV_INTERNAL', message: 'internal error' });
      });
    });

    async function handle(raw: Buffer, isBinary: boolean): Promise<void> {
      if (isBinary || raw.length > CONSOLE_MAX_MESSAGE_BYTES) return fail('TRYGG_SRV_BAD_REQUEST', 'text JSON messages only, at most 16 KiB');
      let data: unknown;
      try {
        data = JSON.parse(raw.toString('utf8'));
      } catch {
        return fail('TRYGG_SRV_BAD_REQUEST', 'malformed JSON');
      }
      if (!validateClientMessage(data)) return fail('TRYGG_SRV_BAD_REQUEST', formatSchemaErrors(validateClientMessage.errors).slice(0, 3).join('; '));
      const message = data;
      if (message.type === 'ping') return send({ type: 'pong' });
      if (message.type === 'hello') {
        if (connection) return fail('TRYGG_SRV_BAD_REQUEST', 'station already announced on this connection');
        const found = directory.station(message.stationId);
        // A console that cannot be a station is told why and closed, so it goes back to choosing.
        if (!found || !directory.userMayAccessSite(user, found.site.id)) {
          fail('TRYGG_SRV_UNKNOWN_STATION', new TryggError('TRYGG_SRV_UNKNOWN_STATION', [message.stationId]).message);
          return void socket.close(4404, 'unknown station');
        }

        // Employees get the panic button and evacuation banners but no alarm pop-ups (hub `passive`).
        connection = { stationId: message.stationId, user, send, passive: !hasRole(user, 'responder') };
        log.info({ stationId: message.stationId }, 'console hello');
        await hub.attach(connection, { stationId: message.stationId, siteId: found.site.id, user: user.name });
        // A station whose panic alarm is still open learns again where it stands (a button's LED
        // after a reconnect): the console forgets it on every welcome.
        const ownPanic = await store.findOpenAlarmByKey(found.site.id, stationPanicKey(message.stationId));
        if (ownPanic) send({ type: 'panic-feedback', alarmId: ownPanic.id, action: currentPanicFeedback(ownPanic) });
        return;
      }
      if (!connection) return fail('TRYGG_SRV_BAD_REQUEST', 'send hello with your station first');
      if (message.type === 'panic') {
        // The console's own panic button: an alarm from this station's room, silent here (origin zone).
        const found = directory.station(connection.stationId)!;
        const { alarm } = await alarms.raise({
          siteId: found.site.id, kind: 'panic', roomId: found.station.roomId, zoneId: found.station.zoneId,
          dedupeKey: stationPanicKey(connection.stationId), detail: { person: user.name, note: `console ${connection.stationId}` },
        });
        log.warn({ stationId: connection.stationId, alarmId: alarm.id }, 'panic button pressed on console');
        return send({ type: 'panic-ack', alarmId: alarm.id });
      }
      if (message.type === 'safe') {
        // Evacuation roll call: answered by the evacuation feature (hub.handleFeatureMessages).
        if (!(await hub.fromConsole(connection, message))) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`evacuation ${message.evacuationId}`]);
        return;
      }
      if (connection.passive) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['act on alarms']);
      const alarm = await store.getAlarm(message.alarmId);
      if (!alarm || !maySeeAlarm(directory, user, alarm)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`alarm ${message.alarmId}`]);
      const actor = { type: 'user' as const, username: user.username, name: user.name, stationId: connection.stationId };
      const command = message.type === 'resolve' ? { type: 'resolve' as const, outcome: message.outcome ?? 'real' } : { type: message.type };
      await alarms.act(message.alarmId, command, actor);
    }
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
