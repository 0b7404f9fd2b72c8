import { TRYGG_PANIC_REPORT, decodePanicButtonReport, encodePanicLedReport, type DeviceCommandAction, type PanicLedPattern } from '@trygg/protocol';
import type { HidConverter } from '../transports/hid/hid-converter';

/**
 * Trygg's reference USB panic button: vendor-defined HID reports (docs/hid-devices.md).
 * Its ids are pid.codes' test pair 1209:0001, fit for prototypes and the simulator only; a
 * manufactured button gets ids of its own, added here.
 */
const LED_FOR_ACTION: Record<DeviceCommandAction, PanicLedPattern> = {
  received: 'blink-slow',
  'help-coming': 'on',
  resolved: 'off',
  cancelled: 'off',
  // Lone-work prompts ask for attention (a fixed button rarely gets them).
  'pre-alarm': 'blink-fast',
  reminder: 'blink-fast',
};

export const trygg: HidConverter[] = [
  {
    model: 'trygg-panic-v1',
    vendor: 'Trygg',
    description: 'USB panic button, vendor-defined reports, LED',
    match: {
      ids: [{ vendorId: 0x1209, productId: 0x0001 }],
      collection: { usagePage: TRYGG_PANIC_REPORT.usagePage, usage: TRYGG_PANIC_REPORT.usage },
    },
    // The firmware debounces its contact; this only guards against a faulty one.
    debounceMs: 30,
    convert(report) {
      const decoded = decodePanicButtonReport(report);
      return decoded.ok ? { ok: true, pressed: decoded.value.pressed } : decoded;
    },
    feedback: (action) => ({ type: 'output', report: encodePanicLedReport(LED_FOR_ACTION[action]) }),
  },
];
