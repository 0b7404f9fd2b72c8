import type { StepResolution, Alarm } from '../alarm/alarm-types';
import type { OfficeDirectory } from '../config/office-directory';
import type { EscalationTarget, Role, UserConfig } from '../config/types';
import { hasRole } from '../auth/sessions';

/** What the router needs to know about who is online right now. */
export interface Presence {
  isOnline(stationId: string): boolean;
  /** Stations with a console where a user matching `who` is logged in. */
  stationsWithUser(who: (user: UserConfig) => boolean): string[];
}

/**
 * Router: which console stations a chain step reaches. Targets are expanded against the live
 * configuration (group membership may change; the chain itself is the alarm's snapshot).
 */
export function resolveStepTargets(
  directory: OfficeDirectory,
  alarm: Alarm,
  stepIndex: number,
  presence: Presence,
): StepResolution {
  const step = alarm.chain.steps[stepIndex];
  if (!step) return { stations: [], online: [] };
  const stations = new Set<string>();
  for (const target of step.targets) for (const id of expandTarget(directory, alarm.siteId, target, presence)) stations.add(id);

  // Safety rule "silent in the origin room": no console in the alarm's own zone shows or sounds
  // it unless the step explicitly includes the origin zone.
  if (!step.includeOriginZone && alarm.zoneId) {
    for (const id of [...stations]) {
      const found = directory.station(id);
      if (found && found.site.id === alarm.siteId && found.station.zoneId === alarm.zoneId) stations.delete(id);
    }
  }
  const list = [...stations].sort();
  return { stations: list, online: list.filter((id) => presence.isOnline(id)) };
}

function expandTarget(directory: OfficeDirectory, siteId: string, target: EscalationTarget, presence: Presence): string[] {
  const site = directory.site(siteId);
  if (!site) return [];
  if ('station' in target) return [target.station];
  // People, not places: only consoles where such a person is logged in right now.
  if ('role' in target) {
    const role: Role = target.role;
    return presence.stationsWithUser((u) => hasRole(u, role) && directory.userMayAccessSite(u, siteId));
  }
  if ('person' in target) return presence.stationsWithUser((u) => u.username === target.person);
  if ('zone' in target) return site.stations.filter((s) => s.zoneId === target.zone).map((s) => s.id);
  if ('site' in target) return directory.site(target.site)?.stations.map((s) => s.id) ?? [];
  const group = site.groups.find((g) => g.id === target.group);
  if (!group) return [];
  const zones = new Set(group.zones ?? []);
  return [...(group.stations ?? []), ...site.stations.filter((s) => zones.has(s.zoneId)).map((s) => s.id)];
}
