import type { IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import { systemClock, type Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import { createWebSocketStream, type WebSocket } from 'ws';
import type { BrokerPrincipal } from './acl';
import type { BrokerAuthenticator } from './broker-authenticator';
import { openBrokerPersistence, type BrokerPersistence } from './broker-persistence';
import { forwardAlarmsFirst, type MessageEmitter } from './alarms-first-forwarding';
import { forwardEveryMessage } from './no-forward-dedupe';
import { createBrokerPolicy, type RejectListener, type RejectReason } from './broker-policy';
import { transportRefusal, type ClientTransport } from './client-certificate';
import { ConsumerGate, type PersistentSubscriptions } from './consumer-gate';
import { LogThrottle } from './log-throttle';
import { guardMqttConnection } from './mqtt-frame-guard';
import { DEFAULT_PUBLISH_RATE_LIMIT, PublishRateLimit, type PublishRateLimitSettings } from './publish-rate-limit';
import { createAuthFailureLimiter, limitAuthFailures, type AuthFailureLimiter } from './auth-failure-limiter';

/**
 * The MQTT broker embedded in the Trygg server: aedes with Trygg's authentication and ACL, served
 * on a TCP port and, through handleWebSocket, on the HTTP server's `/mqtt` route. With
 * `persistenceDir` its sessions, subscriptions, QoS 1 queues and retained messages are on disk;
 * device connections wait for their site's gateway subscription; device accounts are rate-limited.
 */
export type { RejectReason };

export interface EmbeddedBrokerOptions {
  host?: string;
  /** 0 picks a free port (tests); the bound port is on the returned broker. */
  port: number;
  authenticator: BrokerAuthenticator;
  logger: Logger;
  onReject?: RejectListener;
  /** Told for every QoS 0 message dropped so it cannot hold up a press (alarms-first-forwarding.ts, congested-subscriber.ts). */
  onQos0Dropped?: () => void;
  /** Whole MQTT packet (fixed header included); default 300 KiB. */
  maxPacketBytes?: number;
  /** Lockouts after failed CONNECTs (auth-failure-limiter.ts); default: its default policy. */
  authFailures?: AuthFailureLimiter;
  /** LevelDB directory for the broker's state; without it, state is in memory (lost on exit). */
  persistenceDir?: string;
  /** fsync each persistence write (default true). */
  persistenceSync?: boolean;
  /** Refuse device CONNECTs until their site's gateway consumer is subscribed; default true. */
  gateDevices?: boolean;
  /** Sites an anonymous (demo) device must find consumed; default none. */
  gatewaySites?: () => readonly string[];
  /** Read on every change of configuration; default DEFAULT_PUBLISH_RATE_LIMIT. */
  publishRateLimit?: () => PublishRateLimitSettings;
  clock?: Clock;
  /**
   * PEM certificate and key: `port` speaks MQTTS. With `ca`, clients are asked for a certificate
   * and gateway accounts must present one naming their account (client-certificate.ts).
   */
  tls?: { cert: string; key: string; ca?: string };
  /** The server's own accounts; under TLS they connect on a plain loopback port (`internalPort`). */
  internalUsernames?: ReadonlySet<string>;
}

export interface EmbeddedBroker {
  aedes: Aedes;
  port: number;
  /** Under TLS: the loopback-only plain port for the server's own accounts (internalUsernames). */
  internalPort?: number;
  handleWebSocket(ws: WebSocket, req: IncomingMessage): void;
  close(): Promise<void>;
  connectedClients(): number;
  /** The principal a connected client authenticated as (for ingest to know who published). */
  principalOf(client: Client): BrokerPrincipal | undefined;
}

export const DEFAULT_MAX_PACKET_BYTES = 300 * 1024;
/** Refused devices and rate-limited accounts are logged once per account per this interval. */
export const REJECT_LOG_INTERVAL_MS = 10_000;
const THROTTLED_REASONS: ReadonlySet<RejectReason> = new Set(['no-consumer', 'rate-limited']);

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    // The listen error (EADDRINUSE, EACCES) is a Node system error carrying `code`; it is passed
    // on unchanged so the caller can name MQTT_PORT in its message.
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { logger } = opts;
  const maxPacketBytes = opts.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
  const remoteAddresses = new WeakMap<Client, string>();
  const clientTransports = new WeakMap<Client, ClientTransport>();
  const internalUsernames = opts.internalUsernames ?? new Set<string>();
  /** Raw transports, so close() can cut connections that never completed CONNECT. */
  const transports = new Set<Duplex>();

  const clock = opts.clock ?? systemClock;
  const throttle = new LogThrottle(clock, REJECT_LOG_INTERVAL_MS);

  const reject: RejectListener = (reason, detail) => {
    // Every rejection is counted; a device retrying or flooding is logged once per interval.
    const quiet = THROTTLED_REASONS.has(reason) ? throttle.admit(`${reason}:${String(detail.username ?? detail.clientId)}`) : { suppressed: 0 };
    // Never the password: the detail only ever holds ids, usernames, topics and sizes.
    if (quiet) logger.warn({ reason, ...detail, ...(quiet.suppressed > 0 && { suppressedSinceLastLog: quiet.suppressed }) }, 'mqtt request rejected');
    opts.onReject?.(reason, detail);
  };

  /** Counted every time; logged once per cause and interval (a storm drops thousands a second). */
  const onQos0Dropped = (cause: string) => () => {
    const quiet = throttle.admit(`qos0-dropped:${cause}`);
    if (quiet) logger.warn({ cause, ...(quiet.suppressed > 0 && { suppressedSinceLastLog: quiet.suppressed }) }, 'QoS 0 messages dropped so that presses are not held up');
    opts.onQos0Dropped?.();
  };

  const stored: BrokerPersistence | undefined = opts.persistenceDir
    ? await openBrokerPersistence(opts.persistenceDir, {
      sync: opts.persistenceSync,
      onStreamError: (err, stream) => logger.warn({ err: err.message, stream }, 'broker persistence read failed'),
    })
    : undefined;
  let aedes: Aedes | undefined;
  const gate = opts.gateDevices === false ? undefined : new ConsumerGate<Client>({
    // aedes' types omit `persistence`; it is the memory default or ours, created in listen().
    subscriptionsByTopic: (topic) => (aedes as unknown as { persistence: PersistentSubscriptions }).persistence.subscriptionsByTopic(topic),
  });
  const rateLimit = new PublishRateLimit(clock, opts.publishRateLimit?.() ?? DEFAULT_PUBLISH_RATE_LIMIT);
  const policy = createBrokerPolicy({
    authenticator: opts.authenticator,
    logger,
    reject,
    remoteAddressOf: (client) => remoteAddresses.get(client),
    gate,
    gatewaySites: opts.gatewaySites,
    onCongestionDrop: (client) => onQos0Dropped(`subscriber ${client.id} cannot keep up`)(),
    connectionRefusal: (client, username, principal) => transportRefusal({
      transport: clientTransports.get(client), username, principal, internalUsernames, requireGatewayCertificates: opts.tls?.ca !== undefined,
    }),
    rateLimit: {
      allow(account) {
        // Cheap (two numbers compared): configuration edits apply without a restart.
        if (opts.publishRateLimit) rateLimit.configure(opts.publishRateLimit());
        return rateLimit.allow(account);
      },
    },
  });

  try {
    const hooks = limitAuthFailures(policy.hooks, opts.authFailures ?? createAuthFailureLimiter(clock), (client) => remoteAddresses.get(client), reject);
    // concurrency 0: aedes' own limit (one FIFO for every message) is replaced by one for QoS 0 only.
    aedes = await Aedes.createBroker({ ...hooks, concurrency: 0, ...(stored && { persistence: stored.persistence }) });
    forwardAlarmsFirst((aedes as unknown as { mq: MessageEmitter }).mq, { onDrop: onQos0Dropped('queue full') });
  } catch (err) {
    await stored?.close();
    throw err;
  }
  const broker = aedes;
  // A persistence failure surfaces as an aedes 'error'; unheard it would kill the server.
  (aedes as unknown as NodeJS.EventEmitter).on('error', (err: Error) => logger.error({ err }, 'mqtt broker error'));
  aedes.on('clientDisconnect', (client) => policy.released(client));
  aedes.on('subscribe', (subscriptions, client) => policy.subscribed(client, subscriptions));
  aedes.on('unsubscribe', (filters, client) => policy.unsubscribed(client, filters));
  aedes.on('clientError', (client, err) => logger.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  aedes.on('connectionError', (_client, err) => logger.debug({ err: err.message }, 'mqtt connection error'));

  function accept(transport: Duplex, remoteAddress: string | undefined, origin: ClientTransport, req?: IncomingMessage): void {
    transports.add(transport);
    transport.once('close', () => transports.delete(transport));
    // A `let` on purpose: the guard's callback may run before handle() has returned a client.
    // eslint-disable-next-line prefer-const -- const would throw (temporal dead zone) there.
    let client: Client | undefined;
    const conn = guardMqttConnection(transport, maxPacketBytes, (violation) => {
      const detail = { clientId: client?.id, remoteAddress, limit: maxPacketBytes };
      if (violation.kind === 'oversized') reject('oversized', { ...detail, packetBytes: violation.packetBytes });
      else logger.warn(detail, 'malformed mqtt packet length, connection closed');
    });
    client = broker.handle(conn, req);
    forwardEveryMessage(client);
    clientTransports.set(client, origin);
    if (remoteAddress) remoteAddresses.set(client, remoteAddress);
  }

  const plain = (origin: ClientTransport) => (socket: Socket) => {
    // MQTT packets are small and latency-bound: without this, Nagle plus delayed ACKs hold a
    // PUBLISH back ~40 ms on loopback.
    socket.setNoDelay(true);
    accept(socket, socket.remoteAddress, origin);
  };
  const tlsOptions = opts.tls;
  const server: Server = tlsOptions
    // Client certificates are asked for but not demanded at the handshake: devices log in with a
    // password; the policy then refuses gateway accounts without a matching certificate.
    ? createTlsServer({ cert: tlsOptions.cert, key: tlsOptions.key, ...(tlsOptions.ca && { ca: tlsOptions.ca, requestCert: true, rejectUnauthorized: false }) }, (socket: TLSSocket) => {
      socket.setNoDelay(true);
      accept(socket, socket.remoteAddress, { kind: 'tls', socket });
    })
    : createServer(plain({ kind: 'plain' }));
  if (tlsOptions) {
    server.on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
      // A failed handshake (wrong CA, plain MQTT on the TLS port, a scanner) is a refused login.
      reject('auth', { cause: 'tls-handshake', remoteAddress: socket.remoteAddress, err: err.code ?? err.message });
    });
  }
  // Under TLS the server's own clients (its link, embedded gateways) use a loopback port: a
  // certificate issued for the server's public name cannot be verified against 127.0.0.1.
  const internal = tlsOptions && internalUsernames.size > 0 ? createServer(plain({ kind: 'internal' })) : undefined;
  try {
    await listen(server, opts.port, opts.host);
    if (internal) await listen(internal, 0, '127.0.0.1');
  } catch (err) {
    server.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await stored?.close();
    throw err;
  }
  server.on('error', (err) => logger.error({ err }, 'mqtt tcp server error'));
  internal?.on('error', (err) => logger.error({ err }, 'mqtt internal server error'));
  const port = (server.address() as AddressInfo).port;
  const internalPort = internal ? (internal.address() as AddressInfo).port : undefined;
  logger.info({ port, host: opts.host, tls: tlsOptions !== undefined, clientCertificates: tlsOptions?.ca !== undefined, internalPort, maxPacketBytes, persistenceDir: opts.persistenceDir, gated: gate !== undefined }, 'mqtt broker listening');

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const internalClosed = new Promise<void>((resolve) => (internal ? internal.close(() => resolve()) : resolve()));
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    // aedes closes the clients it registered; half-open and pre-CONNECT sockets are cut here.
    for (const transport of transports) transport.destroy();
    await serverClosed;
    await internalClosed;
    // aedes.close() leaves its persistence open: without this the LevelDB LOCK stays held and the
    // same process could not open the directory again.
    await stored?.close();
  }

  return {
    aedes: broker,
    port,
    internalPort,
    handleWebSocket(ws, req) {
      accept(createWebSocketStream(ws), req.socket.remoteAddress, { kind: 'websocket' }, req);
    },
    close: () => (closing ??= close()),
    connectedClients: () => broker.connectedClients,
    principalOf: (client) => policy.principalOf(client),
  };
}
