import { HID_KEY } from '@trygg/protocol';
import type { HidConverter } from '../transports/hid/hid-converter';
import { KEYBOARD_COLLECTION, readKeyboardButton } from '../transports/hid/keyboard-button';

/**
 * PCsensor USB foot switches (single and triple pedal; also sold rebranded, e.g. iKKEGOL). They
 * emulate a keyboard: each pedal types the key programmed into it (rgerganov/footswitch:
 * `footswitch -1 -k <key>`), so the configuration's `keyCode` must name that key. Ids as listed by
 * the footswitch project; the keyboard interface of some units numbers its report (id 1).
 * No LED: feedback commands are accepted and ignored.
 */
export const pcsensor: HidConverter[] = [
  {
    model: 'pcsensor-footswitch',
    vendor: 'PCsensor',
    description: 'USB foot switch emulating a keyboard key',
    match: {
      ids: [
        { vendorId: 0x0c45, productId: 0x7403 },
        { vendorId: 0x0c45, productId: 0x7404 },
        { vendorId: 0x413d, productId: 0x2107 },
        { vendorId: 0x1a86, productId: 0xe026 },
        { vendorId: 0x1a86, productId: 0xe02d },
      ],
      collection: KEYBOARD_COLLECTION,
    },
    keyCode: { default: HID_KEY.F13 },
    // A pedal's spring contact bounces more than a button's.
    debounceMs: 50,
    convert: (report, options) => readKeyboardButton(report, options, 1),
  },
];
