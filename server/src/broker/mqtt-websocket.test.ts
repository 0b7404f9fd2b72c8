import type { AddressInfo } from 'node:net';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@trygg/protocol';
import { createBrokerAuthenticator } from './broker-authenticator';
import { collectMessages, connectClient, connectRefused, endAll, makeTestConfig, PASSWORDS } from './broker-test-fixtures';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';
import { pickMqttSubprotocol, registerMqttWebSocketRoute } from './mqtt-websocket';

describe('pickMqttSubprotocol', () => {
  it('answers mqtt (or the MQTT 3.1 name) and nothing else', () => {
    expect(pickMqttSubprotocol(new Set(['mqtt']))).toBe('mqtt');
    expect(pickMqttSubprotocol(new Set(['chat', 'mqtt']))).toBe('mqtt');
    expect(pickMqttSubprotocol(new Set(['mqttv3.1']))).toBe('mqttv3.1');
    expect(pickMqttSubprotocol(new Set(['chat']))).toBe(false);
    expect(pickMqttSubprotocol(new Set())).toBe(false);
  });
});

describe('MQTT over WebSocket at /mqtt', () => {
  let broker: EmbeddedBroker;
  let app: FastifyInstance;
  let wsUrl: string;

  beforeAll(async () => {
    const authenticator = createBrokerAuthenticator(
      await makeTestConfig(),
      [{ username: 'trygg-server', password: 'server-pw', principal: { role: 'server' } }],
      { allowAnonymous: false },
    );
    const logger = pino({ level: 'silent' });
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, authenticator, logger });
    app = Fastify();
    await app.register(fastifyWebsocket, { options: { handleProtocols: (protocols) => pickMqttSubprotocol(protocols) } });
    registerMqttWebSocketRoute(app, broker);
    await app.listen({ host: '127.0.0.1', port: 0 });
    wsUrl = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/mqtt`;
  });

  afterAll(async () => {
    await app?.close();
    await broker?.close();
  });

  it('authenticates and applies the ACL like the TCP port', async () => {
    const server = await connectClient(`mqtt://127.0.0.1:${broker.port}`, { username: 'trygg-server', password: 'server-pw' });
    const gw = await connectClient(wsUrl, { username: 'oslo-gw', password: PASSWORDS.osloGw });
    try {
      const inbox = collectMessages(server);
      await server.subscribeAsync(topics.allGatewayChannel('events'), { qos: 1 });
      const event = inbox.waitFor(topics.gateway('oslo', 'gw-1', 'events'));
      await gw.publishAsync(topics.gateway('oslo', 'gw-1', 'events'), 'over-ws', { qos: 1 });
      expect(await event).toBe('over-ws');
      await expect(gw.subscribeAsync(topics.gateway('oslo', 'gw-2', 'receipts'))).rejects.toMatchObject({ packet: { granted: [0x80] } });
      expect(broker.connectedClients()).toBe(2);
    } finally {
      await endAll([gw, server]);
    }
  });

  it('refuses bad credentials over WebSocket', async () => {
    expect((await connectRefused(wsUrl, { username: 'oslo-gw', password: 'wrong' })).code).toBe(4);
  });
});
