import { HID_KEY, encodeKeyboardBootReport } from '@trygg/protocol';
import type { HidButtonDevice } from './hid-report-stream';

export interface HidKeyboardButtonOptions {
  /** `pcsensor-footswitch` (default) or `generic-keyboard-button`. */
  model?: string;
  /** The key the button types; default F13. */
  keyCode?: number;
  /** Report id where the device numbers its keyboard report (PCsensor units: 1). */
  reportId?: number;
}

/**
 * A keyboard-emulating button or foot pedal: boot keyboard reports in which the button is one
 * key. It has no LED, so there is nothing to receive.
 */
export class SimulatedHidKeyboardButton implements HidButtonDevice {
  readonly model: string;
  readonly keyCode: number;
  readonly reportId: number | undefined;

  constructor(options: HidKeyboardButtonOptions = {}) {
    this.model = options.model ?? 'pcsensor-footswitch';
    this.keyCode = options.keyCode ?? HID_KEY.F13;
    this.reportId = options.reportId;
  }

  report(pressed: boolean): Uint8Array {
    return encodeKeyboardBootReport({ keys: pressed ? [this.keyCode] : [] }, this.reportId);
  }
}
