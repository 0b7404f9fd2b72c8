/**
 * The gateway as a process: `npm run gateway`. Configuration from the environment, defaults fit
 * the demo office (`npm start` on the same machine).
 */
import { resolve } from 'node:path';
import pino from 'pino';
import { GatewayError } from './errors';
import { startGateway, type Gateway } from './gateway';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { DeviceTransportConfig } from './transports/transport-factories';
import { transportSettingsProblems } from './transports/transport-settings';
import { mqttTlsFromEnv } from './uplink/mqtt-tls';

function readTransports(file: string): DeviceTransportConfig[] {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new GatewayError('TRYGG_GW_CONFIG', `GATEWAY_CONFIG ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const transports = (data as { transports?: unknown } | null)?.transports;
  if (!Array.isArray(transports)) throw new GatewayError('TRYGG_GW_CONFIG', `GATEWAY_CONFIG ${file}: transports: must be a list`);
  // Every transport's own settings schema and checks, all problems at once (transport-settings.ts).
  const problems = transportSettingsProblems(transports);
  if (problems.length > 0) throw new GatewayError('TRYGG_GW_CONFIG', `GATEWAY_CONFIG ${file}: ${problems.join('; ')}`);
  return transports as DeviceTransportConfig[];
}

const env = process.env;
const logger = pino({ level: env.LOG_LEVEL ?? 'info', base: { service: 'trygg-gateway' } });

async function main(): Promise<void> {
  const uplinkUrl = env.MQTT_URL || `mqtt://127.0.0.1:${env.MQTT_PORT || 1883}`;
  // mqtts://: MQTT_CA verifies the server; MQTT_CERT + MQTT_KEY are this gateway's certificate (mTLS).
  const tls = mqttTlsFromEnv(env);
  const uplink = {
    url: uplinkUrl,
    username: env.MQTT_USERNAME ?? 'demo-gw',
    password: env.MQTT_PASSWORD ?? 'trygg-demo-gateway',
    ...(tls && { tls }),
  };
  const deviceMqtt = env.DEVICE_MQTT_URL
    ? { url: env.DEVICE_MQTT_URL, username: env.DEVICE_MQTT_USERNAME ?? uplink.username, password: env.DEVICE_MQTT_PASSWORD ?? uplink.password }
    : uplink;
  // GATEWAY_CONFIG: a YAML/JSON file `{ transports: [...] }` (serial, hid, zigbee2mqtt); MQTT always runs, last.
  const extra = env.GATEWAY_CONFIG ? readTransports(env.GATEWAY_CONFIG) : [];
  const gateway: Gateway = await startGateway({
    siteId: env.SITE_ID || 'demo',
    gatewayId: env.GATEWAY_ID || 'demo-gw',
    uplink,
    // Devices log in with their own account on a separate broker; on the same broker the
    // gateway's own account is used for the device link too.
    transports: [...extra, { kind: 'mqtt', ...deviceMqtt }],
    dataDir: resolve(env.TRYGG_DATA_DIR || './data'),
    logger,
  });
  logger.info({ uplink: uplinkUrl, outboxDepth: gateway.outboxDepth() }, 'gateway started');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping gateway');
    gateway.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'gateway stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  // One clear line for configuration problems; anything else keeps its stack for debugging.
  if (err instanceof GatewayError) logger.fatal({ code: err.code, cause: String(err.cause ?? '') }, err.message);
  else logger.fatal({ err }, 'gateway failed to start');
  process.exit(1);
});
