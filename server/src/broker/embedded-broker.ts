import type { IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import { createWebSocketStream, type WebSocket } from 'ws';
import type { BrokerPrincipal } from './acl';
import type { BrokerAuthenticator } from './broker-authenticator';
import { createBrokerPolicy, type RejectListener, type RejectReason } from './broker-policy';
import { guardMqttConnection } from './mqtt-frame-guard';

/**
 * The MQTT broker embedded in the Trygg server: aedes with Trygg's authentication and ACL, served
 * on a TCP port and, through handleWebSocket, on the HTTP server's `/mqtt` route.
 */
export type { RejectReason };

export interface EmbeddedBrokerOptions {
  host?: string;
  /** 0 picks a free port (tests); the bound port is on the returned broker. */
  port: number;
  authenticator: BrokerAuthenticator;
  logger: Logger;
  onReject?: RejectListener;
  /** Whole MQTT packet (fixed header included); default 300 KiB. */
  maxPacketBytes?: number;
}

export interface EmbeddedBroker {
  aedes: Aedes;
  port: number;
  handleWebSocket(ws: WebSocket, req: IncomingMessage): void;
  close(): Promise<void>;
  connectedClients(): number;
  /** The principal a connected client authenticated as (for ingest to know who published). */
  principalOf(client: Client): BrokerPrincipal | undefined;
}

export const DEFAULT_MAX_PACKET_BYTES = 300 * 1024;

function listen(server: ReturnType<typeof createServer>, port: number, host: string | undefined): Promise<void> {
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
  /** Raw transports, so close() can cut connections that never completed CONNECT. */
  const transports = new Set<Duplex>();

  const reject: RejectListener = (reason, detail) => {
    // Never the password: the detail only ever holds ids, usernames, topics and sizes.
    logger.warn({ reason, ...detail }, 'mqtt request rejected');
    opts.onReject?.(reason, detail);
  };
  const policy = createBrokerPolicy({
    authenticator: opts.authenticator,
    logger,
    reject,
    remoteAddressOf: (client) => remoteAddresses.get(client),
  });

  const aedes = await Aedes.createBroker({ ...policy.hooks });
  aedes.on('clientDisconnect', (client) => policy.released(client));
  aedes.on('clientError', (client, err) => logger.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  aedes.on('connectionError', (_client, err) => logger.debug({ err: err.message }, 'mqtt connection error'));

  function accept(transport: Duplex, remoteAddress: string | undefined, req?: IncomingMessage): void {
    transports.add(transport);
    transport.once('close', () => transports.delete(transport));
    let client: Client | undefined;
    const conn = guardMqttConnection(transport, maxPacketBytes, (violation) => {
      const detail = { clientId: client?.id, remoteAddress, limit: maxPacketBytes };
      if (violation.kind === 'oversized') reject('oversized', { ...detail, packetBytes: violation.packetBytes });
      else logger.warn(detail, 'malformed mqtt packet length, connection closed');
    });
    client = aedes.handle(conn, req);
    if (remoteAddress) remoteAddresses.set(client, remoteAddress);
  }

  const server = createServer((socket: Socket) => {
    // MQTT packets are small and latency-bound: without this, Nagle plus delayed ACKs hold a
    // PUBLISH back ~40 ms on loopback.
    socket.setNoDelay(true);
    accept(socket, socket.remoteAddress);
  });
  try {
    await listen(server, opts.port, opts.host);
  } catch (err) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw err;
  }
  server.on('error', (err) => logger.error({ err }, 'mqtt tcp server error'));
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, host: opts.host, maxPacketBytes }, 'mqtt broker listening');

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    // aedes closes the clients it registered; half-open and pre-CONNECT sockets are cut here.
    for (const transport of transports) transport.destroy();
    await serverClosed;
  }

  return {
    aedes,
    port,
    handleWebSocket(ws, req) {
      accept(createWebSocketStream(ws), req.socket.remoteAddress, req);
    },
    close: () => (closing ??= close()),
    connectedClients: () => aedes.connectedClients,
    principalOf: (client) => policy.principalOf(client),
  };
}
