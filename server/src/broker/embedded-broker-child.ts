/**
 * The embedded broker alone in a process, for tests that must kill it like a crash (SIGKILL):
 * options as JSON in TRYGG_BROKER_CHILD ({ dir, port, config }), `{ type: 'ready', port }` over
 * IPC once listening, `{ type: 'published', topic }` once a message from a client has been through
 * the whole publish path (queued for offline persistent sessions included). A graceful SIGTERM
 * closes it the way the server does.
 */
import { pino } from 'pino';
import type { TryggConfig } from '../config/types';
import { createBrokerAuthenticator } from './broker-authenticator';
import { startEmbeddedBroker } from './embedded-broker';

const { dir, port, config } = JSON.parse(process.env.TRYGG_BROKER_CHILD ?? '{}') as { dir: string; port: number; config: TryggConfig };
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const broker = await startEmbeddedBroker({
  host: '127.0.0.1',
  port,
  persistenceDir: dir,
  authenticator: createBrokerAuthenticator(config, [], { allowAnonymous: false }),
  logger,
});
// aedes emits 'publish' after its offline enqueue has completed; the PUBACK went out before it.
broker.aedes.on('publish', (packet, client) => {
  if (client) process.send?.({ type: 'published', topic: packet.topic });
});
process.send?.({ type: 'ready', port: broker.port });
process.on('SIGTERM', () => void broker.close().then(() => process.exit(0), () => process.exit(1)));
process.on('disconnect', () => void broker.close().then(() => process.exit(0), () => process.exit(1)));
