import type { Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import type { OfficeDirectory } from '../config/office-directory';
import type { NotificationCenter } from './notification-center';
import { ArcLinkSupervisor } from './notifiers/sia-dc09/link-supervisor';

/**
 * Periodic DC-09 link tests (NULL messages) to every ARC receiver; a link that stays down is a
 * technical alarm for the sites whose chains use that ARC, cleared when it answers again.
 */
export function startArcLinkSupervision(center: NotificationCenter, alarms: AlarmService, directory: OfficeDirectory, clock: Clock, logger: Logger) {
  const sitesUsing = (target: string) => directory.allSites()
    .filter((s) => s.chains.some((c) => c.steps.some((st) => st.targets.some((t) => 'external' in t && t.external === target))))
    .map((s) => s.id);
  const supervisors = center.arcNotifiers().map((probe) => new ArcLinkSupervisor({
    probe, clock, logger,
    onLinkDown: (target, event) => {
      logger.error({ target, receiver: event.receiver, failures: event.failures, error: event.error }, 'ARC link down');
      for (const siteId of sitesUsing(target)) {
        void alarms.raise({
          siteId, kind: 'technical', dedupeKey: `arc-link-down:${target}:${event.receiver}`,
          detail: { technical: { cause: 'arc-link-down', subject: `${target} (${event.receiver})` }, note: event.error },
        }).catch((err: unknown) => logger.error({ err }, 'raising ARC link alarm failed'));
      }
    },
    onLinkUp: (target, event) => {
      logger.info({ target, receiver: event.receiver }, 'ARC link up');
      for (const siteId of sitesUsing(target)) {
        void alarms.clearByKey(siteId, `arc-link-down:${target}:${event.receiver}`).catch((err: unknown) => logger.error({ err }, 'clearing ARC link alarm failed'));
      }
    },
  }));
  for (const s of supervisors) s.start();
  return { stop: async () => { for (const s of supervisors) await s.stop(); } };
}
