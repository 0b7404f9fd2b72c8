import { EVACUATION_PLACEHOLDERS, type SiteConfig, type TryggConfig } from './types';

/**
 * Cross-reference checks run after the schema passed: every id a config names must exist, and
 * ids must be unique where they are looked up. Problems come back as `path: message`.
 */
export function checkConfigReferences(config: TryggConfig): string[] {
  const problems: string[] = [];
  const siteIds = new Set<string>();
  const stationSites = new Map<string, string>();
  const brokerUsernames = new Map<string, string>();

  const claimUsername = (username: string, path: string) => {
    const earlier = brokerUsernames.get(username);
    if (earlier) problems.push(`${path}: MQTT username "${username}" is already used at ${earlier}`);
    else brokerUsernames.set(username, path);
  };

  config.sites.forEach((site, s) => {
    const at = `sites.${s}`;
    if (siteIds.has(site.id)) problems.push(`${at}.id: duplicate site "${site.id}"`);
    siteIds.add(site.id);
    problems.push(...checkSite(site, at, config));
    // Consoles announce a bare station id, so station ids must be unique across all sites.
    site.stations.forEach((st, i) => {
      const other = stationSites.get(st.id);
      if (other && other !== site.id) problems.push(`${at}.stations.${i}.id: station "${st.id}" is already defined in site "${other}"`);
      else stationSites.set(st.id, site.id);
    });
    site.gateways.forEach((g, i) => claimUsername(g.username, `${at}.gateways.${i}.username`));
    site.deviceAccounts?.forEach((a, i) => claimUsername(a.username, `${at}.deviceAccounts.${i}.username`));
  });

  const notifierIds = new Set<string>();
  (config.notifiers ?? []).forEach((n, i) => {
    if (notifierIds.has(n.id)) problems.push(`notifiers.${i}.id: duplicate notifier "${n.id}"`);
    notifierIds.add(n.id);
  });
  const usernames = new Set<string>();
  config.users.forEach((user, u) => {
    if (usernames.has(user.username)) problems.push(`users.${u}.username: duplicate user "${user.username}"`);
    usernames.add(user.username);
    user.sites.forEach((siteId, i) => {
      if (siteId !== '*' && !siteIds.has(siteId)) problems.push(`users.${u}.sites.${i}: unknown site "${siteId}"`);
    });
  });
  return problems;
}

function idsOf(list: { id: string }[], path: string, what: string, problems: string[]): Set<string> {
  const ids = new Set<string>();
  list.forEach((item, i) => {
    if (ids.has(item.id)) problems.push(`${path}.${i}.id: duplicate ${what} "${item.id}"`);
    ids.add(item.id);
  });
  return ids;
}

