/**
 * A SIA DC-09 receiver — the alarm receiving centre's side — written from the text of
 * ANSI/SIA DC-09-2013 and deliberately independent of protocol/src/dc09, so the two check each
 * other: a mistake shared by sender and receiver would not show in a round trip.
 *
 * It listens on TCP and UDP, validates each frame (LF/CR framing, CRC-16, length, header,
 * decryption, timestamp window), answers ACK / NAK / DUH as the standard says, and records every
 * frame. Runnable for demos:
 *
 *   npx tsx test/support/dc09-receiver.ts --port 7000 [--key <hex>] [--host 0.0.0.0]
 *
 * prints one line per received message. `--style pysiaalarm` answers as the open-source receiver
 * behind a widely used home-automation platform's SIA integration does (see `style` below), and
 * `--key-ascii` takes the key as 16/24/32 ASCII characters, as that receiver does.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';

export type Dc09Answer = 'ACK' | 'NAK' | 'DUH';

export interface ReceivedFrame {
  transport: 'tcp' | 'udp';
  /** The frame as received, without LF and CR. */
  raw: string;
  /** What the receiver answered ('none' when told to stay silent). */
  answer: Dc09Answer | 'none';
  /** Why it was not ACKed. */
  reason?: string;
  id?: string;
  encrypted?: boolean;
  sequence?: string;
  receiver?: string;
  line?: string;
  account?: string;
  /** The data block, decrypted. */
  data?: string;
  extended?: string[];
  /** `HH:MM:SS,MM-DD-YYYY` as sent, if any. */
  timestamp?: string;
  /** Receiver time minus message time, in seconds, when the message had a timestamp. */
  skewS?: number;
}

export interface Dc09ReceiverOptions {
  host?: string;
  /** Port for both TCP and UDP; 0 (default) lets the OS pick (the two may then differ). */
  port?: number;
  tcp?: boolean;
  udp?: boolean;
  /** AES keys (32/48/64 hex digits) by account. */
  keys?: Record<string, string>;
  /** An AES key for every account without its own. */
  key?: string;
  /** Known accounts; a message for another gets DUH. Unset: every account is known. */
  accounts?: string[];
  /** ID tokens this receiver can process; others get DUH. */
  tokens?: string[];
  /** The receiver's clock (epoch ms). */
  now?: () => number;
  /** Acceptance window: the message may be this far behind / ahead of the receiver clock. */
  window?: { behindS: number; aheadS: number };
  /** The standard requires the window check for encrypted messages; also apply it to plain ones. */
  checkPlainTimestamps?: boolean;
  /**
   * How answers are written. 'standard' (default): as DC-09 says. 'pysiaalarm': as that receiver
   * writes them (read from its create_response, not copied): a missing receiver number echoed as
   * the literal `None` (`"ACK"0001NoneL0#1234[]`), the length as four hex digits, an unknown
   * account answered with a bare `"NAK"` (no framing at all), a CRC mismatch with an empty frame
   * `<LF><CR>`, an encrypted ACK zero-filled instead of padded with `|`.
   */
  style?: 'standard' | 'pysiaalarm';
  /** How `key` / `keys` are written: hex digits (default) or 16/24/32 ASCII characters. */
  keyFormat?: 'hex' | 'ascii';
  /** Test hook: decide the answer (or silence) instead of the standard's rules. */
  respond?: (frame: ReceivedFrame, standardAnswer: Dc09Answer) => Dc09Answer | 'silent' | undefined;
  /** Called with every frame after it was answered. */
  onFrame?: (frame: ReceivedFrame) => void;
}

// ---- CRC: DC-09 says CRC-16, polynomial x^16 + x^15 + x^2 + 1, as in the SIA DC-03/DC-07 family:
// bits taken least significant first, register starting at 0. Table-driven here.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xa001 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc16(text: string): string {
  let crc = 0;
  for (let i = 0; i < text.length; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]!;
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

