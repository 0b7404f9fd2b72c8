/**
 * Configuration of the SIA DC-09 notifier: one entry per ARC target (usually one per site),
 * named by `Notification.target`. Validated by one JSON Schema (every problem as `path: message`),
 * then cross-checked. Secrets: `key` is never echoed in a problem, an error or a log line.
 */
import { createAjv, formatSchemaErrors, parseDc09Key, parseDc09AsciiKey } from '@trygg/protocol';

export type ArcProtocol = 'tcp' | 'udp';
export type ArcReceiverRole = 'primary' | 'secondary';

export interface ArcReceiverAddress {
  host: string;
  port: number;
  protocol: ArcProtocol;
}

export interface ArcTargetConfig {
  primary: ArcReceiverAddress;
  /** Tried when the primary does not acknowledge. */
  secondary?: ArcReceiverAddress;
  /** [DC-09 5.5.1.6] Account number the ARC knows the site by: 3-16 hex digits. */
  account: string;
  /** Receiver number (`R`), 1-6 hex digits; left out of the frame when unset. */
  receiver?: string;
  /** Account prefix (`L`, often called line), 1-6 hex digits; default `0`. */
  line?: string;
  /** The standard's name for `line`; give one or the other. */
  prefix?: string;
  /**
   * AES key (AES-128/192/256); unencrypted when unset. As 32, 48 or 64 hex digits, or — with
   * `keyFormat: ascii` — as the 16, 24 or 32 characters many receivers and panels take, each
   * character one key byte. docs/sia-dc09.md shows how to turn one form into the other.
   */
  key?: string;
  /** How `key` is written: `hex` (default) or `ascii`. Said, never guessed: `0123456789ABCDEF` is both. */
  keyFormat?: 'hex' | 'ascii';
  /** Payload: SIA-DCS (two-letter SIA codes, default) or ADM-CID (Contact ID). */
  format?: 'SIA-DCS' | 'ADM-CID';
  /** Area (SIA `ri`) / Contact ID partition, 0-99; default 1. */
  area?: number;
  /** Zone numbers (0-999) by room id or device id; see zoneFor(). */
  zones?: Record<string, number>;
  /** Zone when neither the room nor the device has one; default 0 ("no zone"). */
  defaultZone?: number;
  /** How long to wait for ACK/NAK/DUH per attempt; default 5000 ms. */
  timeoutMs?: number;
  /** Attempts per receiver before failing over; default 2. */
  attempts?: number;
  /** Wait before the second attempt, doubled for each further one; default 500 ms. */
  retryBackoffMs?: number;
  /** NULL link test period in seconds; 0 or unset: no supervision. */
  linkTestIntervalS?: number;
}

/** A target with defaults applied and the key decoded; never logged as a whole. */
export interface ResolvedArcTarget {
  name: string;
  receivers: { role: ArcReceiverRole; address: ArcReceiverAddress }[];
  account: string;
  receiver?: string;
  line: string;
  key?: Buffer;
  format: 'SIA-DCS' | 'ADM-CID';
  area: number;
  zones: Record<string, number>;
  defaultZone: number;
  timeoutMs: number;
  attempts: number;
  retryBackoffMs: number;
  linkTestIntervalS: number;
}

const hexToken = { type: 'string', pattern: '^[0-9A-Fa-f]{1,6}$' } as const;
const address = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'protocol'],
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 253 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    protocol: { enum: ['tcp', 'udp'] },
  },
} as const;

export const arcTargetSchema = {
  $id: 'trygg/notify/sia-dc09-target',
  type: 'object',
  additionalProperties: false,
  required: ['primary', 'account'],
  properties: {
    primary: address,
    secondary: address,
    account: { type: 'string', pattern: '^[0-9A-Fa-f]{3,16}$' },
    receiver: hexToken,
    line: hexToken,
    prefix: hexToken,
    // The pattern is not echoed by formatSchemaErrors' message for this field (see below).
    key: { type: 'string' },
    keyFormat: { enum: ['hex', 'ascii'] },
    format: { enum: ['SIA-DCS', 'ADM-CID'] },
    area: { type: 'integer', minimum: 0, maximum: 99 },
    zones: { type: 'object', additionalProperties: { type: 'integer', minimum: 0, maximum: 999 } },
    defaultZone: { type: 'integer', minimum: 0, maximum: 999 },
    timeoutMs: { type: 'integer', minimum: 50, maximum: 120_000 },
    attempts: { type: 'integer', minimum: 1, maximum: 10 },
    retryBackoffMs: { type: 'integer', minimum: 0, maximum: 60_000 },
    linkTestIntervalS: { type: 'integer', minimum: 0, maximum: 86_400 },
  },
} as const;

