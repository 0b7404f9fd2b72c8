/**
 * What a receiver answers to a DC-09 message, read liberally (docs/sia-dc09.md, "Answers from
 * real receivers"). parseDc09Frame() is the strict reader of messages; answers are read here,
 * because receivers in the field leave the standard where it does not matter to the sender:
 *
 * - the receiver number echoed as the literal text `None` (`"ACK"6147NoneL0#1234[]`, pysiaalarm
 *   when the message had no `R` field), or the fields in another order (`"NAK"0000L0R0A0[]`);
 * - a bare `"NAK"` / `"DUH"` without <LF>, CRC, length or <CR> (pysiaalarm for an unknown account);
 * - an empty frame `<LF><CR>` (pysiaalarm when the CRC of the message did not match).
 *
 * What identifies the answer stays strict: the CRC when the answer is framed, the sequence, the
 * account, and for an encrypted message an encrypted ACK that decrypts with the account's key.
 * Matching an answer to the message it answers is dc09AnswerMatches().
 */
import { decryptDc09Body } from './aes';
import { dc09Crc16Hex } from './crc';
import { DC09_CR, DC09_LF } from './frame';
import { parseDc09Timestamp } from './timestamp';

/** Answer tokens. RSP is pysiaalarm's positive answer carrying response data: an acknowledgement. */
export type Dc09AnswerKind = 'ACK' | 'NAK' | 'DUH' | 'RSP';

export interface Dc09Answer {
  kind: Dc09AnswerKind;
  /** False for a bare `"NAK"`: no CRC, no length, nothing but the token. */
  framed: boolean;
  /** True for the empty frame `<LF><CR>`: the receiver could not read the message (a NAK). */
  empty?: boolean;
  encrypted: boolean;
  sequence?: number;
  receiver?: string;
  line?: string;
  account?: string;
  /** The receiver's time (NAK, encrypted ACK), epoch ms. */
  timestamp?: number;
}

export type Dc09AnswerResult =
  | { ok: true; answer: Dc09Answer }
  | { ok: false; reason: 'framing' | 'length' | 'crc' | 'header' | 'no-key' | 'decrypt'; message: string };

const BARE = /^"(\*?)(ACK|NAK|DUH|RSP)"$/;
const FRAMED = /^([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})"/;
const HEAD = /^"(\*?)(ACK|NAK|DUH|RSP)"(\d{4})?/;
/** Header fields between the sequence and `[`, in any order; `None` is a field the receiver did not fill. */
const FIELD = /[RL]?None|R([0-9A-Fa-f]{1,6})|L([0-9A-Fa-f]{1,6})|#([0-9A-Za-z]{1,16})|A([0-9A-Fa-f]{0,6})/y;
const STAMP = /_\d{2}:\d{2}:\d{2},\d{2}-\d{2}-\d{4}/;

/** Where one answer ends in a TCP byte stream: a <LF>...<CR> frame, or a bare quoted token. */
export function takeDc09Answer(buffer: Buffer): Buffer | null {
  const lf = buffer.indexOf(DC09_LF);
  if (lf >= 0) {
    const cr = buffer.indexOf(DC09_CR, lf);
    if (cr >= 0) return buffer.subarray(lf, cr + 1);
  }
  // A bare token carries no <LF>; it is complete once its closing quote arrived.
  const text = buffer.subarray(0, lf >= 0 ? lf : buffer.length).toString('latin1').trim();
  return BARE.test(text) ? Buffer.from(text, 'latin1') : null;
}

