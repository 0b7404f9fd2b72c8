/**
 * An SMSC for tests and demos, built on the `smpp` package's server: it accepts a transceiver
 * bind, takes submit_sm, reassembles concatenated messages, sends delivery receipts, and can
 * send a person's reply (an MO deliver_sm) to every bound client. It can be told to refuse,
 * throttle, hang or drop connections, as real SMSCs do.
 *
 *   npx tsx test/support/smsc-simulator.ts --port 2775 [--system-id trygg] [--password trygg-demo]
 *
 * prints one line per message; type `reply <phone> <text>` on its input to answer as a person.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type * as Smpp from 'smpp';
import { smpp } from '../../server/src/notify/notifiers/smpp/smpp-lib';
import { NOTIFICATION_ID_TLV_NAME } from '../../server/src/notify/notifiers/smpp/smpp-notifier';
import { decodeSms } from '../../server/src/notify/notifiers/smpp/sms-encoding';

/** `hold`: submits wait unanswered until releaseHeld() (an SMSC that is slow to answer). */
export type SmscMode = 'ok' | 'recoverable' | 'permanent' | 'hang' | 'hold';

export interface SubmittedPart {
  messageId: string;
  to: string;
  from: string;
  dataCoding: number;
  /** The short_message as it arrived (UDH included). */
  bytes: Buffer;
  notificationId?: string;
  /** Concatenation: reference, total and sequence from the UDH. */
  concat?: { reference: number; total: number; seq: number };
}

export interface SmsMessage {
  to: string;
  from: string;
  text: string;
  dataCoding: number;
  messageIds: string[];
  notificationId?: string;
}

export interface SmscOptions {
  port?: number;
  host?: string;
  systemId?: string;
  password?: string;
  /** Send a DELIVRD receipt for every part at once (default true). */
  autoReceipt?: boolean;
  onMessage?: (message: SmsMessage) => void;
}

export class SmscSimulator {
  readonly parts: SubmittedPart[] = [];
  readonly messages: SmsMessage[] = [];
  /** Every bind attempt: system id and whether it was accepted (never the password). */
  readonly binds: { systemId: string; ok: boolean }[] = [];
  readonly notificationIds: string[] = [];
  mode: SmscMode = 'ok';
  private throttleNext = 0;
  private held: { session: Smpp.Session; pdu: Smpp.PDU }[] = [];
  private nextId = 1;
  private readonly pending = new Map<string, SubmittedPart[]>();
  private readonly sessions = new Set<Smpp.Session>();
  private readonly bound = new Set<Smpp.Session>();
  private server!: Smpp.Server;
  port = 0;

  constructor(private readonly options: SmscOptions = {}) {}

