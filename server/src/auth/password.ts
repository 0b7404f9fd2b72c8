import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt, a memory-hard KDF built into Node. Encoded as
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` so parameters can be raised later without breaking
 * stored hashes.
 */
const DEFAULTS = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, DEFAULTS);
  return ['scrypt', DEFAULTS.N, DEFAULTS.r, DEFAULTS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export function isPasswordHash(encoded: string): boolean {
  return /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(encoded);
}

/** Never throws: a damaged or hostile hash verifies nothing. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (!isPasswordHash(encoded)) return false;
  const [, n, r, p, saltB64, hashB64] = encoded.split('$') as [string, string, string, string, string, string];
  const expected = Buffer.from(hashB64, 'base64');
  // A short or empty digest would compare equal to a short key for any password.
  if (expected.length !== KEY_LENGTH) return false;
  try {
    const key = await scrypt(password, Buffer.from(saltB64, 'base64'), KEY_LENGTH, { N: Number(n), r: Number(r), p: Number(p) });
    return timingSafeEqual(key, expected);
  } catch {
    return false; // parameters scrypt refuses (N not a power of two, beyond the memory limit)
  }
}