/** Reads one answer; `key` is the account's AES key when the message was encrypted. Never throws. */
export function parseDc09Answer(input: Buffer | string, options: { key?: Buffer } = {}): Dc09AnswerResult {
  let text = typeof input === 'string' ? input : input.toString('latin1');
  if (text.charCodeAt(0) === DC09_LF) text = text.slice(1);
  if (text.charCodeAt(text.length - 1) === DC09_CR) text = text.slice(0, -1);
  text = text.trim();
  if (text === '') return { ok: true, answer: { kind: 'NAK', framed: true, empty: true, encrypted: false } };
  const bare = BARE.exec(text);
  if (bare) return { ok: true, answer: { kind: bare[2] as Dc09AnswerKind, framed: false, encrypted: bare[1] === '*' } };

  const framing = FRAMED.exec(text);
  if (!framing) return { ok: false, reason: 'framing', message: 'neither <crc><0LLL>"..." nor a bare "ACK"/"NAK"/"DUH"' };
  const content = text.slice(8);
  if (parseInt(framing[2]!, 16) !== content.length) {
    return { ok: false, reason: 'length', message: `length field says ${parseInt(framing[2]!, 16)}, content has ${content.length}` };
  }
  if (dc09Crc16Hex(content) !== framing[1]!.toUpperCase()) return { ok: false, reason: 'crc', message: 'CRC does not match' };

  const head = HEAD.exec(content);
  if (!head) return { ok: false, reason: 'header', message: 'not an ACK, NAK, DUH or RSP' };
  const answer: Dc09Answer = { kind: head[2] as Dc09AnswerKind, framed: true, encrypted: head[1] === '*' };
  if (head[3] !== undefined) answer.sequence = Number(head[3]);
  let at = head[0].length;
  const open = content.indexOf('[', at);
  const fields = open < 0 ? content.slice(at) : content.slice(at, open);
  FIELD.lastIndex = 0;
  while (FIELD.lastIndex < fields.length) {
    const f = FIELD.exec(fields);
    if (!f) return { ok: false, reason: 'header', message: `unreadable header field at "${fields.slice(FIELD.lastIndex, FIELD.lastIndex + 8)}"` };
    if (f[1] !== undefined) answer.receiver = f[1].toUpperCase();
    if (f[2] !== undefined) answer.line = f[2].toUpperCase();
    if (f[3] !== undefined) answer.account = f[3].toUpperCase();
  }
  if (open < 0) return { ok: true, answer };
  at = open + 1;
  let body = content.slice(at);
  if (answer.encrypted && answer.kind !== 'DUH') {
    if (!options.key) return { ok: false, reason: 'no-key', message: 'encrypted answer but no key' };
    const plain = decryptDc09Body(body, options.key);
    if (plain === null) return { ok: false, reason: 'decrypt', message: 'the encrypted answer does not decrypt with the account key' };
    body = plain;
  }
  const stamp = STAMP.exec(body);
  const time = stamp ? parseDc09Timestamp(stamp[0]) : null;
  if (time !== null) answer.timestamp = time;
  return { ok: true, answer };
}

/** What identifies the message an answer belongs to. */
export interface Dc09SentMessage {
  sequence: number;
  account: string;
  encrypted: boolean;
}

/**
 * Whether `answer` answers `sent`. An ACK must carry the sequence sent; an account, when it has
 * one, must be ours; an encrypted message needs an encrypted ACK (it is what proves the receiver
 * holds the key: a plain ACK could come from anyone on the path). A NAK is a NAK, framed or not,
 * whatever its fields (the standard gives it sequence 0000). A DUH with a sequence must carry ours.
 */
export function dc09AnswerMatches(answer: Dc09Answer, sent: Dc09SentMessage): { ok: true } | { ok: false; why: string } {
  if (answer.kind === 'NAK') return { ok: true };
  const seq = (n: number) => String(n).padStart(4, '0');
  if (answer.kind === 'DUH') {
    return answer.sequence === undefined || answer.sequence === sent.sequence ? { ok: true } : { ok: false, why: `DUH for sequence ${seq(answer.sequence)}` };
  }
  if (!answer.framed) return { ok: false, why: `bare "${answer.kind}" names no sequence` };
  if (answer.sequence !== sent.sequence) return { ok: false, why: `${answer.kind} for sequence ${answer.sequence === undefined ? 'none' : seq(answer.sequence)}, not ${seq(sent.sequence)}` };
  if (answer.account !== undefined && answer.account !== sent.account.toUpperCase()) return { ok: false, why: `${answer.kind} for account ${answer.account}` };
  if (sent.encrypted && !answer.encrypted) return { ok: false, why: `plain ${answer.kind} to an encrypted message` };
  return { ok: true };
}
