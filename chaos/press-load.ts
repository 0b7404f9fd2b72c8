import type { DeviceDriver } from './devices/device-driver';
import type { DevicePlan } from './office-config';
import type { Transport } from './options';
import type { PressRecord } from './press-record';

/**
 * A steady stream of presses, round robin over the transports, each from a device that has not
 * pressed before (so every alarm belongs to exactly one press). Runs until stopped or until a
 * transport runs out of fresh devices (then the others go on).
 */
export class PressLoad {
  readonly presses: PressRecord[] = [];
  private readonly next: Record<string, number> = {};
  private timer: NodeJS.Timeout | null = null;
  private turn = 0;
  exhausted = new Set<Transport>();

  constructor(private readonly drivers: readonly DeviceDriver[], private readonly plan: DevicePlan) {}

  /** One press on the next transport; returns the record, or undefined when every device is used. */
  pressOnce(transport?: Transport): PressRecord | undefined {
    const candidates = this.drivers.filter((d) => !this.exhausted.has(d.transport) && (transport === undefined || d.transport === transport));
    if (candidates.length === 0) return undefined;
    const driver = candidates[this.turn++ % candidates.length]!;
    const index = this.next[driver.transport] ?? 0;
    const deviceId = this.plan[driver.transport][index];
    if (deviceId === undefined) {
      this.exhausted.add(driver.transport);
      return this.pressOnce(transport);
    }
    this.next[driver.transport] = index + 1;
    const record: PressRecord = { deviceId, transport: driver.transport, pressedAt: Date.now() };
    this.presses.push(record);
    driver.press(record);
    return record;
  }

  start(perSecond: number): void {
    const period = 1000 / perSecond;
    const started = Date.now();
    let sent = 0;
    // Paced against the clock, so a busy event loop catches up instead of drifting.
    const tick = () => {
      const due = Math.floor((Date.now() - started) / period) + 1;
      while (sent < due) {
        sent++;
        if (!this.pressOnce()) return;
      }
      this.timer = setTimeout(tick, Math.max(10, started + sent * period - Date.now()));
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
