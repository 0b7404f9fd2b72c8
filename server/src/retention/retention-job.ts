import type { Logger } from 'pino';
import type { OfficeDirectory } from '../config/office-directory';
import type { EvacuationStore } from '../evacuation/evacuation-store';
import type { IncidentsDb } from '../incidents/incidents-db';
import type { LoneWorkStore } from '../lone-work/lone-work-store';
import type { SqliteNotificationStore } from '../notify/sqlite-notification-store';
import type { Store } from '../store/store';
import { cutoffs, retentionOf } from './retention-policy';

/** The stores that hold personal data (incident reports erase their own personal fields, incidents/; here only their audit log). */
export interface RetentionStores {
  store: Store;
  notifications: SqliteNotificationStore;
  evacuations: EvacuationStore;
  loneWork: LoneWorkStore;
  incidents: IncidentsDb;
}

export interface SiteRetentionResult {
  positionsErased: number;
  alarmsPurged: number;
  deviceEventsPurged: number;
  evacuationsPurged: number;
  visitPositionsErased: number;
  visitsPurged: number;
  incidentAuditPurged: number;
}

export interface RetentionResult {
  sites: Record<string, SiteRetentionResult>;
  notificationsPurged: number;
}

/**
 * One pass of the retention rules at `now`, site by site (each site's `retention`, defaults in
 * retention-policy.ts). Open alarms, running evacuations, open visits and notifications still
 * being delivered are never touched. Notifications do not record their site: those of purged
 * alarms go with them, and every other finished one after the shortest `notificationsDays` of
 * all sites (the strictest site wins).
 */
export async function runRetention(stores: RetentionStores, directory: OfficeDirectory, now: number, logger: Logger): Promise<RetentionResult> {
  const result: RetentionResult = { sites: {}, notificationsPurged: 0 };
  const openAlarmIds = (await stores.store.listAlarms({ state: 'open', limit: 1000 })).map((a) => a.id);
  let notificationsBefore = -Infinity;
  for (const site of directory.allSites()) {
    const at = cutoffs(retentionOf(site), now);
    notificationsBefore = Math.max(notificationsBefore, at.notifications);
    const purgedAlarms = await stores.store.purgeClosedAlarms(site.id, at.alarms);
    if (purgedAlarms.length > 0) result.notificationsPurged += stores.notifications.purgeFinished({ alarmIds: purgedAlarms });
    const counts: SiteRetentionResult = {
      alarmsPurged: purgedAlarms.length,
      positionsErased: await stores.store.eraseAlarmPositions(site.id, at.positions),
      deviceEventsPurged: await stores.store.purgeDeviceEvents(site.id, at.deviceEvents),
      evacuationsPurged: stores.evacuations.purgeEnded(site.id, at.evacuations),
      visitPositionsErased: stores.loneWork.eraseVisitPositions(site.id, at.positions, openAlarmIds),
      visitsPurged: stores.loneWork.purgeVisits(site.id, at.visits, openAlarmIds),
      incidentAuditPurged: stores.incidents.pruneAudit(site.id, at.audit),
    };
    result.sites[site.id] = counts;
    if (Object.values(counts).some((n) => n > 0)) logger.info({ siteId: site.id, ...counts }, 'retention: personal data past its period deleted or erased');
  }
  if (Number.isFinite(notificationsBefore)) {
    const purged = stores.notifications.purgeFinished({ updatedBefore: notificationsBefore });
    result.notificationsPurged += purged;
    if (purged > 0) logger.info({ notificationsPurged: purged }, 'retention: finished notifications past their period deleted');
  }
  return result;
}
