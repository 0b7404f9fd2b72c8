import { describe, expect, it } from 'vitest';
import {
  HID_KEY,
  reportToHex,
  decodeKeyboardBootReport,
  decodePanicButtonReport,
  decodePanicLedReport,
  encodeKeyboardBootReport,
  encodePanicButtonReport,
  encodePanicLedReport,
  hexToReport,
  isKeyHeld,
} from './hid-reports';

const bytes = (hex: string) => hexToReport(hex)!;

describe('Trygg panic button reports', () => {
  it('reads bit 0 of byte 1 as pressed and ignores reserved bits', () => {
    expect(decodePanicButtonReport(bytes('01 01 00 00 00 00 00 00'))).toEqual({ ok: true, value: { pressed: true } });
    expect(decodePanicButtonReport(bytes('01 00 00 00 00 00 00 00'))).toEqual({ ok: true, value: { pressed: false } });
    expect(decodePanicButtonReport(bytes('01 fe'))).toEqual({ ok: true, value: { pressed: false } });
  });

  it('rejects short, oversized and foreign reports with a reason', () => {
    expect(decodePanicButtonReport(bytes('01'))).toMatchObject({ ok: false, error: expect.stringContaining('shorter') });
    expect(decodePanicButtonReport(new Uint8Array(65).fill(1))).toMatchObject({ ok: false, error: expect.stringContaining('longer') });
    expect(decodePanicButtonReport(bytes('07 01'))).toMatchObject({ ok: false, error: 'unexpected report id 0x07' });
  });

  it('round-trips input and LED output reports', () => {
    expect(reportToHex(encodePanicButtonReport({ pressed: true }))).toBe('01 01 00 00 00 00 00 00');
    expect(reportToHex(encodePanicLedReport('blink-slow'))).toBe('02 02 00 00 00 00 00 00');
    for (const pattern of ['off', 'on', 'blink-slow', 'blink-fast'] as const) {
      expect(decodePanicLedReport(encodePanicLedReport(pattern))).toEqual({ ok: true, value: pattern });
    }
    expect(decodePanicLedReport(bytes('02 09'))).toMatchObject({ ok: false });
  });
});

describe('keyboard boot reports', () => {
  it('reads modifiers and held keys, skipping empty slots', () => {
    const decoded = decodeKeyboardBootReport(bytes('02 00 00 68 00 04 00 00'));
    expect(decoded).toEqual({ ok: true, value: { modifiers: 0x02, keys: [HID_KEY.F13, HID_KEY.A], rollover: false } });
  });

  it('strips a configured report id and insists on it', () => {
    expect(decodeKeyboardBootReport(bytes('01 00 00 05 00 00 00 00 00'), 1)).toMatchObject({ ok: true, value: { keys: [HID_KEY.B] } });
    expect(decodeKeyboardBootReport(bytes('02 00 00 05 00 00 00 00 00'), 1)).toMatchObject({ ok: false });
    expect(decodeKeyboardBootReport(bytes('00 00 05 00 00 00 00 00'), 1)).toMatchObject({ ok: false });
  });

  it('treats ErrorRollOver as unknown state and keyboard errors as bad reports', () => {
    expect(decodeKeyboardBootReport(bytes('00 00 01 01 01 01 01 01'))).toEqual({ ok: true, value: { modifiers: 0, keys: [], rollover: true } });
    expect(decodeKeyboardBootReport(bytes('00 00 02 02 02 02 02 02'))).toMatchObject({ ok: false });
  });

  it('rejects reports of the wrong length', () => {
    expect(decodeKeyboardBootReport(bytes('00 00 68'))).toMatchObject({ ok: false, error: expect.stringContaining('8') });
    expect(decodeKeyboardBootReport(new Uint8Array(0))).toMatchObject({ ok: false });
  });

  it('finds keys in slots and modifier keys in the modifier bits', () => {
    const report = { modifiers: 0x80, keys: [HID_KEY.F13], rollover: false };
    expect(isKeyHeld(report, HID_KEY.F13)).toBe(true);
    expect(isKeyHeld(report, HID_KEY.F14)).toBe(false);
    expect(isKeyHeld(report, HID_KEY.RIGHT_GUI)).toBe(true);
    expect(isKeyHeld(report, HID_KEY.LEFT_CTRL)).toBe(false);
  });

  it('encodes what it decodes', () => {
    const state = { modifiers: 1, keys: [HID_KEY.F24] };
    expect(decodeKeyboardBootReport(encodeKeyboardBootReport(state))).toMatchObject({ ok: true, value: state });
    expect(decodeKeyboardBootReport(encodeKeyboardBootReport(state, 3), 3)).toMatchObject({ ok: true, value: state });
    expect(() => encodeKeyboardBootReport({ keys: [4, 5, 6, 7, 8, 9, 10] })).toThrow(RangeError);
  });
});

describe('hex', () => {
  it('parses spaced or compact hex and refuses anything else', () => {
    expect(Array.from(bytes('01 0a:FF'))).toEqual([1, 10, 255]);
    expect(hexToReport('0')).toBeNull();
    expect(hexToReport('zz')).toBeNull();
    expect(reportToHex([0, 255])).toBe('00 ff');
  });
});