  async start(): Promise<this> {
    this.server = smpp.createServer({}, (session) => this.accept(session));
    this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Answers the submits held in `hold` mode, as accepted, and goes back to `ok`. */
  releaseHeld(): void {
    this.mode = 'ok';
    for (const { session, pdu } of this.held.splice(0)) this.onSubmit(session, pdu, true);
  }

  /** The next `n` submits are answered ESME_RTHROTTLED. */
  throttle(n: number): void {
    this.throttleNext = n;
  }

  boundSessions(): number {
    return this.bound.size;
  }

  /** Cuts every connection, as an SMSC restart would. */
  dropAll(): void {
    for (const s of this.sessions) s.destroy();
  }

  /** A person answers: an MO deliver_sm from `from` (E.164) to every bound client. */
  reply(from: string, text: string, dataCoding = /^[\x20-\x7eæøåÆØÅ]*$/.test(text) ? 0x00 : 0x08): void {
    for (const session of this.bound) {
      session.deliver_sm({
        source_addr: from.replace(/^\+/, ''), source_addr_ton: 1, source_addr_npi: 1, destination_addr: 'TRYGG',
        esm_class: 0x00, data_coding: dataCoding, short_message: { message: text },
      });
    }
  }

  /** A delivery receipt for one part (e.g. UNDELIV for a phone that is off too long). */
  receipt(messageId: string, stat: 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD', err = '000'): void {
    const part = this.parts.find((p) => p.messageId === messageId);
    const state = { DELIVRD: 2, EXPIRED: 3, UNDELIV: 5, REJECTD: 8 }[stat];
    for (const session of this.bound) {
      session.deliver_sm({
        source_addr: part?.to ?? '', source_addr_ton: 1, source_addr_npi: 1, destination_addr: part?.from ?? '',
        esm_class: 0x04, receipted_message_id: messageId, message_state: state,
        short_message: { message: `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2612030915 done date:2612030915 stat:${stat} err:${err} text:` },
      });
    }
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(session: Smpp.Session): void {
    this.sessions.add(session);
    session.on('close', () => {
      this.sessions.delete(session);
      this.bound.delete(session);
    });
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: Smpp.PDU) => {
      const ok = (this.options.systemId === undefined || pdu.system_id === this.options.systemId)
        && (this.options.password === undefined || pdu.password === this.options.password);
      this.binds.push({ systemId: String(pdu.system_id), ok });
      if (!ok) {
        session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
        session.close();
        return;
      }
      this.bound.add(session);
      session.send(pdu.response({ system_id: 'trygg-smsc' }));
    });
    session.on('enquire_link', (pdu: Smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: Smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('deliver_sm_resp', () => undefined);
    session.on('submit_sm', (pdu: Smpp.PDU) => this.onSubmit(session, pdu));
  }

  private onSubmit(session: Smpp.Session, pdu: Smpp.PDU, released = false): void {
    const notificationId = typeof pdu[NOTIFICATION_ID_TLV_NAME] === 'string' ? pdu[NOTIFICATION_ID_TLV_NAME] as string : undefined;
    if (notificationId && !released) this.notificationIds.push(notificationId);
    if (this.mode === 'hang') return;
    if (this.mode === 'hold') {
      this.held.push({ session, pdu });
      return;
    }
    if (this.throttleNext > 0) {
      this.throttleNext--;
      session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      return;
    }
    if (this.mode !== 'ok') {
      // Real SMSCs echo what they got in their logs; a careless client's password would be here too.
      session.send(pdu.response({ command_status: this.mode === 'permanent' ? smpp.ESME_RINVDSTADR : smpp.ESME_RSYSERR }));
      return;
    }
    const messageId = `smsc-${this.nextId++}`;
    const raw = pdu.short_message as { udh?: Buffer[]; message?: unknown } | Buffer;
    const body = rawBytes(pdu);
    const udh = !Buffer.isBuffer(raw) ? raw.udh?.[0] : undefined;
    const part: SubmittedPart = {
      messageId, to: `+${String(pdu.destination_addr)}`, from: String(pdu.source_addr), dataCoding: Number(pdu.data_coding ?? 0),
      bytes: body, notificationId,
      ...(udh && udh[0] === 0x00 ? { concat: { reference: udh[2]!, total: udh[3]!, seq: udh[4]! } } : {}),
    };
    this.parts.push(part);
    session.send(pdu.response({ message_id: messageId }));
    this.assemble(part);
    if (this.options.autoReceipt !== false) this.receipt(messageId, 'DELIVRD');
  }

  private assemble(part: SubmittedPart): void {
    if (!part.concat) return this.complete([part]);
    const key = `${part.to}:${part.concat.reference}`;
    const parts = [...(this.pending.get(key) ?? []), part];
    if (parts.length < part.concat.total) {
      this.pending.set(key, parts);
      return;
    }
    this.pending.delete(key);
    this.complete(parts.sort((a, b) => a.concat!.seq - b.concat!.seq));
  }

  private complete(parts: SubmittedPart[]): void {
    const first = parts[0]!;
    const text = first.dataCoding === 0x08
      ? decodeSms(Buffer.concat(parts.map((p) => payloadOf(p))), 0x08)
      : parts.map((p) => decodeSms(payloadOf(p), p.dataCoding)).join('');
    const message: SmsMessage = {
      to: first.to, from: first.from, text, dataCoding: first.dataCoding, messageIds: parts.map((p) => p.messageId),
      ...(first.notificationId ? { notificationId: first.notificationId } : {}),
    };
    this.messages.push(message);
    this.options.onMessage?.(message);
  }
}

/** The short_message bytes as sent, whatever the library decoded them into. */
function rawBytes(pdu: Smpp.PDU): Buffer {
  const raw = pdu.short_message as { udh?: Buffer[]; message?: unknown } | Buffer | string;
  if (Buffer.isBuffer(raw)) return raw;
  if (typeof raw === 'string') return Buffer.from(raw);
  const udh = raw.udh?.length ? Buffer.concat(raw.udh.map((u) => Buffer.from(u))) : Buffer.alloc(0);
  const udhHeader = udh.length ? Buffer.concat([Buffer.from([udh.length]), udh]) : udh;
  const message = raw.message;
  const body = Buffer.isBuffer(message) ? message : Buffer.from(reencode(String(message ?? ''), Number(pdu.data_coding ?? 0)));
  return Buffer.concat([udhHeader, body]);
}

function reencode(text: string, dataCoding: number): Buffer {
  if ((dataCoding & 0x0f) === 0x08) return Buffer.from(text, 'utf16le').swap16();
  return smpp.gsmCoder.encode(text, 0x00);
}

/** A part's payload without its UDH. */
function payloadOf(part: SubmittedPart): Buffer {
  return part.concat ? part.bytes.subarray(part.bytes[0]! + 1) : part.bytes;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smsc = new SmscSimulator({
    port: Number(arg('port') ?? 2775), host: arg('host') ?? '127.0.0.1',
    systemId: arg('system-id') ?? 'trygg', password: arg('password') ?? 'trygg-demo',
    onMessage: (m) => process.stdout.write(`SMS to ${m.to} (${m.messageIds.length} part${m.messageIds.length === 1 ? '' : 's'}): ${m.text.replace(/\n/g, ' | ')}\n`),
  });
  await smsc.start();
  process.stdout.write(`SMSC simulator on 127.0.0.1:${smsc.port}; type "reply <phone> <text>" to answer as a person\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    const m = /^reply\s+(\S+)\s+(.+)$/.exec(line.trim());
    if (!m) {
      process.stdout.write('usage: reply <phone> <text>\n');
      return;
    }
    smsc.reply(m[1]!, m[2]!);
    process.stdout.write(`reply from ${m[1]} sent to ${smsc.boundSessions()} bound client(s)\n`);
  });
}
