import {
  TRYGG_PANIC_REPORT,
  decodePanicLedReport,
  encodePanicButtonReport,
  type PanicLedPattern,
} from '@trygg/protocol';
import type { HidButtonDevice } from './hid-report-stream';

/**
 * The Trygg reference USB panic button (`trygg-panic-v1`) as the device sees itself: it sends
 * vendor-defined input reports and shows the LED pattern of the last output report it got.
 */
export class SimulatedHidPanicButton implements HidButtonDevice {
  readonly model = 'trygg-panic-v1';
  readonly vendorId = 0x1209;
  readonly productId = 0x0001;
  readonly usagePage = TRYGG_PANIC_REPORT.usagePage;
  readonly usage = TRYGG_PANIC_REPORT.usage;
  led: PanicLedPattern = 'off';
  /** Output reports the firmware could not read; it ignores them, as the real one must. */
  ignoredOutputReports = 0;

  report(pressed: boolean): Uint8Array {
    return encodePanicButtonReport({ pressed });
  }

  /** What the firmware does with an output report from the host. */
  receiveOutputReport(report: Uint8Array): void {
    const decoded = decodePanicLedReport(report);
    if (decoded.ok) this.led = decoded.value;
    else this.ignoredOutputReports++;
  }
}
