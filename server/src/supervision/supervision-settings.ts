import type { DeviceConfig, DeviceType, SiteConfig, SupervisionConfig, TryggConfig } from '../config/types';

/** The supervision settings of one site with every default filled in. */
export interface SiteSupervision {
  heartbeatSeconds: Record<DeviceType, number>;
  missedHeartbeats: number;
  lowBatteryPercent: number;
  gatewayGraceSeconds: number;
  testPeriodDays: number;
  testModeMinutes: number;
}

/** Defaults (docs/supervision.md). A lost heartbeat alone never alarms: `missedHeartbeats` is 2. */
export const SUPERVISION_DEFAULTS: SiteSupervision = {
  heartbeatSeconds: { 'panic-button': 300, portable: 120 },
  missedHeartbeats: 2,
  lowBatteryPercent: 20,
  gatewayGraceSeconds: 60,
  testPeriodDays: 30,
  testModeMinutes: 15,
};

/** A low-battery alarm clears only this many percent above the threshold, so it does not flap. */
export const BATTERY_HYSTERESIS_PERCENT = 5;

function merge(base: SiteSupervision, over: SupervisionConfig | undefined): SiteSupervision {
  if (!over) return base;
  return {
    heartbeatSeconds: { ...base.heartbeatSeconds, ...over.heartbeatSeconds },
    missedHeartbeats: over.missedHeartbeats ?? base.missedHeartbeats,
    lowBatteryPercent: over.lowBatteryPercent ?? base.lowBatteryPercent,
    gatewayGraceSeconds: over.gatewayGraceSeconds ?? base.gatewayGraceSeconds,
    testPeriodDays: over.testPeriodDays ?? base.testPeriodDays,
    testModeMinutes: over.testModeMinutes ?? base.testModeMinutes,
  };
}

/** Defaults <- top-level `supervision` <- the site's own `supervision`. */
export function siteSupervision(config: TryggConfig, site: SiteConfig): SiteSupervision {
  return merge(merge(SUPERVISION_DEFAULTS, config.supervision), site.supervision);
}

/** A device's own `heartbeatSeconds` wins over its type's. */
export function deviceHeartbeatMs(settings: SiteSupervision, device: DeviceConfig): number {
  return (device.heartbeatSeconds ?? settings.heartbeatSeconds[device.type]) * 1000;
}
