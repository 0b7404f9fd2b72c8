import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics';
import type { HttpLimits } from './abuse-settings';

/**
 * What one client may hold of the HTTP server: a body trickled a byte a minute, an idle socket,
 * or hundreds of open connections each cost the server a file descriptor and memory. Node's own
 * timeouts cut the first two (fastify passes requestTimeout/connectionTimeout/keepAliveTimeout
 * through, see fastifyTimeouts); a count per source address caps the third. Upgraded WebSockets
 * (console, MQTT) are exempt from the idle timeout (ws clears it) and keep their own pings.
 */
export function fastifyTimeouts(limits: HttpLimits) {
  return {
    connectionTimeout: limits.idleTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
  };
}

export function limitConnections(server: Server, limits: HttpLimits, metrics: Metrics, logger: Logger): void {
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  // Node checks request timeouts every 30 s by default: a 1-second timeout would still let a
  // slow client hold on for 30. Read when the server starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(100, Math.min(5000, Math.floor(limits.requestTimeoutMs / 4)));

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      metrics.httpConnectionsRefused.inc({ reason: 'request-timeout' });
      logger.info({ remoteAddress: socket.remoteAddress, timeoutMs: limits.requestTimeoutMs }, 'http request too slow: connection closed');
    }
  });
  // With a 'timeout' listener Node no longer closes the idle socket itself: this does.
  server.on('timeout', (socket: Socket) => {
    metrics.httpConnectionsRefused.inc({ reason: 'idle-timeout' });
    socket.destroy();
  });

  if (limits.maxConnectionsPerAddress <= 0) return;
  const open = new Map<string, number>();
  let lastLogged = 0;
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      metrics.httpConnectionsRefused.inc({ reason: 'per-address-cap' });
      // A flood would write one line per socket: at most one a second.
      if (Date.now() - lastLogged > 1000) {
        lastLogged = Date.now();
        logger.warn({ remoteAddress: address, limit: limits.maxConnectionsPerAddress }, 'too many http connections from one address: refused');
      }
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
