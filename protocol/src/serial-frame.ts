/**
 * The serial line protocol between alarm receivers/panels and the gateway: pure codec, no I/O.
 * docs/serial-protocol.md is the reference; the clause numbers in comments ([SP-x]) point there.
 *
 *   $TRG,<type>[,<field>]*<CRC-16 hex>\r\n
 */
import { DEVICE_COMMAND_ACTIONS, type DeviceCommandAction } from './messages/device-command';
import type { DeviceMessage, DeviceMessageType } from './messages/device-message';
import { isValidId } from './topics';

/** [SP-2] Longest frame accepted, counted from `$` to the last CRC digit (the line end excluded). */
export const SERIAL_MAX_FRAME_BYTES = 256;
export const SERIAL_TALKER = 'TRG';
/** A run of garbage is reported at its end, or after this many bytes if it does not end. */
const GARBAGE_REPORT_BYTES = 4096;
const MAX_SEQ = 4_294_967_295;

/** [SP-3] CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0); check("123456789") = 0x29B1. */
export function crc16Ccitt(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** [SP-5] Event kinds a receiver reports; the names are DeviceMessage types. */
export type SerialEventKind = Extract<
  DeviceMessageType,
  'press' | 'release' | 'heartbeat' | 'cancel' | 'tamper' | 'low-battery' | 'man-down' | 'checkin-start' | 'checkin-extend' | 'checkout'
>;
export const SERIAL_EVENT_KINDS: readonly SerialEventKind[] = [
  'press', 'release', 'heartbeat', 'cancel', 'tamper', 'low-battery', 'man-down', 'checkin-start', 'checkin-extend', 'checkout',
];
const TIMED_KINDS: ReadonlySet<SerialEventKind> = new Set(['checkin-start', 'checkin-extend']);

/** [SP-5] A check-in end: seconds from when the gateway receives the frame, or an absolute UTC time. */
export type SerialUntil = { inSeconds: number } | { at: string };

/** [SP-7] Feedback shown on the device: LED pattern, buzzer beeps, vibration pulses. */
export type SerialLedPattern = 'off' | 'amber-blink' | 'amber-on' | 'green-blink' | 'green-on' | 'red-blink';
export const SERIAL_LED_PATTERNS: readonly SerialLedPattern[] = ['off', 'amber-blink', 'amber-on', 'green-blink', 'green-on', 'red-blink'];
export interface SerialFeedbackSignal {
  led: SerialLedPattern;
  buzzer: number;
  vibration: number;
}
/** Discreet by design (feedback to the person who pressed is never loud), so the buzzer stays at 0. */
export const SERIAL_FEEDBACK_SIGNALS: Readonly<Record<DeviceCommandAction, SerialFeedbackSignal>> = {
  received: { led: 'amber-blink', buzzer: 0, vibration: 1 },
  'help-coming': { led: 'green-blink', buzzer: 0, vibration: 2 },
  resolved: { led: 'green-on', buzzer: 0, vibration: 0 },
  cancelled: { led: 'off', buzzer: 0, vibration: 1 },
  // Lone work: the wearer must notice these to cancel or check in, so more pulses; still silent.
  'pre-alarm': { led: 'red-blink', buzzer: 0, vibration: 5 },
  reminder: { led: 'amber-on', buzzer: 0, vibration: 3 },
};

/** [SP-8] Why the gateway asks for a retransmission. */
export type SerialNakReason = 'CRC' | 'LEN' | 'FMT';
const NAK_REASONS: readonly SerialNakReason[] = ['CRC', 'LEN', 'FMT'];

export type SerialFrame =
  // receiver -> gateway
  | { type: 'HELLO'; boot: string; info?: string }
  | { type: 'EVT'; boot: string; seq: number; deviceId: string; kind: SerialEventKind; battery?: number; pin?: string; until?: SerialUntil }
  | { type: 'FBACK'; fbSeq: number }
  // gateway -> receiver
  | { type: 'RDY' }
  | { type: 'ACK'; boot: string; seq: number }
  | { type: 'NAK'; reason: SerialNakReason }
  | { type: 'REJ'; boot: string; seq: number }
  | ({ type: 'FB'; fbSeq: number; deviceId: string; action: DeviceCommandAction } & SerialFeedbackSignal);
export type SerialFrameType = SerialFrame['type'];
export const SERIAL_UPLINK_TYPES: ReadonlySet<SerialFrameType> = new Set(['HELLO', 'EVT', 'FBACK']);

export type SerialRejectReason = 'framing' | 'checksum' | 'oversized' | 'schema';

export type SerialDecoded =
  | { ok: true; frame: SerialFrame; text: string }
  | {
      ok: false;
      reason: SerialRejectReason;
      error: string;
      /** The offending bytes (latin1), cut to 80 characters for logs. */
      text: string;
      /** Set when the peer sent something frame-like that a retransmission may fix [SP-8]. */
      nak?: SerialNakReason;
      /** Set when the CRC was right but the content is not: answer REJ, a resend cannot help [SP-8]. */
      ref?: { boot: string; seq: number };
    };

/** [SP-6] The DeviceMessage msgId of an event: the same for every retransmission of the frame. */
export function serialMsgId(boot: string, seq: number): string {
  return `s${seq}-${boot}`;
}

/** `$<body>*<CRC>\r\n` for a body (`TRG,...`); exported so tests can build frames of any content. */
export function serialLine(body: string): string {
  return `$${body}*${crc16Ccitt(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
}

export function encodeSerialFrame(frame: SerialFrame): string {
  const fields: (string | number)[] = [SERIAL_TALKER, frame.type];
  switch (frame.type) {
    case 'HELLO':
      fields.push(frame.boot, ...(frame.info !== undefined ? [frame.info] : []));
      break;
    case 'EVT':
      fields.push(frame.boot, frame.seq, frame.deviceId, frame.kind);
      if (frame.battery !== undefined) fields.push(`bat=${frame.battery}`);
      if (frame.pin !== undefined) fields.push(`pin=${frame.pin}`);
      if (frame.until !== undefined) fields.push(`until=${'at' in frame.until ? frame.until.at : `+${frame.until.inSeconds}`}`);
      break;
    case 'FBACK':
      fields.push(frame.fbSeq);
      break;
    case 'RDY':
      break;
    case 'ACK':
    case 'REJ':
      fields.push(frame.boot, frame.seq);
      break;
    case 'NAK':
      fields.push(frame.reason);
      break;
    case 'FB':
      fields.push(frame.fbSeq, frame.deviceId, frame.action, frame.led, frame.buzzer, frame.vibration);
      break;
  }
  return serialLine(fields.join(','));
}

/**
 * [SP-2] Splits a byte stream into frames. Resynchronises at every `$`; bytes outside a frame are
 * garbage (reported, never answered); a frame longer than SERIAL_MAX_FRAME_BYTES is dropped up
 * to the next `$` or line end. Chunks may split frames anywhere. Never throws.
 */
export class SerialFrameDecoder {
  private frame: number[] | null = null;
  private skipping = false;
  private garbage = 0;

  constructor(private readonly maxFrameBytes = SERIAL_MAX_FRAME_BYTES) {}

  push(chunk: Uint8Array): SerialDecoded[] {
    const out: SerialDecoded[] = [];
    for (const byte of chunk) this.byte(byte, out);
    return out;
  }

  private byte(byte: number, out: SerialDecoded[]): void {
    const DOLLAR = 0x24;
    const LF = 0x0a;
    if (byte === DOLLAR) {
      this.endGarbage(out);
      if (this.frame) out.push(fail('framing', 'frame cut off by a new "$" before its line end', text(this.frame), 'FMT'));
      this.frame = [byte];
      this.skipping = false;
      return;
    }
    if (this.frame) {
      if (byte === LF) {
        const bytes = this.frame[this.frame.length - 1] === 0x0d ? this.frame.slice(0, -1) : this.frame;
        this.frame = null;
        out.push(parseSerialFrame(text(bytes)));
        return;
      }
      this.frame.push(byte);
      // The `\r` of the line end does not count towards the limit.
      if (this.frame.length > this.maxFrameBytes + (byte === 0x0d ? 1 : 0)) {
        out.push(fail('oversized', `frame longer than ${this.maxFrameBytes} bytes; dropped up to the next frame`, text(this.frame), 'LEN'));
        this.frame = null;
        this.skipping = true;
      }
      return;
    }
    if (this.skipping) {
      if (byte === LF) this.skipping = false;
      return;
    }
    if (byte === LF || byte === 0x0d) {
      this.endGarbage(out); // blank lines between frames are allowed
      return;
    }
    if (++this.garbage >= GARBAGE_REPORT_BYTES) this.endGarbage(out);
  }

  private endGarbage(out: SerialDecoded[]): void {
    if (this.garbage === 0) return;
    out.push(fail('framing', `${this.garbage} byte(s) of garbage outside a frame`, ''));
    this.garbage = 0;
  }
}

/** Parses one frame `$...*HHHH` (line end removed). Never throws. */
export function parseSerialFrame(line: string): SerialDecoded {
  const m = /^\$([\x20-\x23\x25-\x29\x2B-\x7E]*)\*([0-9A-Fa-f]{4})$/.exec(line);
  if (!m) return fail('framing', 'not a frame "$<printable ASCII>*<4 hex digits>"', line, 'FMT');
  const body = m[1]!;
  const sent = parseInt(m[2]!, 16);
  const computed = crc16Ccitt(body);
  if (sent !== computed) {
    return fail('checksum', `CRC ${hex(sent)} sent, ${hex(computed)} computed`, line, 'CRC');
  }
  const fields = body.split(',');
  if (fields[0] !== SERIAL_TALKER) return fail('schema', `talker "${fields[0]}" is not ${SERIAL_TALKER}`, line);
  try {
    return { ok: true, frame: parseFields(fields[1] ?? '', fields.slice(2)), text: line };
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    return { ...fail('schema', err.message, line), ...(err.ref && { ref: err.ref }) };
  }
}

class FieldError extends Error {
  ref?: { boot: string; seq: number };
}

function parseFields(type: string, f: string[]): SerialFrame {
  const count = (min: number, max = min) => {
    if (f.length < min || f.length > max) throw new FieldError(`${type} takes ${min === max ? min : `${min}-${max}`} field(s), got ${f.length}`);
  };
  switch (type) {
    case 'HELLO': {
      count(1, 2);
      const info = f[1];
      if (info !== undefined && !/^[\x20-\x7E]{0,48}$/.test(info)) throw new FieldError('HELLO info must be at most 48 characters');
      return { type, boot: boot(f[0]), ...(info !== undefined && { info }) };
    }
    case 'EVT':
      return parseEvent(f);
    case 'FBACK':
      count(1);
      return { type, fbSeq: seq(f[0], 'fbSeq') };
    case 'RDY':
      count(0);
      return { type };
    case 'ACK':
    case 'REJ':
      count(2);
      return { type, boot: boot(f[0]), seq: seq(f[1]) };
    case 'NAK':
      count(1);
      return { type, reason: oneOf(f[0], NAK_REASONS, 'NAK reason') };
    case 'FB': {
      count(6);
      const [fbSeq, deviceId, action, led, buzzer, vibration] = f;
      return {
        type,
        fbSeq: seq(fbSeq, 'fbSeq'),
        deviceId: device(deviceId),
        action: oneOf(action, DEVICE_COMMAND_ACTIONS, 'action'),
        led: oneOf(led, SERIAL_LED_PATTERNS, 'led'),
        buzzer: small(buzzer, 'buzzer'),
        vibration: small(vibration, 'vibration'),
      };
    }
    default:
      throw new FieldError(`unknown frame type "${type}"`);
  }
}

function parseEvent(f: string[]): SerialFrame {
  if (f.length < 4) throw new FieldError(`EVT needs <boot>,<seq>,<deviceId>,<kind>, got ${f.length} field(s)`);
  const [bootText, seqText, deviceId, kind, ...args] = f;
  const ref = { boot: boot(bootText), seq: seq(seqText) };
  try {
    const event: Extract<SerialFrame, { type: 'EVT' }> = {
      type: 'EVT',
      ...ref,
      deviceId: device(deviceId),
      kind: oneOf(kind, SERIAL_EVENT_KINDS, 'kind'),
    };
    const seen = new Set<string>();
    for (const arg of args) {
      const eq = arg.indexOf('=');
      const key = eq < 0 ? arg : arg.slice(0, eq);
      const value = eq < 0 ? '' : arg.slice(eq + 1);
      if (seen.has(key)) throw new FieldError(`argument "${key}" given twice`);
      seen.add(key);
      if (key === 'bat') {
        if (!/^(100|[1-9]?[0-9])$/.test(value)) throw new FieldError(`bat must be 0-100, got "${value}"`);
        event.battery = Number(value);
      } else if (key === 'pin' && event.kind === 'cancel') {
        if (!/^[0-9]{4,8}$/.test(value)) throw new FieldError('pin must be 4-8 digits');
        event.pin = value;
      } else if (key === 'until' && TIMED_KINDS.has(event.kind)) {
        event.until = until(value);
      } else {
        throw new FieldError(`argument "${key}" is not allowed with ${event.kind}`);
      }
    }
    if (TIMED_KINDS.has(event.kind) && !event.until) throw new FieldError(`${event.kind} needs until=`);
    return event;
  } catch (err) {
    if (err instanceof FieldError) err.ref = ref;
    throw err;
  }
}

/**
 * [SP-6] The DeviceMessage for an EVT frame. `nowMs` is the gateway's clock when the frame
 * arrived: it dates the event (receivers need no clock) and resolves a relative `until=+N`.
 */
export function serialEventToDeviceMessage(frame: Extract<SerialFrame, { type: 'EVT' }>, nowMs: number): DeviceMessage {
  const until = frame.until && ('at' in frame.until ? frame.until.at : new Date(nowMs + frame.until.inSeconds * 1000).toISOString());
  return {
    v: 1,
    type: frame.kind,
    msgId: serialMsgId(frame.boot, frame.seq),
    seq: frame.seq,
    at: new Date(nowMs).toISOString(),
    ...(frame.battery !== undefined && { battery: frame.battery }),
    ...(frame.pin !== undefined && { pin: frame.pin }),
    ...(until !== undefined && { until }),
  };
}

function boot(v: string | undefined): string {
  if (v === undefined || !/^[0-9A-Za-z]{1,16}$/.test(v)) throw new FieldError(`boot id must be 1-16 letters/digits, got "${v ?? ''}"`);
  return v;
}

function seq(v: string | undefined, name = 'seq'): number {
  const n = v !== undefined && /^(0|[1-9][0-9]{0,9})$/.test(v) ? Number(v) : NaN;
  if (!(n <= MAX_SEQ)) throw new FieldError(`${name} must be an integer 0-${MAX_SEQ}, got "${v ?? ''}"`);
  return n;
}

function small(v: string | undefined, name: string): number {
  if (v === undefined || !/^[0-9]$/.test(v)) throw new FieldError(`${name} must be 0-9, got "${v ?? ''}"`);
  return Number(v);
}

function device(v: string | undefined): string {
  if (v === undefined || !isValidId(v)) throw new FieldError(`device id "${v ?? ''}" must match ^[a-z0-9][a-z0-9_-]{0,63}$`);
  return v;
}

function until(v: string): SerialUntil {
  const rel = /^\+([1-9][0-9]{0,5})$/.exec(v);
  if (rel) return { inSeconds: Number(rel[1]) };
  // Date.parse rolls 2026-02-30 over to March; the protocol schema (and the server) refuse such a
  // day, so only a time that reads back the same is accepted.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(v) && readsBack(v)) return { at: v };
  throw new FieldError(`until must be +<seconds, up to 999999> or a UTC time like 2026-01-05T10:00:00Z, got "${v}"`);
}

function readsBack(utc: string): boolean {
  const ms = Date.parse(utc);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === utc.slice(0, 19);
}

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], name: string): T {
  if (v === undefined || !(allowed as readonly string[]).includes(v)) throw new FieldError(`${name} "${v ?? ''}" is not one of ${allowed.join(', ')}`);
  return v as T;
}

function fail(reason: SerialRejectReason, error: string, line: string, nak?: SerialNakReason): Extract<SerialDecoded, { ok: false }> {
  return { ok: false, reason, error, text: line.length > 80 ? `${line.slice(0, 77)}...` : line, ...(nak && { nak }) };
}

function text(bytes: number[]): string {
  return Buffer.from(bytes).toString('latin1');
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