const targetsSchema = { type: 'object', additionalProperties: arcTargetSchema } as const;
const validateTargets = createAjv().compile(targetsSchema);

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Validates `{ <target>: ArcTargetConfig }`; every problem as `path: message`, never the key. */
export function validateArcTargets(raw: unknown, root = 'arc'): Validated<Record<string, ArcTargetConfig>> {
  if (!validateTargets(raw)) return { ok: false, errors: formatSchemaErrors(validateTargets.errors, root) };
  const targets = raw as Record<string, ArcTargetConfig>;
  const errors: string[] = [];
  for (const [name, t] of Object.entries(targets)) {
    const at = `${root}.${name}`;
    if (t.key !== undefined && decodeKey(t) === null) errors.push(`${at}.key: ${keyRule(t)}`);
    if (t.keyFormat !== undefined && t.key === undefined) errors.push(`${at}.keyFormat: given without a key`);
    if (t.line !== undefined && t.prefix !== undefined && t.line.toUpperCase() !== t.prefix.toUpperCase()) {
      errors.push(`${at}.prefix: is the standard's name for line; give one or the other`);
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: targets };
}

/** The key's bytes in the form the target says, or null when it is not a valid key of that form. */
function decodeKey(t: ArcTargetConfig): Buffer | null {
  if (t.key === undefined) return null;
  return t.keyFormat === 'ascii' ? parseDc09AsciiKey(t.key) : parseDc09Key(t.key);
}

function keyRule(t: ArcTargetConfig): string {
  return t.keyFormat === 'ascii'
    ? 'must be 16, 24 or 32 printable ASCII characters (AES-128/192/256) with keyFormat ascii'
    : 'must be 32, 48 or 64 hex digits (AES-128/192/256); a key of 16, 24 or 32 characters needs keyFormat: ascii';
}

export function resolveArcTarget(name: string, t: ArcTargetConfig): ResolvedArcTarget {
  const key = decodeKey(t);
  if (t.key !== undefined && !key) throw new Error(`ARC target "${name}": key ${keyRule(t)}`);
  return {
    name,
    receivers: [
      { role: 'primary', address: t.primary },
      ...(t.secondary ? [{ role: 'secondary' as const, address: t.secondary }] : []),
    ],
    account: t.account.toUpperCase(),
    ...(t.receiver !== undefined ? { receiver: t.receiver.toUpperCase() } : {}),
    line: (t.line ?? t.prefix ?? '0').toUpperCase(),
    ...(key ? { key } : {}),
    format: t.format ?? 'SIA-DCS',
    area: t.area ?? 1,
    zones: t.zones ?? {},
    defaultZone: t.defaultZone ?? 0,
    timeoutMs: t.timeoutMs ?? 5000,
    attempts: t.attempts ?? 2,
    retryBackoffMs: t.retryBackoffMs ?? 500,
    linkTestIntervalS: t.linkTestIntervalS ?? 0,
  };
}

/**
 * The demo office's ARC: `TRYGG_DEMO_ARC=<host>:<port>` (IPv6 as `[::1]:7000`) becomes a TCP
 * target with account 1234, unencrypted, as the test receiver expects.
 */
export function demoArcTarget(hostPort: string): ArcTargetConfig {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(hostPort.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`TRYGG_DEMO_ARC must be <host>:<port>, got "${hostPort}"`);
  return { primary: { host: (m[1] ?? m[2])!, port, protocol: 'tcp' }, account: '1234' };
}
