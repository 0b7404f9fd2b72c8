import { resolve } from 'node:path';
import { startHeartbeatLoad } from '@trygg/firmware-sim';
import { pino } from 'pino';
import { loadConfigFile } from './config/load-config';
import { startTrygg } from './server';
import { DEMO_CONFIG, readEnvironment } from './environment';
import { demoOverlay } from './demo-overlay';
import { loadTlsMaterial } from './tls/tls-material';
import { localMqttUrl, writeRunFile } from './run-file-writer';

/**
 * `npm start`: the whole system in one process on embedded defaults. Startup problems (port in
 * use, invalid configuration) end as one clear line, not a stack trace.
 */
async function main(): Promise<void> {
  const env = readEnvironment(process.env);
  const logger = pino({ level: env.logLevel, base: { service: 'trygg' } });
  const config = loadConfigFile(env.configFile);
  const tls = env.tls && loadTlsMaterial(env.tls);
  const running = await startTrygg({
    config,
    configSource: env.configFile,
    configOverlay: env.configFile === DEMO_CONFIG ? demoOverlay(process.env) : undefined,
    dataDir: resolve(env.dataDir),
    httpPort: env.httpPort,
    httpHost: env.httpHost,
    mqttPort: env.mqttPort,
    mqttHost: env.mqttHost,
    mqttUrl: env.mqttUrl,
    mqttUsername: env.mqttUsername,
    mqttPassword: env.mqttPassword,
    embeddedGateways: env.embeddedGateway ? config.sites.flatMap((s) => s.gateways.map((g) => ({ siteId: s.id, gatewayId: g.id }))) : [],
    presenceGraceMs: env.presenceGraceMs,
    secureCookies: env.secureCookies,
    tls,
    sessionTimeouts: { idleMs: env.sessionIdleMs, maxMs: env.sessionMaxMs },
    responseContract: env.responseContract,
    logger,
  });
  // Logged as JSON already; also one plain line, because an operator who edited the file expects it to run.
  if (running.configFileIgnored) process.stderr.write(`trygg: warning: ${running.configFileIgnored.code}: ${running.configFileIgnored.message}\n`);
  const consoleUrl = `${tls ? 'https' : 'http'}://localhost:${running.httpPort}/`;
  logger.info({ console: consoleUrl, config: env.configFile }, 'console ready');
  // So `npm run sim` finds this broker without MQTT_PORT (protocol/src/run-file.ts).
  const mqttUrl = running.mqttPort !== undefined ? localMqttUrl(env.mqttHost ?? env.httpHost, running.mqttPort, Boolean(tls)) : env.mqttUrl;
  const removeRunFile = mqttUrl ? writeRunFile(resolve(env.dataDir), { mqttUrl, consoleUrl }) : () => {};
  // The demo office's buttons are simulated: they heartbeat like real ones, so supervision sees
  // a healthy office (TRYGG_DEMO_DEVICES=off to watch them go silent instead).
  // Under TLS the certificate names the server's real host, not 127.0.0.1: no demo heartbeats then.
  if (tls && env.configFile === DEMO_CONFIG) logger.info('demo device heartbeats off under TLS');
  const demoDevices = env.configFile === DEMO_CONFIG && running.mqttPort !== undefined && !tls && process.env.TRYGG_DEMO_DEVICES !== 'off'
    ? await startHeartbeatLoad({
      url: `mqtt://127.0.0.1:${running.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo',
      devices: running.directory.site('demo')?.devices.map((d) => d.id) ?? [], intervalMs: 60_000, battery: 90,
    }).catch((err: unknown) => {
      logger.warn({ err: { message: (err as Error).message } }, 'demo device heartbeats not started');
      return undefined;
    })
    : undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    removeRunFile();
    Promise.resolve(demoDevices?.stop()).then(() => running.close()).then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`trygg: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`);
  process.exit(1);
});
