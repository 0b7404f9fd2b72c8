import type { DeviceEvent } from '@trygg/protocol';
import type { DeviceConfig } from '../config/types';

export type CancelDecision = 'cancel' | 'duress' | 'ignore';

/**
 * Features that react to device events beyond "a press raises an alarm" (supervision, self-test,
 * lone work) plug in here instead of growing the alarm service. `claimPress` and
 * `isDuressCancel` run inside the store transaction that records the event, so they must be
 * synchronous and fast; `afterStored` runs once per new (deduplicated) event after the commit.
 */
export interface DeviceEventHandler {
  readonly name: string;
  /** True claims the press as a self-test: recorded, never an alarm. */
  claimPress?(event: DeviceEvent, device: DeviceConfig): boolean;
  /** True when a cancel was made with the duress PIN: it looks cancelled on the device only. */
  isDuressCancel?(event: DeviceEvent, device: DeviceConfig): boolean;
  /**
   * How a device `cancel` of an open alarm is taken (preferred over `isDuressCancel`): `cancel`,
   * `duress` (covert: the device is told "cancelled", the alarm goes on), or `ignore` (a wrong
   * PIN: the event is recorded, the alarm is untouched).
   */
  cancelDecision?(event: DeviceEvent, device: DeviceConfig): CancelDecision;
  afterStored?(event: DeviceEvent, device: DeviceConfig, outcome: { alarmId?: string; claimed: boolean }): Promise<void>;
}
