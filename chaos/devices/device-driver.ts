import type { Transport } from '../options';
import type { PressRecord } from '../press-record';

/**
 * One kind of simulated device as the press load sees it: `press` starts a press and fills in
 * the record as the device learns what became of it; `waiting` counts presses the device is
 * still trying to hand over (the run settles only when these are done or given up).
 */
export interface DeviceDriver {
  readonly transport: Transport;
  press(record: PressRecord): void;
  waiting(): number;
  /** Free-form counters for the report (retransmissions, link drops ...). */
  figures(): Record<string, number | string>;
  close(): Promise<void>;
}
