/**
 * USB HID report formats Trygg understands: pure byte codecs, no I/O. The gateway's HID converters
 * decode device reports with these; the simulator encodes them. Formats are documented in
 * docs/hid-devices.md.
 *
 * Report bytes are as hidapi/node-hid deliver and accept them: a device that numbers its reports
 * puts the report id in byte 0; a device without report ids (a plain boot keyboard) does not.
 */

export type HidDecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

// --- Trygg panic button (vendor-defined reports) -------------------------------------------

/**
 * The Trygg reference USB panic button ("trygg-panic-v1"): vendor-defined usage page 0xFF00.
 * Input report 0x01 (8 bytes): byte 1 bit 0 = button pressed, other bits reserved (ignored).
 * Output report 0x02 (8 bytes): byte 1 = LED pattern.
 */
export const TRYGG_PANIC_REPORT = {
  usagePage: 0xff00,
  usage: 0x01,
  inputReportId: 0x01,
  outputReportId: 0x02,
  reportLength: 8,
} as const;

export interface PanicButtonState {
  pressed: boolean;
}

/** LED patterns of the panic button's output report; kept discreet (the person who pressed is answered, never loudly). */
export type PanicLedPattern = 'off' | 'on' | 'blink-slow' | 'blink-fast';
const LED_PATTERN_CODES: Record<PanicLedPattern, number> = { off: 0x00, on: 0x01, 'blink-slow': 0x02, 'blink-fast': 0x03 };

export function decodePanicButtonReport(report: Uint8Array): HidDecodeResult<PanicButtonState> {
  if (report.length < 2) return fail(`report of ${report.length} byte(s) is shorter than 2`);
  if (report.length > 64) return fail(`report of ${report.length} bytes is longer than 64`);
  if (report[0] !== TRYGG_PANIC_REPORT.inputReportId) return fail(`unexpected report id 0x${hexByte(report[0] ?? 0)}`);
  return { ok: true, value: { pressed: ((report[1] ?? 0) & 0x01) === 0x01 } };
}

export function encodePanicButtonReport(state: PanicButtonState): Uint8Array {
  const report = new Uint8Array(TRYGG_PANIC_REPORT.reportLength);
  report[0] = TRYGG_PANIC_REPORT.inputReportId;
  report[1] = state.pressed ? 0x01 : 0x00;
  return report;
}

export function encodePanicLedReport(pattern: PanicLedPattern): Uint8Array {
  const report = new Uint8Array(TRYGG_PANIC_REPORT.reportLength);
  report[0] = TRYGG_PANIC_REPORT.outputReportId;
  report[1] = LED_PATTERN_CODES[pattern];
  return report;
}

export function decodePanicLedReport(report: Uint8Array): HidDecodeResult<PanicLedPattern> {
  if (report.length < 2) return fail(`report of ${report.length} byte(s) is shorter than 2`);
  if (report[0] !== TRYGG_PANIC_REPORT.outputReportId) return fail(`unexpected report id 0x${hexByte(report[0] ?? 0)}`);
  const pattern = (Object.keys(LED_PATTERN_CODES) as PanicLedPattern[]).find((p) => LED_PATTERN_CODES[p] === report[1]);
  return pattern ? { ok: true, value: pattern } : fail(`unknown LED pattern 0x${hexByte(report[1] ?? 0)}`);
}

// --- Keyboard boot report (keyboard-emulating buttons and foot pedals) ----------------------

/** Usage ids of the HID Keyboard/Keypad page (HID Usage Tables 1.4, section 10) Trygg names. */
export const HID_KEY = {
  A: 0x04,
  B: 0x05,
  ENTER: 0x28,
  SPACE: 0x2c,
  F1: 0x3a,
  F12: 0x45,
  F13: 0x68,
  F14: 0x69,
  F15: 0x6a,
  F16: 0x6b,
  F17: 0x6c,
  F18: 0x6d,
  F19: 0x6e,
  F20: 0x6f,
  F21: 0x70,
  F22: 0x71,
  F23: 0x72,
  F24: 0x73,
  LEFT_CTRL: 0xe0,
  RIGHT_GUI: 0xe7,
} as const;

