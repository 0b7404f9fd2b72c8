import { HID_KEY } from '@trygg/protocol';
import type { HidConverter } from '../transports/hid/hid-converter';
import { KEYBOARD_COLLECTION, readKeyboardButton } from '../transports/hid/keyboard-button';

/**
 * Devices of no particular vendor. The configuration names them by `vendorId`/`productId` (or
 * `path`), since no ids are built in.
 */
export const generic: HidConverter[] = [
  {
    model: 'generic-keyboard-button',
    vendor: 'Generic',
    description: 'Any button or pedal that types one key (boot keyboard report), no LED',
    match: { ids: [], collection: KEYBOARD_COLLECTION },
    // F13 is on no ordinary keyboard, so a panic key typed into the focused window does no harm.
    keyCode: { default: HID_KEY.F13 },
    debounceMs: 50,
    convert: (report, options) => readKeyboardButton(report, options, 1),
  },
];
