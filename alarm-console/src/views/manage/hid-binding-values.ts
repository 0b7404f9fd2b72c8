// What the device form's HID binding fields accept. The console may not import the gateway or the
// protocol at run time, so these are kept here; test/console-hid-binding.test.ts keeps them the
// same as the gateway's models and the device directory's schema.

/** A USB vendor or product id as `lsusb` and the device's label show it: 4 hex digits (HTML `pattern`). */
export const USB_ID_HEX = '[0-9a-fA-F]{4}';

/** The gateway's HID models (gateway/src/transports/hid/hid-models.ts). */
export const HID_MODELS = ['trygg-panic-v1', 'pcsensor-footswitch', 'generic-keyboard-button'] as const;
