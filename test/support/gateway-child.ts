/**
 * A gateway as its own process, started by GatewayProcess (gateway-process.ts) with its options
 * (transports included) as JSON in TRYGG_GATEWAY_OPTIONS: what `npm run gateway` runs, plus the
 * serial and Zigbee2MQTT transports that gateway/src/main.ts does not read from the environment.
 * Talks to its parent over IPC: `ready` once every link is up, `stats` on request.
 */
import { startGateway, type GatewayOptions } from '@trygg/gateway';
import { pino } from 'pino';

const options = JSON.parse(process.env.TRYGG_GATEWAY_OPTIONS ?? '{}') as Omit<GatewayOptions, 'logger'>;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'trygg-gateway' } });
const send = (message: unknown) => process.send?.(message);

const gateway = await startGateway({ ...options, logger });
await gateway.ready();
send({ type: 'ready', pid: process.pid });

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stats') send({ type: 'stats', stats: gateway.stats, outboxDepth: gateway.outboxDepth() });
  // For the soak bench: the gateway's own heap, which /proc cannot tell apart from the rest of its RSS.
  if (message?.type === 'memory') send({ type: 'memory', memory: process.memoryUsage() });
});
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  gateway.stop().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
