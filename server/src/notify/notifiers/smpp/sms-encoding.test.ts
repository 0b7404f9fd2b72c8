import { describe, expect, it } from 'vitest';
import { decodeSms, encodeSms, isGsm7 } from './sms-encoding';

describe('encodeSms', () => {
  it('keeps Norwegian letters in GSM 03.38 (æøåÆØÅ are in the default alphabet)', () => {
    const sms = encodeSms('Alarm på møterom Å: kom nå, Ærlig talt', 7);
    expect(sms).toMatchObject({ encoding: 'gsm7', dataCoding: 0x00, udh: false });
    expect(decodeSms(sms.parts[0]!, 0x00)).toBe('Alarm på møterom Å: kom nå, Ærlig talt');
  });

  it('uses UCS-2 for a character outside GSM 03.38 and round-trips it', () => {
    const text = 'Brann – evakuer nå 🔥 ÆØÅ';
    expect(isGsm7(text)).toBe(false);
    const sms = encodeSms(text, 7);
    expect(sms).toMatchObject({ encoding: 'ucs2', dataCoding: 0x08, udh: false });
    expect(decodeSms(sms.parts[0]!, 0x08)).toBe(text);
  });

  it('splits a long GSM text into 153-septet parts with a concatenation UDH', () => {
    const text = 'ø'.repeat(400);
    const sms = encodeSms(text, 42);
    expect(sms.udh).toBe(true);
    expect(sms.parts.map((p) => p.length - 6)).toEqual([153, 153, 94]);
    sms.parts.forEach((p, i) => expect([...p.subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 42, 3, i + 1]));
    expect(sms.parts.map((p) => decodeSms(p.subarray(6), 0)).join('')).toBe(text);
  });

  it('never splits a GSM escape sequence (€ is ESC + e)', () => {
    const text = `${'a'.repeat(152)}€${'b'.repeat(20)}`;
    const sms = encodeSms(text, 1);
    expect(sms.parts[0]!.length - 6).toBe(152);
    expect(sms.parts.map((p) => decodeSms(p.subarray(6), 0)).join('')).toBe(text);
  });

  it('never splits a surrogate pair in UCS-2', () => {
    const text = `${'x'.repeat(66)}😀${'y'.repeat(80)}`;
    const sms = encodeSms(text, 1);
    expect(sms.encoding).toBe('ucs2');
    expect(sms.parts[0]!.length - 6).toBe(132);
    expect(decodeSms(Buffer.concat(sms.parts.map((p) => p.subarray(6))), 0x08)).toBe(text);
  });

  it('fits 160 GSM characters and 70 UCS-2 characters in one message', () => {
    expect(encodeSms('a'.repeat(160), 1).parts).toHaveLength(1);
    expect(encodeSms('a'.repeat(161), 1).parts).toHaveLength(2);
    expect(encodeSms('ж'.repeat(70), 1).parts).toHaveLength(1);
    expect(encodeSms('ж'.repeat(71), 1).parts).toHaveLength(2);
  });
});
