import type { StepResolution, Alarm } from '../alarm/alarm-types';
import type { OfficeDirectory } from '../config/office-directory';
import type { EscalationTarget } from '../config/types';

/**
 * Router: which console stations a chain step reaches. Targets are expanded against the live
 * configuration (group membership may change; the chain itself is the alarm's snapshot).
 */
export function resolveStepTargets(
  directory: OfficeDirectory,
  alarm: Alarm,
  stepIndex: number,
  isOnline: (stationId: string) => boolean,
): StepResolution {
  const step = alarm.chain.steps[stepIndex];
  if (!step) return { stations: [], online: [] };
  const stations = new Set<string>();
  for (const target of step.targets) for (const id of expandTarget(directory, alarm.siteId, target)) stations.add(id);

  // Safety rule "silent in the origin room": no console in the alarm's own zone shows or sounds
  // it unless the step explicitly includes the origin zone.
  if (!step.includeOriginZone && alarm.zoneId) {
    for (const id of [...stations]) {
      const found = directory.station(id);
      if (found && found.site.id === alarm.siteId && found.station.zoneId === alarm.zoneId) stations.delete(id);
    }
  }
  const list = [...stations].sort();
  return { stations: list, online: list.filter(isOnline) };
}

function expandTarget(directory: OfficeDirectory, siteId: string, target: EscalationTarget): string[] {
  const site = directory.site(siteId);
  if (!site) return [];
  if ('station' in target) return [target.station];
  if ('zone' in target) return site.stations.filter((s) => s.zoneId === target.zone).map((s) => s.id);
  if ('site' in target) return directory.site(target.site)?.stations.map((s) => s.id) ?? [];
  const group = site.groups.find((g) => g.id === target.group);
  if (!group) return [];
  const zones = new Set(group.zones ?? []);
  return [...(group.stations ?? []), ...site.stations.filter((s) => zones.has(s.zoneId)).map((s) => s.id)];
}