function frameText(content: string): Buffer {
  return Buffer.from(`\n${crc16(content)}0${content.length.toString(16).toUpperCase().padStart(3, '0')}${content}\r`, 'latin1');
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return `_${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())},${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}-${d.getUTCFullYear()}`;
}

function readStamp(text: string): number | null {
  const m = /^_(\d\d):(\d\d):(\d\d),(\d\d)-(\d\d)-(\d{4})$/.exec(text);
  return m ? Date.UTC(+m[6]!, +m[4]! - 1, +m[5]!, +m[1]!, +m[2]!, +m[3]!) : null;
}

function aes(key: Buffer, encrypt: boolean): ReturnType<typeof createCipheriv> {
  const name = `aes-${key.length * 8}-cbc`;
  const iv = Buffer.alloc(16, 0);
  const c = encrypt ? createCipheriv(name, key, iv) : createDecipheriv(name, key, iv);
  c.setAutoPadding(false);
  return c;
}

/** Encrypts an answer's body: random pad (no | [ ]), `|`, body — a multiple of 16 bytes. */
function seal(body: string, key: Buffer): string {
  const want = 16 - ((body.length + 1) % 16);
  const pad = [...randomBytes(64)].filter((b) => b !== 0x7c && b !== 0x5b && b !== 0x5d).slice(0, want);
  const c = aes(key, true);
  return Buffer.concat([c.update(Buffer.concat([Buffer.from(pad), Buffer.from(`|${body}`, 'latin1')])), c.final()]).toString('hex').toUpperCase();
}

/** Decrypts: the text after the pad's `|`, or null when it is not ciphertext for this key. */
function unseal(hex: string, key: Buffer): string | null {
  if (!/^(?:[0-9A-Fa-f]{32})+$/.test(hex)) return null;
  const c = aes(key, false);
  const plain = Buffer.concat([c.update(Buffer.from(hex, 'hex')), c.final()]).toString('latin1');
  const bar = plain.indexOf('|');
  const close = plain.indexOf(']');
  if (close < 0) return null;
  return bar >= 0 && bar < close ? plain.slice(bar + 1) : plain.slice(close);
}

function keyBytes(text: string, format: 'hex' | 'ascii' = 'hex'): Buffer {
  if (format === 'ascii') {
    if (![16, 24, 32].includes(text.length) || !/^[\x20-\x7e]+$/.test(text)) throw new Error('an ASCII key is 16, 24 or 32 printable characters');
    return Buffer.from(text, 'latin1');
  }
  if (!/^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{48}|[0-9A-Fa-f]{64})$/.test(text)) throw new Error('a key is 32, 48 or 64 hex digits');
  return Buffer.from(text, 'hex');
}

/** pysiaalarm's framing: CRC, then the length as four hex digits (the standard's 0LLL, for short answers the same). */
function pysiaFrame(content: string): Buffer {
  return Buffer.from(`\n${crc16(content)}${content.length.toString(16).toUpperCase().padStart(4, '0')}${content}\r`, 'latin1');
}

/** pysiaalarm's encryption of an answer: the plaintext zero-filled on the left to whole blocks, no `|`. */
function zeroFillSeal(body: string, key: Buffer): string {
  const size = body.length + 16 - (body.length % 16);
  const c = aes(key, true);
  return Buffer.concat([c.update(Buffer.from(body.padStart(size, '0'), 'latin1')), c.final()]).toString('hex').toUpperCase();
}

export class Dc09Receiver {
  readonly frames: ReceivedFrame[] = [];
  tcpPort = 0;
  udpPort = 0;
  private tcp?: Server;
  private udp?: UdpSocket;
  private readonly sockets = new Set<Socket>();
  private readonly keys = new Map<string, Buffer>();
  private readonly defaultKey?: Buffer;

  constructor(private readonly options: Dc09ReceiverOptions = {}) {
    for (const [acct, key] of Object.entries(options.keys ?? {})) this.keys.set(acct.toUpperCase(), keyBytes(key, options.keyFormat));
    if (options.key) this.defaultKey = keyBytes(options.key, options.keyFormat);
  }

