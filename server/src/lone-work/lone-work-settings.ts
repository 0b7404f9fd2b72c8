import type { DeviceConfig, LoneWorkConfig, SiteConfig } from '../config/types';

export const LONE_WORK_DEFAULTS: Required<LoneWorkConfig> = { manDownPreAlarmSeconds: 30, checkinReminderMinutes: 5, maxVisitHours: 12 };

/** The site's lone-work settings with defaults filled in; read at each use, so a config edit applies at once. */
export function loneWorkSettings(site: SiteConfig | undefined): Required<LoneWorkConfig> {
  return { ...LONE_WORK_DEFAULTS, ...site?.loneWork };
}

/** Who to name on a lone-work alarm from this device. */
export function personFor(device: DeviceConfig): string {
  return device.person ?? device.name ?? device.id;
}
