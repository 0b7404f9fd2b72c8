import { TryggError } from '../errors';
import type { ThrottlePolicy } from './login-throttle';

/**
 * Limits against guessing and against clients that hold connections open. Defaults suit an
 * office; environment variables (docs/operator-guide.md, "Limits against abuse") change them,
 * tests pass tiny windows instead of waiting.
 */
export interface AbuseSettings {
  /** Console logins (POST /api/v1/session). */
  login: ThrottlePolicy;
  /** MQTT CONNECTs to the embedded broker. */
  mqtt: ThrottlePolicy;
  /** Login requests per source address and minute, whatever their outcome (@fastify/rate-limit). */
  loginRequestsPerMinute: number;
  /** CSP violation reports accepted per source address and minute. */
  cspReportsPerMinute: number;
  http: HttpLimits;
  /** Origins besides the Host-derived one that may change things (a TLS proxy's public address). */
  publicOrigins: string[];
}

export interface HttpLimits {
  /** A socket silent this long is closed (fastify connectionTimeout). */
  idleTimeoutMs: number;
  /** A request must have arrived whole within this (fastify requestTimeout: slow bodies). */
  requestTimeoutMs: number;
  /** Headers must have arrived within this (Node headersTimeout; at most requestTimeoutMs). */
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Open connections per source address; 0 = no cap (e.g. behind a proxy that caps itself). */
  maxConnectionsPerAddress: number;
}

const MINUTE = 60_000;

export const DEFAULT_ABUSE_SETTINGS: AbuseSettings = {
  login: {
    // Five typos are free; then 1 s, 2 s, 4 s ... up to 15 minutes per further failure.
    account: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE },
    // An office behind one NAT address shares this one: more free failures.
    address: { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE },
    pair: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE },
    knownForMs: 30 * 24 * 60 * MINUTE,
  },
  mqtt: {
    // Gateways and devices retry by themselves after a wrong password: lockouts stay short.
    account: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 5 * MINUTE, forgetAfterMs: 15 * MINUTE },
    address: { freeFailures: 30, baseDelayMs: 1000, maxDelayMs: 5 * MINUTE, forgetAfterMs: 15 * MINUTE },
    pair: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 5 * MINUTE, forgetAfterMs: 15 * MINUTE },
    knownForMs: 30 * 24 * 60 * MINUTE,
  },
  loginRequestsPerMinute: 300,
  cspReportsPerMinute: 60,
  http: {
    idleTimeoutMs: 60_000,
    requestTimeoutMs: 30_000,
    headersTimeoutMs: 20_000,
    keepAliveTimeoutMs: 10_000,
    maxConnectionsPerAddress: 256,
  },
  publicOrigins: [],
};

function integer(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`${name} must be a whole number from ${min} to ${max}, got "${raw}"`]);
  return n;
}

/** `TRYGG_PUBLIC_ORIGIN=https://trygg.example.no,https://alarm.example.no` -> normalised origins. */
export function parsePublicOrigins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`TRYGG_PUBLIC_ORIGIN: "${s}" is not an origin like https://trygg.example.no`]);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`TRYGG_PUBLIC_ORIGIN: "${s}" must start with http:// or https://`]);
    return url.origin;
  });
}

export function abuseSettingsFromEnv(env: NodeJS.ProcessEnv): AbuseSettings {
  const d = DEFAULT_ABUSE_SETTINGS;
  const seconds = (name: string, fallback: number) => (integer(env, name, 1, 3600) ?? fallback / 1000) * 1000;
  const free = (name: string, fallback: number) => integer(env, name, 1, 1000) ?? fallback;
  return {
    ...d,
    login: {
      ...d.login,
      account: { ...d.login.account, freeFailures: free('TRYGG_LOGIN_FREE_FAILURES', d.login.account.freeFailures) },
      pair: { ...d.login.pair, freeFailures: free('TRYGG_LOGIN_FREE_FAILURES', d.login.pair.freeFailures) },
      address: { ...d.login.address, freeFailures: free('TRYGG_LOGIN_FREE_FAILURES_PER_ADDRESS', d.login.address.freeFailures) },
    },
    loginRequestsPerMinute: integer(env, 'TRYGG_LOGIN_REQUESTS_PER_MINUTE', 1, 100_000) ?? d.loginRequestsPerMinute,
    http: {
      idleTimeoutMs: seconds('TRYGG_HTTP_IDLE_TIMEOUT_SECONDS', d.http.idleTimeoutMs),
      requestTimeoutMs: seconds('TRYGG_HTTP_REQUEST_TIMEOUT_SECONDS', d.http.requestTimeoutMs),
      headersTimeoutMs: Math.min(seconds('TRYGG_HTTP_REQUEST_TIMEOUT_SECONDS', d.http.requestTimeoutMs), d.http.headersTimeoutMs),
      keepAliveTimeoutMs: d.http.keepAliveTimeoutMs,
      maxConnectionsPerAddress: integer(env, 'TRYGG_HTTP_MAX_CONNECTIONS_PER_ADDRESS', 0, 1_000_000) ?? d.http.maxConnectionsPerAddress,
    },
    publicOrigins: parsePublicOrigins(env.TRYGG_PUBLIC_ORIGIN),
  };
}