  get port(): number {
    return this.tcpPort || this.udpPort;
  }

  async start(): Promise<this> {
    const host = this.options.host ?? '127.0.0.1';
    if (this.options.tcp !== false) {
      const server = createServer((socket) => this.serveTcp(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port ?? 0, host, () => resolve());
      });
      this.tcp = server;
      this.tcpPort = (server.address() as AddressInfo).port;
    }
    if (this.options.udp !== false) {
      const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(this.options.port ?? this.tcpPort, host, () => resolve());
      });
      udp.on('message', (msg, from) => {
        const answer = this.handle(msg, 'udp');
        if (answer) udp.send(answer, from.port, from.address);
      });
      this.udp = udp;
      this.udpPort = udp.address().port;
    }
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([
      this.tcp ? new Promise<void>((resolve) => this.tcp!.close(() => resolve())) : undefined,
      this.udp ? new Promise<void>((resolve) => this.udp!.close(() => resolve())) : undefined,
    ]);
    this.tcp = undefined;
    this.udp = undefined;
  }

  /** Frames with a given answer, e.g. the ACKed ones. */
  answered(answer: Dc09Answer): ReceivedFrame[] {
    return this.frames.filter((f) => f.answer === answer);
  }

  private serveTcp(socket: Socket): void {
    this.sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const lf = pending.indexOf(0x0a);
        const cr = lf < 0 ? -1 : pending.indexOf(0x0d, lf);
        if (cr < 0) break;
        const answer = this.handle(pending.subarray(lf, cr + 1), 'tcp');
        pending = pending.subarray(cr + 1);
        if (answer) socket.write(answer);
      }
      if (pending.length > 8192) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  /** Validates one frame and returns the answer to send (null: stay silent). */
  private handle(bytes: Buffer, transport: 'tcp' | 'udp'): Buffer | null {
    const text = bytes.toString('latin1');
    const raw = text.replace(/^\n/, '').replace(/\r$/, '');
    const frame: ReceivedFrame = { transport, raw, answer: 'NAK' };
    const now = (this.options.now ?? Date.now)();
    let verdict = this.judge(text, frame, now);
    const override = this.options.respond?.(frame, verdict);
    if (override === 'silent') {
      frame.answer = 'none';
      this.record(frame);
      return null;
    }
    if (override) verdict = override;
    frame.answer = verdict;
    this.record(frame);
    return this.answer(verdict, frame, now);
  }

  private record(frame: ReceivedFrame): void {
    this.frames.push(frame);
    this.options.onFrame?.(frame);
  }

  private judge(text: string, f: ReceivedFrame, now: number): Dc09Answer {
    // Framing: <LF><crc:4 hex><0LLL><content><CR>; CRC and length cover the content.
    const m = /^\n([0-9A-F]{4})0([0-9A-F]{3})("[\s\S]*)\r$/i.exec(text);
    if (!m) return this.reject(f, 'NAK', 'bad framing');
    const content = m[3]!;
    if (parseInt(m[2]!, 16) !== content.length) return this.reject(f, 'NAK', 'length mismatch');
    if (crc16(content) !== m[1]!.toUpperCase()) return this.reject(f, 'NAK', 'CRC mismatch');
    // Header: "id" seq Rrcvr Lpref #acct [
    const h = /^"(\*?)([A-Z0-9-]+)"(\d{4})(R[0-9A-F]{1,6})?(L[0-9A-F]{1,6})(#[0-9A-F]{3,16})\[/i.exec(content);
    if (!h) return this.reject(f, 'NAK', 'bad header');
    Object.assign(f, {
      encrypted: h[1] === '*',
      id: h[2],
      sequence: h[3],
      receiver: h[4]?.slice(1),
      line: h[5]!.slice(1),
      account: h[6]!.slice(1).toUpperCase(),
    });
    const account = f.account!;
    if (this.options.accounts && !this.options.accounts.map((a) => a.toUpperCase()).includes(account)) {
      return this.reject(f, 'DUH', `unknown account ${account}`);
    }
    const key = this.keys.get(account) ?? this.defaultKey;
    let body = content.slice(h[0].length);
    if (f.encrypted) {
      if (!key) return this.reject(f, 'DUH', 'encrypted, but no key for the account');
      const plain = unseal(body, key);
      if (plain === null) return this.reject(f, 'NAK', 'cannot decrypt');
      body = plain;
    } else if (key) {
      return this.reject(f, 'DUH', 'plain message for an encrypted account');
    }
    // Body: data ] [xdata]... timestamp
    const b = /^([^[\]]*)\]((?:\[[^[\]]*\])*)(_\d\d:\d\d:\d\d,\d\d-\d\d-\d{4})?$/.exec(body);
    if (!b) return this.reject(f, 'NAK', 'bad data block');
    f.data = b[1]!;
    f.extended = (b[2]!.match(/\[[^\]]*\]/g) ?? []).map((x) => x.slice(1, -1));
    if (b[3]) {
      f.timestamp = b[3].slice(1);
      const at = readStamp(b[3]);
      if (at === null) return this.reject(f, 'NAK', 'bad timestamp');
      f.skewS = Math.round((now - at) / 1000);
      const w = this.options.window ?? { behindS: 40, aheadS: 20 };
      const check = f.encrypted || this.options.checkPlainTimestamps !== false;
      if (check && (at < now - w.behindS * 1000 || at > now + w.aheadS * 1000)) {
        return this.reject(f, 'NAK', `timestamp ${f.skewS} s off`);
      }
    } else if (f.encrypted) {
      return this.reject(f, 'NAK', 'encrypted message without timestamp');
    }
    const tokens = this.options.tokens ?? ['SIA-DCS', 'ADM-CID', 'NULL'];
    if (!tokens.includes(f.id!)) return this.reject(f, 'DUH', `cannot process ${f.id}`);
    return 'ACK';
  }

  private reject(f: ReceivedFrame, answer: Dc09Answer, reason: string): Dc09Answer {
    f.reason = reason;
    return answer;
  }

  private answer(kind: Dc09Answer, f: ReceivedFrame, now: number): Buffer {
    if (this.options.style === 'pysiaalarm') return this.pysiaAnswer(kind, f, now);
    // NAK: sequence 0000, never encrypted, carries the receiver's time so the sender can adjust.
    if (kind === 'NAK' || f.sequence === undefined) return frameText(`"NAK"0000R0L0A0[]${stamp(now)}`);
    const head = `${f.sequence}${f.receiver !== undefined ? `R${f.receiver}` : ''}L${f.line}#${f.account}`;
    const key = this.keys.get(f.account!) ?? this.defaultKey;
    // ACK to an encrypted message is encrypted and timestamped; DUH never is.
    if (kind === 'ACK' && f.encrypted && key) return frameText(`"*ACK"${head}[${seal(`]${stamp(now)}`, key)}`);
    return frameText(`"${kind}"${head}[]`);
  }

  /** The answers as pysiaalarm writes them (see `style`). */
  private pysiaAnswer(kind: Dc09Answer, f: ReceivedFrame, now: number): Buffer {
    if (f.reason === 'CRC mismatch') return Buffer.from('\n\r', 'latin1');
    // No account to answer for: just the token, no framing at all.
    if (f.reason?.startsWith('unknown account')) return Buffer.from('"NAK"', 'latin1');
    const receiver = f.receiver !== undefined ? `R${f.receiver}` : 'None';
    const line = f.line !== undefined ? `L${f.line}` : 'None';
    if (kind === 'NAK' || f.sequence === undefined) return pysiaFrame(`"NAK"0000${receiver}${line}A0[]${stamp(now)}`);
    const head = `${f.sequence}${receiver}${line}#${f.account}`;
    const key = this.keys.get(f.account!) ?? this.defaultKey;
    if (kind === 'ACK' && f.encrypted && key) return pysiaFrame(`"*ACK"${head}[${zeroFillSeal(`]${stamp(now)}`, key)}`);
    return pysiaFrame(`"${kind}"${head}[]`);
  }
}

