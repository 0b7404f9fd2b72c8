import type { Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import type { OfficeDirectory } from '../config/office-directory';
import type { NotificationCenter } from './notification-center';
import { ArcLinkSupervisor } from './notifiers/sia-dc09/link-supervisor';
import type { SiaDc09Notifier } from './notifiers/sia-dc09/sia-dc09-notifier';

/**
 * Periodic DC-09 link tests (NULL messages) to every ARC receiver; a link that stays down is a
 * technical alarm for the sites whose chains use that ARC, cleared when it answers again.
 * Supervisors follow configuration changes: a rebuilt ARC notifier gets a new one.
 */
export function startArcLinkSupervision(center: NotificationCenter, alarms: AlarmService, directory: OfficeDirectory, clock: Clock, logger: Logger) {
  const sitesUsing = (target: string) => directory.allSites()
    .filter((s) => s.chains.some((c) => c.steps.some((st) => st.targets.some((t) => 'external' in t && t.external === target))))
    .map((s) => s.id);
  const supervise = (probe: SiaDc09Notifier) => new ArcLinkSupervisor({
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
  });
  // One supervisor per ARC notifier; a configuration change that rebuilds one replaces its supervisor.
  const supervisors = new Map<SiaDc09Notifier, ArcLinkSupervisor>();
  let stopped = false;
  const follow = async () => {
    const current = new Set(center.arcNotifiers());
    for (const [probe, supervisor] of supervisors) {
      if (current.has(probe)) continue;
      supervisors.delete(probe);
      await supervisor.stop();
    }
    if (stopped) return;
    for (const probe of current) {
      if (supervisors.has(probe)) continue;
      const supervisor = supervise(probe);
      supervisors.set(probe, supervisor);
      supervisor.start();
    }
  };
  void follow();
  center.onNotifiersChanged(() => {
    follow().catch((err: unknown) => logger.error({ err }, 'following ARC notifier changes failed'));
  });
  return {
    stop: async () => {
      stopped = true;
      for (const s of supervisors.values()) await s.stop();
      supervisors.clear();
    },
  };
}
