/**
 * [DC-09 5.4] Optional encryption: AES (128, 192 or 256-bit key) in CBC mode with an all-zero
 * initialisation vector. What follows the `[` of the data block is encrypted: pseudo-random pad,
 * the pad terminator `|`, the data, `]`, any extended data and the timestamp. The result is sent
 * as hexadecimal ASCII, and the ID token gets a `*` (`"*SIA-DCS"`).
 */
import { createCipheriv, createDecipheriv, randomBytes as cryptoRandomBytes } from 'node:crypto';

const BLOCK = 16;
/** [DC-09 5.4.4.2] Pad bytes are 0-255 except `|`, `[` and `]`. */
const FORBIDDEN_PAD = new Set([0x7c, 0x5b, 0x5d]);
const IV = Buffer.alloc(BLOCK);

/** Source of random bytes; injected by tests that need a fixed pad. */
export type Dc09RandomBytes = (size: number) => Buffer;

/**
 * Parses a key given as 32, 48 or 64 hexadecimal characters (AES-128/192/256); null otherwise.
 * The key never appears in an error or a log line: callers report only that it is invalid.
 */
export function parseDc09Key(hex: string): Buffer | null {
  if (!/^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/.test(hex)) return null;
  return Buffer.from(hex, 'hex');
}

/**
 * Parses a key given as 16, 24 or 32 printable ASCII characters (AES-128/192/256), each
 * character one key byte — how many receivers and panels take it (`AAAAAAAAAAAAAAAA` is hex
 * `41414141414141414141414141414141`); null otherwise. Never guessed from the text: the caller
 * says which form a key is in.
 */
export function parseDc09AsciiKey(text: string): Buffer | null {
  if (![16, 24, 32].includes(text.length) || !/^[\x20-\x7e]+$/.test(text)) return null;
  return Buffer.from(text, 'latin1');
}

function cipherName(key: Buffer): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new Error('DC-09 key must be 16, 24 or 32 bytes');
  return `aes-${key.length * 8}-cbc`;
}

/** [DC-09 5.4.4.3] 1-16 pad bytes so that pad + `|` + body is a multiple of 16; never 0. */
function pad(bodyLength: number, random: Dc09RandomBytes): Buffer {
  const size = BLOCK - ((bodyLength + 1) % BLOCK);
  const out = Buffer.alloc(size);
  let filled = 0;
  while (filled < size) {
    for (const byte of random(size)) {
      if (filled < size && !FORBIDDEN_PAD.has(byte)) out[filled++] = byte;
    }
  }
  return out;
}

/**
 * Encrypts `body` — everything that would follow `[` in the plain message, e.g.
 * `#1234|Nri1/PA001]_09:00:00,01-05-2026` — and returns upper-case hexadecimal.
 */
export function encryptDc09Body(body: string, key: Buffer, random: Dc09RandomBytes = cryptoRandomBytes): string {
  const plain = Buffer.concat([pad(Buffer.byteLength(body, 'latin1'), random), Buffer.from(`|${body}`, 'latin1')]);
  const cipher = createCipheriv(cipherName(key), key, IV);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('hex').toUpperCase();
}

/**
 * Decrypts the hexadecimal text after `[` and returns the body after the pad (the part that
 * would follow `[` in a plain message), or null when it is not valid ciphertext for this key.
 * Some senders omit the `|` after the pad when the data is empty (pysiaalarm's published
 * `*NULL` frame decrypts to `ppppppppppp]_18:24:52,07-05-2020`); since pad bytes can never be
 * `]`, text before a `]` with no `|` in front of it is all pad.
 */
export function decryptDc09Body(hex: string, key: Buffer): string | null {
  if (hex.length === 0 || hex.length % (BLOCK * 2) !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return null;
  let plain: string;
  try {
    const decipher = createDecipheriv(cipherName(key), key, IV);
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]).toString('latin1');
  } catch {
    return null;
  }
  const close = plain.indexOf(']');
  if (close < 0) return null;
  const bar = plain.indexOf('|');
  return bar >= 0 && bar < close ? plain.slice(bar + 1) : plain.slice(close);
}