// ---- Readable lines for the demo -------------------------------------------------------------

const CID_TITLES: Record<string, string> = {
  '100': 'Medical', '101': 'Personal emergency', '102': 'Fail to report in', '120': 'Panic', '121': 'Duress',
  '122': 'Silent panic', '140': 'General alarm', '350': 'Communication trouble', '380': 'Sensor trouble',
  '381': 'Loss of supervision (RF)', '383': 'Sensor tamper', '384': 'RF low battery', '601': 'Manual test', '602': 'Periodic test',
};
const SIA_TITLES: Record<string, string> = {
  PA: 'Panic alarm', PH: 'Panic alarm restore', HA: 'Hold-up (duress) alarm', HH: 'Hold-up alarm restore',
  QA: 'Emergency alarm', QH: 'Emergency alarm restore', MA: 'Medical alarm', MH: 'Medical alarm restore',
  UA: 'Untyped zone alarm', UH: 'Untyped alarm restore', RX: 'Manual test', RP: 'Automatic test', TX: 'Test report',
  UY: 'Untyped missing trouble', UJ: 'Untyped trouble restore', UT: 'Untyped zone trouble', XT: 'Transmitter battery trouble',
  XR: 'Transmitter battery restoral', TT: 'Tamper trouble', TJ: 'Tamper trouble restore', YS: 'Communications trouble',
  YK: 'Communications restoral',
};

