import type { FastifyInstance } from 'fastify';
import '@fastify/websocket';
import type { EmbeddedBroker } from './embedded-broker';

/**
 * MQTT over WebSocket on the HTTP server at `/mqtt`, for clients that cannot reach the TCP port
 * (browsers, proxies that pass only HTTPS). The Fastify app registers @fastify/websocket once;
 * this module supplies its subprotocol choice and the route.
 */
export const MQTT_WEBSOCKET_PATH = '/mqtt';

/**
 * For @fastify/websocket `options.handleProtocols`. Clients offer the `mqtt` subprotocol
 * [MQTT-6.0.0-3] and the server must select it [MQTT-6.0.0-4]; mqtt.js (through ws) fails the
 * connection when the server answers none. `mqttv3.1` is what MQTT 3.1 clients offer.
 * Returns false for anything else so the lead's handler can fall through to other routes' choices.
 */
export function pickMqttSubprotocol(protocols: Set<string>): string | false {
  if (protocols.has('mqtt')) return 'mqtt';
  if (protocols.has('mqttv3.1')) return 'mqttv3.1';
  return false;
}

/**
 * Adds `GET /mqtt`, piping each WebSocket into aedes. Registered as an encapsulated plugin so
 * the route is added after @fastify/websocket has loaded, whatever order the caller registers in.
 */
export function registerMqttWebSocketRoute(app: FastifyInstance, broker: EmbeddedBroker): void {
  app.register(async (scope) => {
    scope.get(MQTT_WEBSOCKET_PATH, { websocket: true }, (socket, request) => {
      broker.handleWebSocket(socket, request.raw);
    });
  });
}
