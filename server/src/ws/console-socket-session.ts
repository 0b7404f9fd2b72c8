import { consoleClientMessageSchema, createAjv, formatSchemaErrors, type ConsoleClientMessage, type ConsoleServerMessage } from '@trygg/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Actor } from '../alarm/alarm-types';
import type { AlarmService } from '../alarm/alarm-service';
import { currentPanicFeedback, stationPanicKey } from '../alarm/station-panic';
import { hasRole } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError, type ErrorCode } from '../errors';
import type { Metrics } from '../metrics/metrics';
import { maySeeAlarm } from '../routes/api/alarm-routes';
import type { Store } from '../store/store';
import type { ConsoleConnection, ConsoleFrame, ConsoleHub } from './console-hub';

const validateClientMessage = createAjv().compile<ConsoleClientMessage>(consoleClientMessageSchema);
export const CONSOLE_MAX_MESSAGE_BYTES = 16 * 1024;

export interface ConsoleSocketDeps {
  hub: ConsoleHub;
  alarms: AlarmService;
  directory: OfficeDirectory;
  store: Store;
  metrics: Metrics;
  pingIntervalMs: number;
}

/** Why a socket must end now: the coded error it is told, and the close code. */
export interface SocketEnd {
  code: ErrorCode;
  message: string;
  closeCode: number;
  reason: string;
  /** The station stops counting as present at once (no reconnect grace): it is known not to come back by itself. */
  absentAtOnce?: boolean;
}

/**
 * Who is at the other end of a console socket. A user's console (`/ws/console`) has a user and
 * may announce any station of their sites; a station's watch (`/api/v1/this-station/ws`) may
 * announce only its own station, receives alarms whoever is logged in, and has a user only
 * when someone was logged in on the PC when it connected.
 */
export interface ConsoleSocketIdentity {
  user?: UserConfig;
  station?: { stationId: string; name: string };
  /** Asked with every ping: undefined while the socket may stay, else how it ends. */
  check(): Promise<SocketEnd | undefined>;
  /** The socket closed, `closeCode` as the peer sent it. Returns whether the station is absent at once. */
  closed(closeCode: number): boolean;
}

/**
 * One console socket: `hello` announces the station (presence), then pop-ups flow out and
 * acknowledge / respond / resolve flow in. A ping every `pingIntervalMs` drops dead sockets, so
 * a console whose network died stops counting as online for presence-aware routing. Returns
 * `end`, which tells the console why and closes it (a revoked station credential).
 */
export function serveConsoleSocket(socket: WebSocket, log: FastifyBaseLogger, deps: ConsoleSocketDeps, identity: ConsoleSocketIdentity): { end(why: SocketEnd): void } {
  const { hub, alarms, directory, store, metrics } = deps;
  const { user } = identity;
  let connection: ConsoleConnection | undefined;
  let alive = true;
  let endedAtOnce = false;
  const send = (message: ConsoleServerMessage, frame?: ConsoleFrame) => {
    // A shared frame (fan-out) is written as it is: no serialising per console.
    if (socket.readyState === socket.OPEN) socket.send(frame ?? JSON.stringify(message), { binary: false });
  };
  const fail = (code: string, message: string) => {
    metrics.eventsRejected.inc({ reason: 'console-message' });
    log.warn({ code, message }, 'console message rejected');
    send({ type: 'error', code, message });
  };
  const end = (why: SocketEnd) => {
    send({ type: 'error', code: why.code, message: why.message });
    if (why.absentAtOnce && connection) {
      // Detached before the close handshake: routing must not wait for it.
      endedAtOnce = true;
      hub.detach(connection, { absentAtOnce: true });
      connection = undefined;
    }
    socket.close(why.closeCode, why.reason);
  };

  const pinger = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
    void identity.check().then((why) => (why ? end(why) : undefined), () => undefined);
  }, deps.pingIntervalMs);
  pinger.unref();
  socket.on('pong', () => { alive = true; });
  socket.on('close', (code: number) => {
    clearInterval(pinger);
    const atOnce = identity.closed(code);
    if (connection) hub.detach(connection, { absentAtOnce: atOnce || endedAtOnce });
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
      const allowed = identity.station ? identity.station.stationId === message.stationId : user !== undefined && directory.userMayAccessSite(user, found?.site.id ?? '');
      // A console that cannot be a station is told why and closed, so it goes back to choosing.
      if (!found || !allowed) {
        fail('TRYGG_SRV_UNKNOWN_STATION', new TryggError('TRYGG_SRV_UNKNOWN_STATION', [message.stationId]).message);
        return void socket.close(4404, 'unknown station');
      }
      // Employees get the panic button and evacuation banners but no alarm pop-ups (hub `passive`);
      // a station's watch always receives, whoever is logged in.
      const passive = identity.station ? false : !hasRole(user!, 'responder');
      // Role and person targets reach a station's watch only while a responder is logged in at it.
      const routedUser = user && (!identity.station || hasRole(user, 'responder')) ? user : undefined;
      connection = { stationId: message.stationId, user: routedUser, send, passive };
      log.info({ stationId: message.stationId, station: identity.station !== undefined }, 'console hello');
      await hub.attach(connection, { stationId: message.stationId, siteId: found.site.id, user: user?.name ?? identity.station?.name ?? '' });
      // A station whose panic alarm is still open learns again where it stands (a button's LED
      // after a reconnect): the console forgets it on every welcome.
      const ownPanic = await store.findOpenAlarmByKey(found.site.id, stationPanicKey(message.stationId));
      if (ownPanic) send({ type: 'panic-feedback', alarmId: ownPanic.id, action: currentPanicFeedback(ownPanic) });
      return;
    }
    if (!connection) return fail('TRYGG_SRV_BAD_REQUEST', 'send hello with your station first');
    const found = directory.station(connection.stationId)!;
    if (message.type === 'panic') {
      // The console's own panic button: an alarm from this station's room, silent here (origin zone).
      const { alarm } = await alarms.raise({
        siteId: found.site.id, kind: 'panic', roomId: found.station.roomId, zoneId: found.station.zoneId,
        dedupeKey: stationPanicKey(connection.stationId), detail: { person: user?.name ?? found.station.name, note: `console ${connection.stationId}` },
      });
      log.warn({ stationId: connection.stationId, alarmId: alarm.id }, 'panic button pressed on console');
      return send({ type: 'panic-ack', alarmId: alarm.id });
    }
    if (message.type === 'safe') {
      // Evacuation roll call: answered by the evacuation feature (hub.handleFeatureMessages).
      if (!connection.user || !(await hub.fromConsole(connection, message))) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`evacuation ${message.evacuationId}`]);
      return;
    }
    if (connection.passive) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['act on alarms']);
    const alarm = await store.getAlarm(message.alarmId);
    const mayAct = alarm !== undefined && (connection.user ? maySeeAlarm(directory, connection.user, alarm) : alarm.siteId === found.site.id);
    if (!mayAct) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`alarm ${message.alarmId}`]);
    // Nobody (or no responder) logged in at a station's watch: the station itself answered.
    const actor: Actor = connection.user
      ? { type: 'user', username: connection.user.username, name: connection.user.name, stationId: connection.stationId }
      : { type: 'station', stationId: connection.stationId, name: found.station.name };
    const command = message.type === 'resolve' ? { type: 'resolve' as const, outcome: message.outcome ?? 'real' } : { type: message.type };
    await alarms.act(message.alarmId, command, actor);
  }

  return { end };
}