/** The lowest usage id that is a real key; 0x01-0x03 are error codes (HID Usage Tables 10). */
export const HID_FIRST_KEY = 0x04;
/** Modifier keys 0xE0-0xE7 appear as bits of byte 0 in a boot report, not in the key slots. */
export const HID_FIRST_MODIFIER = 0xe0;
export const HID_LAST_MODIFIER = 0xe7;

export interface KeyboardBootReport {
  /** Bit n = modifier key 0xE0 + n held. */
  modifiers: number;
  /** Key usage ids held, in slot order, without empty (0x00) slots. */
  keys: number[];
  /**
   * True when every slot holds ErrorRollOver (0x01): too many keys are held and the device does
   * not say which; the held state is unknown (HID 1.11 Appendix C), not "all released".
   */
  rollover: boolean;
}

const BOOT_REPORT_LENGTH = 8;

/**
 * Decodes a keyboard boot report (HID 1.11 Appendix B.1): modifiers, a reserved byte, six key
 * slots. `reportId` is given for devices that number their reports (9 bytes, id first).
 */
export function decodeKeyboardBootReport(report: Uint8Array, reportId?: number): HidDecodeResult<KeyboardBootReport> {
  let body = report;
  if (reportId !== undefined) {
    if (report.length !== BOOT_REPORT_LENGTH + 1) return fail(`report of ${report.length} byte(s); a numbered boot report has 9`);
    if (report[0] !== reportId) return fail(`unexpected report id 0x${hexByte(report[0] ?? 0)}`);
    body = report.subarray(1);
  } else if (report.length !== BOOT_REPORT_LENGTH) {
    return fail(`report of ${report.length} byte(s); a boot report has 8`);
  }
  const slots = Array.from(body.subarray(2, BOOT_REPORT_LENGTH));
  const rollover = slots.every((k) => k === 0x01);
  if (!rollover && slots.some((k) => k === 0x02 || k === 0x03)) return fail('device reports a keyboard error (POSTFail/ErrorUndefined)');
  return { ok: true, value: { modifiers: body[0] ?? 0, keys: rollover ? [] : slots.filter((k) => k !== 0x00), rollover } };
}

export function encodeKeyboardBootReport(state: { modifiers?: number; keys: readonly number[] }, reportId?: number): Uint8Array {
  if (state.keys.length > 6) throw new RangeError('a boot report holds at most 6 keys');
  const body = new Uint8Array(BOOT_REPORT_LENGTH);
  body[0] = state.modifiers ?? 0;
  body.set(state.keys, 2);
  if (reportId === undefined) return body;
  const numbered = new Uint8Array(BOOT_REPORT_LENGTH + 1);
  numbered[0] = reportId;
  numbered.set(body, 1);
  return numbered;
}

/** Whether `keyCode` is held in a decoded boot report (modifier keys read from the modifier bits). */
export function isKeyHeld(report: KeyboardBootReport, keyCode: number): boolean {
  if (keyCode >= HID_FIRST_MODIFIER && keyCode <= HID_LAST_MODIFIER) return (report.modifiers & (1 << (keyCode - HID_FIRST_MODIFIER))) !== 0;
  return report.keys.includes(keyCode);
}

// --- hex, as report streams are recorded ----------------------------------------------------

/** Parses `"01 01 00"` or `"010100"`; null when it is not whole bytes of hex. */
export function hexToReport(hex: string): Uint8Array | null {
  const compact = hex.replace(/[\s:]/g, '');
  if (compact.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(compact)) return null;
  const bytes = new Uint8Array(compact.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(compact.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function reportToHex(bytes: Uint8Array | readonly number[]): string {
  return Array.from(bytes, hexByte).join(' ');
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}
