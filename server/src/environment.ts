import { fileURLToPath } from 'node:url';
import { TryggError } from './errors';

export const DEMO_CONFIG = fileURLToPath(new URL('../config/demo-office.yaml', import.meta.url));

export interface Environment {
  httpPort: number;
  httpHost: string;
  mqttPort: number;
  /** Interface of the embedded broker; default: the HTTP host. */
  mqttHost?: string;
  mqttUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  dataDir: string;
  configFile: string;
  logLevel: string;
  embeddedGateway: boolean;
  presenceGraceMs?: number;
  /** Set when the console is served over HTTPS (e.g. behind a TLS proxy): cookies get `Secure`. */
  secureCookies: boolean;
  /** TRYGG_TLS_CERT / TRYGG_TLS_KEY (/ TRYGG_TLS_CA): PORT serves HTTPS, MQTT_PORT serves MQTTS. */
  tls?: TlsFiles;
  /** User sessions end after this long without a request (TRYGG_SESSION_IDLE_MINUTES). */
  sessionIdleMs?: number;
  /** ... and this long after login whatever happens (TRYGG_SESSION_MAX_HOURS). */
  sessionMaxMs?: number;
  /** `TRYGG_RESPONSE_CONTRACT`: `report` (default) sends an answer that breaks its schema and logs it; `enforce` fails it (api-contract/response-contract.ts). */
  responseContract: 'enforce' | 'report';
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Client certificates (gateways, mTLS) are checked against this CA. */
  caFile?: string;
}

function tlsFiles(env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const certFile = env.TRYGG_TLS_CERT || undefined;
  const keyFile = env.TRYGG_TLS_KEY || undefined;
  const caFile = env.TRYGG_TLS_CA || undefined;
  if (!certFile && !keyFile && !caFile) return undefined;
  if (!certFile || !keyFile) throw new TryggError('TRYGG_SRV_TLS_FILES', ['TRYGG_TLS_CERT and TRYGG_TLS_KEY must be set together (TRYGG_TLS_CA only with both)']);
  return { certFile, keyFile, ...(caFile && { caFile }) };
}

function duration(env: NodeJS.ProcessEnv, name: string, unitMs: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`${name} must be a number above 0 and at most ${max}, got "${raw}"`]);
  return Math.round(n * unitMs);
}

function milliseconds(raw: string, name: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 3_600_000) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`${name} must be milliseconds (0-3600000), got "${raw}"`]);
  return n;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`${name} must be a port number (0-65535), got "${raw}"`]);
  return n;
}

/** The contract of `npm start` (README.md, docs/operator-guide.md): PORT, MQTT_PORT, MQTT_URL, TRYGG_DATA_DIR, TRYGG_CONFIG. */
export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  const grace = env.TRYGG_PRESENCE_GRACE_MS;
  return {
    httpPort: port(env, 'PORT', 8080),
    // Loopback unless told: the demo office's passwords are published (issue 10).
    httpHost: env.HOST || '127.0.0.1',
    mqttPort: port(env, 'MQTT_PORT', 1883),
    mqttHost: env.MQTT_HOST || undefined,
    mqttUrl: env.MQTT_URL || undefined,
    mqttUsername: env.MQTT_USERNAME || undefined,
    mqttPassword: env.MQTT_PASSWORD || undefined,
    dataDir: env.TRYGG_DATA_DIR || './data',
    configFile: env.TRYGG_CONFIG || DEMO_CONFIG,
    logLevel: env.LOG_LEVEL || 'info',
    embeddedGateway: env.TRYGG_EMBEDDED_GATEWAY !== 'off',
    presenceGraceMs: grace ? milliseconds(grace, 'TRYGG_PRESENCE_GRACE_MS') : undefined,
    secureCookies: env.TRYGG_SECURE_COOKIES === '1' || env.TRYGG_SECURE_COOKIES === 'true',
    tls: tlsFiles(env),
    sessionIdleMs: duration(env, 'TRYGG_SESSION_IDLE_MINUTES', 60_000, 7 * 24 * 60),
    sessionMaxMs: duration(env, 'TRYGG_SESSION_MAX_HOURS', 3_600_000, 24 * 31),
    responseContract: env.TRYGG_RESPONSE_CONTRACT === 'enforce' ? 'enforce' : 'report',
  };
}
