/**
 * SIA DC-09 (ANSI/SIA DC-09-2013, "Internet Protocol Event Reporting") message framing: pure
 * codec, no I/O. docs/sia-dc09.md is the reference; comments cite the standard's clauses.
 *
 *   <LF><crc><0LLL><"id"><seq>[R<rcvr>]L<pref>#<acct>[<data>][<xdata>]...<timestamp><CR>
 *
 * Encrypted (`"*id"`): everything after `[` is hexadecimal AES ciphertext (see aes.ts).
 */
import { decryptDc09Body, encryptDc09Body, type Dc09RandomBytes } from './aes';
import { dc09Crc16Hex } from './crc';
import { formatDc09Timestamp, parseDc09Timestamp } from './timestamp';

export const DC09_LF = 0x0a;
export const DC09_CR = 0x0d;
/** [DC-09 5.5.1.3] The length is three hexadecimal digits after a `0`: at most 0xFFF characters. */
export const DC09_MAX_CONTENT_LENGTH = 0xfff;
/** [DC-09 5.5.1.5] Sequence numbers run 0001-9999; 0000 is used by NAK (and by some NULLs). */
export const DC09_MAX_SEQUENCE = 9999;

/** [DC-09 5.5.1.4] ID tokens Trygg sends or answers; others are parsed but not produced. */
export type Dc09Id = 'SIA-DCS' | 'ADM-CID' | 'NULL' | 'ACK' | 'NAK' | 'DUH';

export interface Dc09Message {
  /** ID token without quotes or `*`, e.g. `SIA-DCS`. */
  id: string;
  sequence: number;
  /** [DC-09 5.5.1.6] Receiver number, 1-6 hex digits without the `R`; omitted when undefined. */
  receiver?: string;
  /** [DC-09 5.5.1.6] Account prefix ("line"), 1-6 hex digits without the `L`. */
  line?: string;
  /** [DC-09 5.5.1.6] Account number without `#`. */
  account?: string;
  /** [DC-09 5.5.1.7] What stands between `[` and `]`, e.g. `#1234|Nri1/PA001`. */
  data: string;
  /** Extended data blocks without their brackets, e.g. `X010E45.3`. */
  extended?: string[];
  /** Epoch milliseconds; required when encrypted, optional (but always sent by Trygg) otherwise. */
  timestamp?: number | null;
}

export interface ParsedDc09Frame extends Dc09Message {
  encrypted: boolean;
  /** The characters covered by the CRC and the length, exactly as received. */
  content: string;
}

export type Dc09ParseFailure =
  | 'framing' // not <crc><0LLL>"...
  | 'length' // the length field disagrees with the content
  | 'crc'
  | 'header' // the ID token, sequence, receiver, prefix or account is malformed
  | 'no-key' // encrypted, but no key is known for the account
  | 'decrypt' // the ciphertext is not valid for the key
  | 'body' // data, extended data or timestamp is malformed
  | 'timestamp'; // an encrypted message without a timestamp

export type Dc09ParseResult =
  | { ok: true; frame: ParsedDc09Frame }
  | { ok: false; reason: Dc09ParseFailure; message: string; header?: Dc09Header };

/** What could be read before a failure; a receiver answers DUH/NAK with it. */
export interface Dc09Header {
  id: string;
  encrypted: boolean;
  sequence: number;
  receiver?: string;
  line?: string;
  account?: string;
}

export interface Dc09CodecOptions {
  /** The AES key for an account (encrypted frames); undefined when the account has none. */
  keyFor?: (account: string | undefined) => Buffer | undefined;
}