function checkSite(site: SiteConfig, at: string, config: TryggConfig): string[] {
  const problems: string[] = [];
  const zones = idsOf(site.zones, `${at}.zones`, 'zone', problems);
  const rooms = idsOf(site.rooms, `${at}.rooms`, 'room', problems);
  const gateways = idsOf(site.gateways, `${at}.gateways`, 'gateway', problems);
  const devices = idsOf(site.devices, `${at}.devices`, 'device', problems);
  const stations = idsOf(site.stations, `${at}.stations`, 'station', problems);
  const groups = idsOf(site.groups, `${at}.groups`, 'group', problems);
  const chains = idsOf(site.chains, `${at}.chains`, 'chain', problems);
  const ref = (set: Set<string>, value: string | undefined, path: string, what: string) => {
    if (value !== undefined && !set.has(value)) problems.push(`${path}: unknown ${what} "${value}"`);
  };

  ref(chains, site.defaultChain, `${at}.defaultChain`, 'chain');
  ref(chains, site.technicalChain, `${at}.technicalChain`, 'chain');
  ref(chains, site.meetings?.chain, `${at}.meetings.chain`, 'chain');
  const allSites = new Set(config.sites.map((s) => s.id));
  const notifierIds = new Set((config.notifiers ?? []).map((n) => n.id));
  site.noRespondersOnSite?.neighbours.forEach((n, i) => {
    ref(allSites, n, `${at}.noRespondersOnSite.neighbours.${i}`, 'site');
    if (n === site.id) problems.push(`${at}.noRespondersOnSite.neighbours.${i}: a site cannot be its own neighbour`);
  });
  site.noRespondersOnSite?.external?.forEach((n, i) => ref(notifierIds, n, `${at}.noRespondersOnSite.external.${i}`, 'notifier'));
  site.zones.forEach((z, i) => ref(chains, z.chain, `${at}.zones.${i}.chain`, 'chain'));
  site.rooms.forEach((r, i) => ref(zones, r.zoneId, `${at}.rooms.${i}.zoneId`, 'zone'));
  site.devices.forEach((d, i) => {
    ref(rooms, d.roomId, `${at}.devices.${i}.roomId`, 'room');
    ref(gateways, d.gatewayId, `${at}.devices.${i}.gatewayId`, 'gateway');
    // A fixed button without a room could never be routed: refuse rather than guess.
    if (d.type === 'panic-button' && !d.roomId) problems.push(`${at}.devices.${i}.roomId: a panic-button needs a room`);
    // A relay that empties the building is fixed in place; a portable alarm must never do it.
    if (d.triggersEvacuation && d.type !== 'panic-button') problems.push(`${at}.devices.${i}.triggersEvacuation: only a fixed device (panic-button type) can trigger an evacuation`);
    // One address or name on one gateway means one device: a press must never go to the wrong room.
    for (const field of ['serialAddress', 'zigbeeFriendlyName'] as const) {
      const value = d[field];
      const other = value === undefined ? -1 : site.devices.findIndex((o, j) => j < i && o.gatewayId === d.gatewayId && o[field] === value);
      if (other >= 0) problems.push(`${at}.devices.${i}.${field}: "${value}" is also devices.${other} on gateway ${d.gatewayId}`);
    }
    const kinds = new Set(site.gateways.find((g) => g.id === d.gatewayId)?.transports?.map((t) => t.kind) ?? []);
    if (d.serialAddress !== undefined && !kinds.has('serial')) problems.push(`${at}.devices.${i}.serialAddress: gateway ${d.gatewayId} has no serial transport`);
    if ((d.zigbeeFriendlyName ?? d.zigbeeModel) !== undefined && !kinds.has('zigbee2mqtt')) problems.push(`${at}.devices.${i}.zigbeeFriendlyName: gateway ${d.gatewayId} has no zigbee2mqtt transport`);
    // Safety rule "covert duress": the same PIN for both would make every cancel a silent duress.
    const cancelPin = d.cancelPinHash ?? site.cancelPinHash;
    if (cancelPin !== undefined && cancelPin === (d.duressPinHash ?? site.duressPinHash)) {
      problems.push(`${at}.devices.${i}: cancel and duress PIN hashes are the same`);
    }
  });
  site.deviceAccounts?.forEach((a, i) =>
    a.deviceIds?.forEach((d, j) => ref(devices, d, `${at}.deviceAccounts.${i}.deviceIds.${j}`, 'device')),
  );
  site.stations.forEach((st, i) => {
    ref(zones, st.zoneId, `${at}.stations.${i}.zoneId`, 'zone');
    ref(rooms, st.roomId, `${at}.stations.${i}.roomId`, 'room');
    // Every armed console has the discreet panic button (Ctrl+Alt+P), so every station can raise a
    // panic alarm; without its room that alarm would say "unknown room" to those who must come (issue 12).
    if (!st.roomId) problems.push(`${at}.stations.${i}.roomId: station "${st.id}" has the discreet panic button, so it needs the room it stands in`);
  });
  problems.push(...checkEvacuationTemplates(site, at));
  site.actionCards?.forEach((card, i) => ref(rooms, card.roomId, `${at}.actionCards.${i}.roomId`, 'room'));
  idsOf(site.actionCards ?? [], `${at}.actionCards`, 'action card', problems);
  site.groups.forEach((g, i) => {
    g.stations?.forEach((st, j) => ref(stations, st, `${at}.groups.${i}.stations.${j}`, 'station'));
    g.zones?.forEach((z, j) => ref(zones, z, `${at}.groups.${i}.zones.${j}`, 'zone'));
    if (!g.stations?.length && !g.zones?.length) problems.push(`${at}.groups.${i}: a group needs stations or zones`);
  });
  const siteIds = new Set(config.sites.map((s) => s.id));
  site.chains.forEach((chain, c) =>
    chain.steps.forEach((step, k) =>
      step.targets.forEach((t, j) => {
        const path = `${at}.chains.${c}.steps.${k}.targets.${j}`;
        if ('group' in t) ref(groups, t.group, `${path}.group`, 'group');
        else if ('zone' in t) ref(zones, t.zone, `${path}.zone`, 'zone');
        else if ('station' in t) ref(stations, t.station, `${path}.station`, 'station');
        else if ('external' in t) ref(new Set((config.notifiers ?? []).map((n) => n.id)), t.external, `${path}.external`, 'notifier');
        else if ('person' in t) ref(new Set(config.users.map((u) => u.username)), t.person, `${path}.person`, 'user');
        else if ('site' in t) {
          ref(siteIds, t.site, `${path}.site`, 'site');
          if (t.site === site.id) problems.push(`${path}.site: a chain cannot name its own site as a neighbour`);
          else problems.push(...neighbourAgreed(config, site, t.site, `${path}.site`));
        }
      }),
    ),
  );
  site.noRespondersOnSite?.neighbours.forEach((n, i) => {
    const path = `${at}.noRespondersOnSite.neighbours.${i}`;
    ref(siteIds, n, path, 'site');
    if (n === site.id) problems.push(`${path}: a site cannot be its own neighbour`);
    else problems.push(...neighbourAgreed(config, site, n, path));
  });
  site.neighbourAgreements?.forEach((n, i) => {
    ref(siteIds, n, `${at}.neighbourAgreements.${i}`, 'site');
    if (n === site.id) problems.push(`${at}.neighbourAgreements.${i}: a site cannot agree with itself`);
  });
  return problems;
}

