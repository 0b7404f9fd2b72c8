import type { RetentionConfig, SiteConfig } from '../config/types';

/**
 * How long each kind of personal data is kept when a site's `retention` names nothing. Privacy by
 * default: short where nothing needs the data afterwards (a lone worker's position once the
 * alarm is closed), longer where follow-up does (an alarm's timeline for the incident review,
 * the yearly drill and evacuation statistics). docs/security.md, "Privacy and retention".
 */
export const RETENTION_DEFAULTS: Required<RetentionConfig> = {
  alarmsDays: 365,
  positionsHours: 24,
  deviceEventsDays: 90,
  notificationsDays: 90,
  evacuationsDays: 365,
  visitsDays: 90,
  auditDays: 730,
};

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The site's retention with the defaults filled in. */
export function retentionOf(site: Pick<SiteConfig, 'retention'> | undefined): Required<RetentionConfig> {
  return { ...RETENTION_DEFAULTS, ...(site?.retention ?? {}) };
}

/** The cut-off times at `now`: data older than these goes. */
export function cutoffs(policy: Required<RetentionConfig>, now: number) {
  return {
    alarms: now - policy.alarmsDays * DAY_MS,
    positions: now - policy.positionsHours * HOUR_MS,
    deviceEvents: now - policy.deviceEventsDays * DAY_MS,
    notifications: now - policy.notificationsDays * DAY_MS,
    evacuations: now - policy.evacuationsDays * DAY_MS,
    visits: now - policy.visitsDays * DAY_MS,
    audit: now - policy.auditDays * DAY_MS,
  };
}
