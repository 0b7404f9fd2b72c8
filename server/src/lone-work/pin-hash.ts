import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * PINs for device cancels (cancel and duress), stored as a keyed hash:
 * `hmac-sha256$<key id>$<salt b64>$<mac b64>`, mac = HMAC-SHA256(key, salt || pin).
 *
 * Why not scrypt like passwords: the PIN is checked inside the store transaction that records
 * the cancel, which must be synchronous and fast; and a 4-8 digit PIN falls to brute force from
 * any unkeyed hash, however slow (10^4 scrypt calls take minutes). The key (TRYGG_PIN_KEY, kept
 * outside the configuration file) is what protects the PINs; the configuration file must be
 * protected all the same. See docs/lone-work.md.
 */
export const PIN_KEY_ENV = 'TRYGG_PIN_KEY';
const MIN_KEY_CHARS = 32;
const PREFIX = 'hmac-sha256';
const MAC_BYTES = 32;

/** The install's PIN key from the environment; undefined when unset, an error text when too short. */
export function pinKeyFrom(env: NodeJS.ProcessEnv): { key?: Buffer; problem?: string } {
  const raw = env[PIN_KEY_ENV];
  if (raw === undefined || raw === '') return {};
  if (raw.length < MIN_KEY_CHARS) return { problem: `${PIN_KEY_ENV} must be at least ${MIN_KEY_CHARS} characters (e.g. \`openssl rand -base64 32\`)` };
  return { key: Buffer.from(raw, 'utf8') };
}

/** Names the key a hash was made with, so a hash from another install is refused at start, not at a cancel. */
export function pinKeyId(key: Buffer): string {
  return createHash('sha256').update('trygg-pin-key-id:').update(key).digest('hex').slice(0, 8);
}

export function hashPin(pin: string, key: Buffer): string {
  const salt = randomBytes(16);
  return [PREFIX, pinKeyId(key), salt.toString('base64'), mac(key, salt, pin).toString('base64')].join('$');
}

/** What is wrong with a configured hash for this key, or undefined when it can be checked. */
export function pinHashProblem(encoded: string, key: Buffer): string | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 4 || parts[0] !== PREFIX) return 'not a PIN hash (make one with server/src/lone-work/hash-pin.ts)';
  if (parts[1] !== pinKeyId(key)) return `made with another ${PIN_KEY_ENV} (key id ${parts[1]}, this install ${pinKeyId(key)})`;
  if (Buffer.from(parts[3]!, 'base64').length !== MAC_BYTES) return 'damaged PIN hash';
  return undefined;
}

/** Synchronous and constant-time in the PIN; never throws: a damaged hash matches nothing. */
export function verifyPin(pin: string, encoded: string, key: Buffer): boolean {
  if (pinHashProblem(encoded, key) !== undefined) return false;
  const [, , saltB64, macB64] = encoded.split('$') as [string, string, string, string];
  return timingSafeEqual(mac(key, Buffer.from(saltB64, 'base64'), pin), Buffer.from(macB64, 'base64'));
}

function mac(key: Buffer, salt: Buffer, pin: string): Buffer {
  return createHmac('sha256', key).update(salt).update(pin, 'utf8').digest();
}