/** Another site's consoles only by agreement of both sites (each lists the other in neighbourAgreements). */
function neighbourAgreed(config: TryggConfig, site: SiteConfig, neighbourId: string, path: string): string[] {
  const neighbour = config.sites.find((s) => s.id === neighbourId);
  if (!neighbour) return []; // reported as an unknown site
  const missing = [
    ...(site.neighbourAgreements?.includes(neighbourId) ? [] : [`"${site.id}" does not list "${neighbourId}"`]),
    ...(neighbour.neighbourAgreements?.includes(site.id) ? [] : [`"${neighbourId}" does not list "${site.id}"`]),
  ];
  return missing.length === 0 ? [] : [`${path}: no neighbour agreement between "${site.id}" and "${neighbourId}" (${missing.join(', ')} in neighbourAgreements)`];
}

/** A misspelt `{assemblyPoint}` would reach every phone as literal braces: refuse it at load. */
function checkEvacuationTemplates(site: SiteConfig, at: string): string[] {
  const problems: string[] = [];
  const known = new Set<string>(EVACUATION_PLACEHOLDERS);
  for (const [name, text] of Object.entries(site.evacuation?.templates ?? {})) {
    for (const lang of ['nb', 'en'] as const) {
      for (const m of (text?.[lang] ?? '').matchAll(/\{([^{}]*)\}/g)) {
        if (!known.has(m[1]!)) problems.push(`${at}.evacuation.templates.${name}.${lang}: unknown placeholder "{${m[1]}}" (${EVACUATION_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
      }
    }
  }
  return problems;
}
