import { resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { loadConfigFile } from './config/load-config';
import { startTrygg, type RunningTrygg } from './server';
import { DEMO_CONFIG, readEnvironment, type Environment } from './environment';
import { demoOverlay } from './demo-overlay';
import { loadTlsMaterial } from './tls/tls-material';
import { localMqttUrl, writeRunFile } from './run-file-writer';

/** Something that runs beside the server in the same process and stops before it. */
export interface Companion {
  stop(): Promise<void> | void;
}

export interface StartedServer {
  running: RunningTrygg;
  environment: Environment;
  /** Whether the server answers on TLS (`TRYGG_TLS_CERT`). */
  tls: boolean;
  logger: Logger;
}

/** Starts what runs beside the server once it is ready (the demo office's buttons in `npm start`). */
export type CompanionStarter = (started: StartedServer) => Promise<Companion | undefined>;

/**
 * The whole system in one process on the environment's settings (the contract of `npm start`,
 * docs/operator-guide.md), until SIGINT or SIGTERM. Rejects on a startup problem (port in use,
 * invalid configuration); `exitOnStartupError` turns that into one clear line.
 */
export async function runFromEnvironment(startCompanion?: CompanionStarter): Promise<void> {
  const environment = readEnvironment(process.env);
  const logger = pino({ level: environment.logLevel, base: { service: 'trygg' } });
  const config = loadConfigFile(environment.configFile);
  const tls = environment.tls && loadTlsMaterial(environment.tls);
  const running = await startTrygg({
    config,
    configSource: environment.configFile,
    configOverlay: environment.configFile === DEMO_CONFIG ? demoOverlay(process.env) : undefined,
    dataDir: resolve(environment.dataDir),
    httpPort: environment.httpPort,
    httpHost: environment.httpHost,
    mqttPort: environment.mqttPort,
    mqttHost: environment.mqttHost,
    mqttUrl: environment.mqttUrl,
    mqttUsername: environment.mqttUsername,
    mqttPassword: environment.mqttPassword,
    embeddedGateways: environment.embeddedGateway
      ? config.sites.flatMap((s) => s.gateways.map((g) => ({ siteId: s.id, gatewayId: g.id })))
      : [],
    presenceGraceMs: environment.presenceGraceMs,
    secureCookies: environment.secureCookies,
    tls,
    sessionTimeouts: { idleMs: environment.sessionIdleMs, maxMs: environment.sessionMaxMs },
    responseContract: environment.responseContract,
    logger,
  });
  // Logged as JSON already; also one plain line, because an operator who edited the file expects it to run.
  if (running.configFileIgnored) process.stderr.write(`trygg: warning: ${running.configFileIgnored.code}: ${running.configFileIgnored.message}\n`);
  const consoleUrl = `${tls ? 'https' : 'http'}://localhost:${running.httpPort}/`;
  logger.info({ console: consoleUrl, config: environment.configFile }, 'console ready');
  // So `npm run sim` finds this broker without MQTT_PORT (protocol/src/run-file.ts).
  const mqttUrl = running.mqttPort !== undefined ? localMqttUrl(environment.mqttHost ?? environment.httpHost, running.mqttPort, Boolean(tls)) : environment.mqttUrl;
  const removeRunFile = mqttUrl ? writeRunFile(resolve(environment.dataDir), { mqttUrl, consoleUrl }) : () => {};
  const companion = await startCompanion?.({ running, environment, tls: Boolean(tls), logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    removeRunFile();
    Promise.resolve(companion?.stop())
      .then(() => running.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** A startup problem ends the process with one line naming it, not a stack trace. */
export function exitOnStartupError(err: unknown): never {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`trygg: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`);
  process.exit(1);
}
