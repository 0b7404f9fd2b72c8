import { smpp } from './smpp-lib';

const { encodings, gsmCoder } = smpp;

/**
 * How one SMS text goes over SMPP: GSM 03.38 (the SMSC default alphabet, which has æøåÆØÅ) when
 * every character is in it, UCS-2 otherwise; split into concatenated parts with a UDH when it is
 * too long for one message. The smpp library has the GSM tables; splitting is ours because it
 * must never cut an escape sequence or a surrogate pair in two.
 */
export type SmsEncoding = 'gsm7' | 'ucs2';

export interface EncodedSms {
  encoding: SmsEncoding;
  /** SMPP data_coding: 0x00 SMSC default (GSM 03.38), 0x08 UCS-2. */
  dataCoding: number;
  /** Each part's short_message, with its UDH first when there is more than one part. */
  parts: Buffer[];
  /** Whether the parts carry a UDH (esm_class UDHI must then be set). */
  udh: boolean;
}

const ESC = 0x1b;
const GSM_SINGLE = 160;
const GSM_PART = 153;
const UCS2_SINGLE_BYTES = 140;
const UCS2_PART_BYTES = 134;
/** A part count beyond this is a text nobody should get by SMS (the UDH allows 255). */
export const MAX_PARTS = 10;

export function isGsm7(text: string): boolean {
  return encodings.ASCII.match(text);
}

export function encodeSms(text: string, reference: number): EncodedSms {
  if (isGsm7(text)) {
    const septets: Buffer = gsmCoder.encode(text, 0x00);
    const chunks = septets.length <= GSM_SINGLE ? [septets] : splitGsm(septets);
    return finish('gsm7', 0x00, chunks, reference);
  }
  const bytes = Buffer.from(text, 'utf16le').swap16();
  const chunks = bytes.length <= UCS2_SINGLE_BYTES ? [bytes] : splitUcs2(bytes);
  return finish('ucs2', 0x08, chunks, reference);
}

function finish(encoding: SmsEncoding, dataCoding: number, chunks: Buffer[], reference: number): EncodedSms {
  if (chunks.length > MAX_PARTS) chunks = chunks.slice(0, MAX_PARTS);
  if (chunks.length === 1) return { encoding, dataCoding, parts: chunks, udh: false };
  const parts = chunks.map((chunk, i) => Buffer.concat([Buffer.from([0x05, 0x00, 0x03, reference & 0xff, chunks.length, i + 1]), chunk]));
  return { encoding, dataCoding, parts, udh: true };
}

/** Unpacked septets (one per byte, as SMPP carries them); an escape and its character stay together. */
function splitGsm(septets: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < septets.length) {
    let end = Math.min(start + GSM_PART, septets.length);
    if (end < septets.length && septets[end - 1] === ESC) end--;
    parts.push(septets.subarray(start, end));
    start = end;
  }
  return parts;
}

/** UTF-16BE code units; a high surrogate never ends a part. */
function splitUcs2(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + UCS2_PART_BYTES, bytes.length);
    if (end < bytes.length) {
      const last = bytes.readUInt16BE(end - 2);
      if (last >= 0xd800 && last <= 0xdbff) end -= 2;
    }
    parts.push(bytes.subarray(start, end));
    start = end;
  }
  return parts;
}

/** The text of one received short_message (an MO reply), whatever its coding. */
export function decodeSms(message: Buffer, dataCoding: number): string {
  const coding = dataCoding & 0x0f;
  if (coding === 0x08) return Buffer.from(message).swap16().toString('utf16le');
  if (coding === 0x03) return message.toString('latin1');
  return gsmCoder.decode(message, 0x00);
}
