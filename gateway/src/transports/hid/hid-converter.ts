import type { DeviceCommandAction } from '@trygg/protocol';

/**
 * A HID device model as a pure converter (after zigbee-herdsman-converters' `{match,
 * convert()}`): which USB devices it is, what one input report says about the button, and which
 * report shows feedback on the device. One file per vendor in `gateway/src/converters/`.
 */
export interface HidConverter {
  /** Stable name used in the gateway configuration (`model`). */
  model: string;
  vendor: string;
  description: string;
  match: HidMatch;
  /** Set for keyboard-emulating devices: the button is the key with this usage id. */
  keyCode?: { default: number };
  /** Edges closer together than this are contact bounce or auto-repeat, not presses. */
  debounceMs: number;
  /** Pure: one input report in, what it says about the button out. */
  convert(report: Uint8Array, options: ConverterOptions): ButtonReading;
  /** The report that shows `action` on the device; absent for devices without LED. */
  feedback?(action: DeviceCommandAction): FeedbackReport;
}

export interface HidIds {
  vendorId: number;
  productId: number;
}

export interface HidMatch {
  /** USB ids the model is sold with; empty for generic models (the configuration names them). */
  ids: readonly HidIds[];
  /**
   * The HID top-level collection carrying the button. A USB device shows one HID path per
   * interface (a foot pedal: keyboard, mouse and a vendor interface); only this one is opened.
   * Checked only where the driver reports usages (not Linux libusb).
   */
  collection?: { usagePage: number; usage: number };
}

export interface ConverterOptions {
  /** The configured key of a keyboard-emulating device (HID Keyboard page usage id). */
  keyCode: number;
}

export type ButtonReading =
  /** `otherKeys`: keys held that are not the configured one (a mis-programmed pedal). */
  | { ok: true; pressed: boolean; otherKeys?: number[] }
  /** A valid report that says nothing about the button (e.g. keyboard rollover). */
  | { ok: true; pressed: null; why: string }
  | { ok: false; error: string };

export interface FeedbackReport {
  type: 'output' | 'feature';
  report: Uint8Array;
}
