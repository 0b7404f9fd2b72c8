// Whether a device is online, from its last heartbeat and the supervision settings of its site
// (docs/supervision.md: a device is offline after `missedHeartbeats` intervals without a sign).
import type { DeviceStatus, SiteView } from '@trygg/protocol';

export const DEFAULT_HEARTBEAT_SECONDS: Record<string, number> = { 'panic-button': 300, portable: 120 };
export const DEFAULT_MISSED_HEARTBEATS = 2;
export const DEFAULT_LOW_BATTERY = 20;

export type DeviceHealth = 'online' | 'offline' | 'never-seen';

export function deviceHealth(device: DeviceStatus, site: SiteView | undefined, now: number): DeviceHealth {
  if (!device.lastSeenAt) return 'never-seen';
  const configured = site?.devices.find((d) => d.id === device.id);
  const interval = configured?.heartbeatSeconds
    ?? site?.supervision?.heartbeatSeconds?.[device.type as 'panic-button' | 'portable']
    ?? DEFAULT_HEARTBEAT_SECONDS[device.type] ?? 300;
  const missed = site?.supervision?.missedHeartbeats ?? DEFAULT_MISSED_HEARTBEATS;
  return now - Date.parse(device.lastSeenAt) <= interval * missed * 1000 ? 'online' : 'offline';
}

export function batteryLow(device: DeviceStatus, site: SiteView | undefined): boolean {
  return device.battery !== null && device.battery < (site?.supervision?.lowBatteryPercent ?? DEFAULT_LOW_BATTERY);
}
