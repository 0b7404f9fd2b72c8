import type { Alarm, StepNotification, StepResolution } from '../alarm/alarm-types';
import type { OfficeDirectory } from '../config/office-directory';
import { PERSON_CHANNELS, type EscalationStepConfig, type EscalationTarget, type Role, type UserConfig } from '../config/types';
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
  if (!step) return { stations: [], online: [], notifications: [] };
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
  return { stations: list, online: list.filter((id) => presence.isOnline(id)), notifications: stepNotifications(directory, alarm, step) };
}

/** People on their phone or mail (the step's non-console channels) and external parties. */
function stepNotifications(directory: OfficeDirectory, alarm: Alarm, step: EscalationStepConfig): StepNotification[] {
  const notifiers = directory.config.notifiers ?? [];
  const out: StepNotification[] = [];
  const seen = new Set<string>();
  const add = (n: StepNotification) => {
    const key = `${n.channel}:${n.target}:${n.recipient.id}`;
    if (seen.has(key)) return;
    out.push(n);
    seen.add(key);
  };
  const channels = (step.channels ?? ['console']).filter((c): c is (typeof PERSON_CHANNELS)[number] => c !== 'console');
  const people = new Map<string, UserConfig>();
  for (const t of step.targets) {
    if ('person' in t) {
      const u = directory.user(t.person);
      if (u) people.set(u.username, u);
    } else if ('role' in t) {
      const role: Role = t.role;
      for (const u of directory.config.users) if (hasRole(u, role) && directory.userMayAccessSite(u, alarm.siteId)) people.set(u.username, u);
    } else if ('external' in t) {
      const notifier = notifiers.find((n) => n.id === t.external);
      // Safety rule "drills never reach the police".
      if (!notifier || (alarm.drill && notifier.party === 'police')) continue;
      add({ channel: notifier.channel, target: notifier.id, external: true, recipient: { id: `party:${notifier.id}`, ...notifier.to } });
    }
  }
  for (const channel of channels) {
    // People's phones and mail go through a provider, never through a party's own channel.
    const notifier = notifiers.find((n) => n.channel === channel && !n.party);
    if (!notifier) continue;
    for (const u of people.values()) {
      const address = channel === 'email' ? u.email : u.phone;
      if (!address) continue;
      add({ channel, target: notifier.id, external: false, recipient: { id: `user:${u.username}`, name: u.name, phone: u.phone, email: u.email, language: u.language } });
    }
  }
  return out;
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
  if ('external' in target) return [];
  if ('zone' in target) return site.stations.filter((s) => s.zoneId === target.zone).map((s) => s.id);
  if ('site' in target) return directory.site(target.site)?.stations.map((s) => s.id) ?? [];
  const group = site.groups.find((g) => g.id === target.group);
  if (!group) return [];
  const zones = new Set(group.zones ?? []);
  return [...(group.stations ?? []), ...site.stations.filter((s) => zones.has(s.zoneId)).map((s) => s.id)];
}
