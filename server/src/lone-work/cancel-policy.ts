import type { CancelDecision } from '../alarm/device-event-handler';
import type { DeviceConfig, SiteConfig } from '../config/types';

export interface DevicePins {
  cancel?: string;
  duress?: string;
}

/** A device's own PIN hashes win over the site's. */
export function pinsFor(site: SiteConfig | undefined, device: DeviceConfig): DevicePins {
  return { cancel: device.cancelPinHash ?? site?.cancelPinHash, duress: device.duressPinHash ?? site?.duressPinHash };
}

/**
 * How a cancel typed on a device is taken, for open alarms and man-down pre-alarms alike:
 * - the duress PIN: `duress` (safety rule "covert duress": looks cancelled, the alarm goes on);
 * - with a cancel PIN configured: only that PIN cancels, anything else is `ignore`d;
 * - without one: a cancel with no PIN cancels, but a PIN that matches nothing is `ignore`d
 *   (a mistyped duress PIN must never cancel for real).
 * No PINs configured: every cancel cancels, as before lone work.
 */
export function decideCancel(pin: string | undefined, pins: DevicePins, verify: (pin: string, hash: string) => boolean): CancelDecision {
  if (pin !== undefined && pins.duress !== undefined && verify(pin, pins.duress)) return 'duress';
  if (pins.cancel !== undefined) return pin !== undefined && verify(pin, pins.cancel) ? 'cancel' : 'ignore';
  if (pin !== undefined && pins.duress !== undefined) return 'ignore';
  return 'cancel';
}
