import { BATTERY_HYSTERESIS_PERCENT } from './supervision-settings';

export type BatteryVerdict = 'low' | 'recovered' | null;

/**
 * Low battery with hysteresis: low below the threshold, recovered only at threshold + 5, so a
 * reading that wobbles around the threshold does not raise and clear an alarm every heartbeat.
 */
export class BatteryWatch {
  private readonly low: Set<string>;

  constructor(initiallyLow: Iterable<string> = []) {
    this.low = new Set(initiallyLow);
  }

  /** A battery reading (heartbeat or event); returns a change, or null. */
  reading(key: string, percent: number, thresholdPercent: number): BatteryVerdict {
    if (!this.low.has(key) && percent < thresholdPercent) {
      this.low.add(key);
      return 'low';
    }
    if (this.low.has(key) && percent >= thresholdPercent + BATTERY_HYSTERESIS_PERCENT) {
      this.low.delete(key);
      return 'recovered';
    }
    return null;
  }

  /** The device itself reported low battery (event kind `low-battery`). */
  reported(key: string): void {
    this.low.add(key);
  }

  isLow(key: string): boolean {
    return this.low.has(key);
  }
}