const HEX_TOKEN = /^[0-9A-Fa-f]{1,6}$/;
const ACCOUNT = /^[0-9A-Za-z]{1,16}$/;
const HEADER = /^"(\*?)([A-Z0-9-]{1,16})"(\d{4})(?:R([0-9A-Fa-f]{1,6}))?(?:L([0-9A-Fa-f]{1,6}))?(?:#([0-9A-Za-z]{1,16}))?(?:A[0-9A-Fa-f]{0,6})?\[/;
const TIMESTAMP_LENGTH = '_HH:MM:SS,MM-DD-YYYY'.length;

function header(msg: Dc09Message, encrypted: boolean): string {
  if (!Number.isInteger(msg.sequence) || msg.sequence < 0 || msg.sequence > DC09_MAX_SEQUENCE) throw new Error(`DC-09 sequence must be 0-${DC09_MAX_SEQUENCE}`);
  if (!/^[A-Z0-9-]{1,16}$/.test(msg.id)) throw new Error('DC-09 ID token must be upper-case letters, digits and -');
  if (msg.receiver !== undefined && !HEX_TOKEN.test(msg.receiver)) throw new Error('DC-09 receiver must be 1-6 hex digits');
  if (msg.line !== undefined && !HEX_TOKEN.test(msg.line)) throw new Error('DC-09 account prefix (line) must be 1-6 hex digits');
  if (msg.account !== undefined && !ACCOUNT.test(msg.account)) throw new Error('DC-09 account must be 1-16 letters or digits');
  return `"${encrypted ? '*' : ''}${msg.id}"${String(msg.sequence).padStart(4, '0')}` +
    `${msg.receiver !== undefined ? `R${msg.receiver}` : ''}${msg.line !== undefined ? `L${msg.line}` : ''}` +
    `${msg.account !== undefined ? `#${msg.account}` : ''}`;
}

/** What follows `[` in a plain message: data, `]`, extended blocks, timestamp. */
function body(msg: Dc09Message): string {
  for (const part of [msg.data, ...(msg.extended ?? [])]) {
    if (/[[\]\r\n]/.test(part)) throw new Error('DC-09 data and extended data must not contain brackets or line ends');
  }
  const ext = (msg.extended ?? []).map((x) => `[${x}]`).join('');
  const ts = msg.timestamp === undefined || msg.timestamp === null ? '' : formatDc09Timestamp(msg.timestamp);
  return `${msg.data}]${ext}${ts}`;
}

/** The CRC-covered content of a message: from the quote of the ID token to the end. */
export function dc09Content(msg: Dc09Message, options: { key?: Buffer; randomBytes?: Dc09RandomBytes } = {}): string {
  if (options.key) {
    // [DC-09 5.5.1.8] Encrypted messages must carry a timestamp (it is what defeats replay).
    if (msg.timestamp === undefined || msg.timestamp === null) throw new Error('an encrypted DC-09 message needs a timestamp');
    return `${header(msg, true)}[${encryptDc09Body(body(msg), options.key, options.randomBytes)}`;
  }
  return `${header(msg, false)}[${body(msg)}`;
}

/** Wraps content as <LF><crc><0LLL><content><CR>. */
export function frameDc09Content(content: string): Buffer {
  if (content.length > DC09_MAX_CONTENT_LENGTH) throw new Error(`DC-09 message longer than ${DC09_MAX_CONTENT_LENGTH} characters`);
  const length = `0${content.length.toString(16).toUpperCase().padStart(3, '0')}`;
  return Buffer.concat([Buffer.from([DC09_LF]), Buffer.from(`${dc09Crc16Hex(content)}${length}${content}`, 'latin1'), Buffer.from([DC09_CR])]);
}

/** Builds a complete frame; encrypted when `key` is given. Throws on invalid fields. */
export function buildDc09Frame(msg: Dc09Message, options: { key?: Buffer; randomBytes?: Dc09RandomBytes } = {}): Buffer {
  return frameDc09Content(dc09Content(msg, options));
}

/** [DC-09 5.5.3.2] The NAK: sequence 0000, never encrypted, carrying the receiver's time. */
export function buildDc09Nak(receiverNow: number): Buffer {
  return frameDc09Content(`"NAK"0000R0L0A0[]${formatDc09Timestamp(receiverNow)}`);
}

/**
 * [DC-09 5.5.3.1, 5.5.3.3] ACK or DUH for a received message, echoing its sequence, receiver,
 * prefix and account. An ACK to an encrypted message is encrypted and timestamped (`"*ACK"`);
 * DUH is never encrypted.
 */
export function buildDc09Response(
  kind: 'ACK' | 'DUH',
  to: Dc09Header,
  options: { key?: Buffer; now?: number; randomBytes?: Dc09RandomBytes } = {},
): Buffer {
  const base = { id: kind, sequence: to.sequence, receiver: to.receiver, line: to.line, account: to.account, data: '' };
  if (kind === 'ACK' && to.encrypted && options.key) {
    return buildDc09Frame({ ...base, timestamp: options.now ?? Date.now() }, { key: options.key, randomBytes: options.randomBytes });
  }
  return buildDc09Frame(base);
}

function parseBody(text: string): { data: string; extended: string[]; timestamp: number | null } | string {
  const close = text.indexOf(']');
  if (close < 0) return 'data block has no closing ]';
  const data = text.slice(0, close);
  if (data.includes('[')) return 'data block contains [';
  const extended: string[] = [];
  let at = close + 1;
  while (text[at] === '[') {
    const end = text.indexOf(']', at);
    if (end < 0) return 'extended data block has no closing ]';
    const block = text.slice(at + 1, end);
    if (block.includes('[')) return 'extended data block contains [';
    extended.push(block);
    at = end + 1;
  }
  const rest = text.slice(at);
  if (rest === '') return { data, extended, timestamp: null };
  if (rest.length !== TIMESTAMP_LENGTH) return 'unexpected characters after the data';
  const timestamp = parseDc09Timestamp(rest);
  return timestamp === null ? 'malformed timestamp' : { data, extended, timestamp };
}

/**
 * Parses one frame. The <LF> and <CR> are optional (published examples omit them). Never
 * throws: every failure names its reason, and carries the header when it could be read.
 */
export function parseDc09Frame(input: Buffer | string, options: Dc09CodecOptions = {}): Dc09ParseResult {
  let text = typeof input === 'string' ? input : input.toString('latin1');
  if (text.charCodeAt(0) === DC09_LF) text = text.slice(1);
  if (text.charCodeAt(text.length - 1) === DC09_CR) text = text.slice(0, -1);
  const framing = /^([0-9A-Fa-f]{4})0([0-9A-Fa-f]{3})"/.exec(text);
  if (!framing) return { ok: false, reason: 'framing', message: 'not <crc><0LLL>"...' };
  const content = text.slice(8);
  if (parseInt(framing[2]!, 16) !== content.length) {
    return { ok: false, reason: 'length', message: `length field says ${parseInt(framing[2]!, 16)}, content has ${content.length}` };
  }
  if (dc09Crc16Hex(content) !== framing[1]!.toUpperCase()) {
    return { ok: false, reason: 'crc', message: `CRC field ${framing[1]!.toUpperCase()}, computed ${dc09Crc16Hex(content)}` };
  }
  const h = HEADER.exec(content);
  if (!h) return { ok: false, reason: 'header', message: 'malformed ID token, sequence, receiver, prefix or account' };
  const head: Dc09Header = {
    id: h[2]!,
    encrypted: h[1] === '*',
    sequence: Number(h[3]),
    ...(h[4] !== undefined ? { receiver: h[4] } : {}),
    ...(h[5] !== undefined ? { line: h[5] } : {}),
    ...(h[6] !== undefined ? { account: h[6] } : {}),
  };
  let rest = content.slice(h[0].length);
  if (head.encrypted) {
    const key = options.keyFor?.(head.account);
    if (!key) return { ok: false, reason: 'no-key', message: 'encrypted message but no key for the account', header: head };
    const plain = decryptDc09Body(rest, key);
    if (plain === null) return { ok: false, reason: 'decrypt', message: 'cannot decrypt the message with the account key', header: head };
    rest = plain;
  }
  const parsed = parseBody(rest);
  if (typeof parsed === 'string') return { ok: false, reason: head.encrypted ? 'decrypt' : 'body', message: parsed, header: head };
  if (head.encrypted && parsed.timestamp === null) {
    return { ok: false, reason: 'timestamp', message: 'encrypted message without a timestamp', header: head };
  }
  return { ok: true, frame: { ...head, data: parsed.data, extended: parsed.extended, timestamp: parsed.timestamp, content } };
}

/**
 * Splits a TCP byte stream: returns the first complete <LF>...<CR> frame and what follows.
 * Bytes before an <LF> are skipped (counted in `skipped`), so garbage cannot wedge the stream.
 */
export function takeDc09Frame(buffer: Buffer): { frame: Buffer | null; rest: Buffer; skipped: number } {
  const start = buffer.indexOf(DC09_LF);
  if (start < 0) return { frame: null, rest: Buffer.alloc(0), skipped: buffer.length };
  const end = buffer.indexOf(DC09_CR, start);
  if (end < 0) return { frame: null, rest: buffer.subarray(start), skipped: start };
  return { frame: buffer.subarray(start, end + 1), rest: buffer.subarray(end + 1), skipped: start };
}