/** One line per frame: time, transport, answer, token, sequence, account, and the event decoded. */
export function describeFrame(f: ReceivedFrame, at = Date.now()): string {
  const when = new Date(at).toISOString().slice(11, 19);
  const head = `${when} ${f.transport} ${f.answer.padEnd(4)} ${f.encrypted ? '*' : ''}${f.id ?? '?'} seq ${f.sequence ?? '????'} acct ${f.account ?? '?'}`;
  if (f.answer !== 'ACK') return `${head}: ${f.reason ?? 'answered by the test hook'}`;
  const data = f.data ?? '';
  const cid = /\|([136])(\d{3}) (\d{2}) (\d{3})$/.exec(data);
  if (cid) {
    const what = `${CID_TITLES[cid[2]!] ?? 'event'}${cid[1] === '3' ? ' restore' : ''}`;
    return `${head}: Contact ID ${cid[1]}${cid[2]} ${what}, partition ${cid[3]}, zone ${cid[4]}`;
  }
  const sia = /\|N(?:ri(\d+)\/?)?([A-Z]{2})(\d*)/.exec(data);
  if (sia) return `${head}: SIA ${sia[2]} ${SIA_TITLES[sia[2]!] ?? ''}${sia[1] ? `, area ${sia[1]}` : ''}${sia[3] ? `, zone ${sia[3]}` : ''}`;
  return `${head}: ${f.id === 'NULL' ? 'link test' : data || '(no data)'}`;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(arg('port') ?? 7000);
  const receiver = new Dc09Receiver({
    host: arg('host') ?? '127.0.0.1',
    port,
    ...(arg('key') ? { key: arg('key')! } : {}),
    ...(process.argv.includes('--key-ascii') ? { keyFormat: 'ascii' as const } : {}),
    ...(arg('style') === 'pysiaalarm' ? { style: 'pysiaalarm' as const } : {}),
    onFrame: (f) => console.log(describeFrame(f)),
  });
  await receiver.start();
  console.log(`SIA DC-09 receiver on ${arg('host') ?? '127.0.0.1'}:${receiver.port} (TCP and UDP)${arg('key') ? ', AES' : ''}${arg('style') === 'pysiaalarm' ? ', answering as pysiaalarm' : ''}; Ctrl-C to stop`);
  const stop = () => void receiver.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`dc09-receiver: ${(err as Error).message}`);
    process.exit(1);
  });
}
