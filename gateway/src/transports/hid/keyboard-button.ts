import { decodeKeyboardBootReport, isKeyHeld } from '@trygg/protocol';
import type { ButtonReading, ConverterOptions } from './hid-converter';

/** HID Generic Desktop / Keyboard: the interface a keyboard-emulating device types on. */
export const KEYBOARD_COLLECTION = { usagePage: 0x01, usage: 0x06 } as const;

const BOOT_REPORT_LENGTH = 8;

/**
 * What every keyboard-emulating button has in common: a boot report (HID 1.11 Appendix B.1) in
 * which the button is one configured key. Press = the key appears, release = it disappears; a
 * report repeated while the key is held changes nothing (press-tracker.ts).
 *
 * `numberedReportId`: devices whose report descriptor numbers the keyboard report send 9 bytes,
 * that id first; an 8-byte report is read as an unnumbered boot report either way.
 */
export function readKeyboardButton(report: Uint8Array, options: ConverterOptions, numberedReportId?: number): ButtonReading {
  const numbered = numberedReportId !== undefined && report.length === BOOT_REPORT_LENGTH + 1;
  const decoded = decodeKeyboardBootReport(report, numbered ? numberedReportId : undefined);
  if (!decoded.ok) return decoded;
  if (decoded.value.rollover) return { ok: true, pressed: null, why: 'keyboard rollover: held keys unknown' };
  const pressed = isKeyHeld(decoded.value, options.keyCode);
  const otherKeys = decoded.value.keys.filter((k) => k !== options.keyCode);
  return { ok: true, pressed, ...(otherKeys.length > 0 && { otherKeys }) };
}
