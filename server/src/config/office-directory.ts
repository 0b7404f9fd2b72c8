import type { ChainConfig, DeviceConfig, GatewayConfig, RoomConfig, SiteConfig, StationConfig, TryggConfig, UserConfig, ZoneConfig } from './types';

/**
 * One site's lookups by id. Ingest asks for a device on every entry of every heartbeat batch, so
 * these are maps (constant time), not walks of the site's lists; the first of a duplicated id
 * wins, as `find` did.
 */
interface SiteIndex {
  devices: Map<string, DeviceConfig>;
  rooms: Map<string, RoomConfig>;
  zones: Map<string, ZoneConfig>;
  chains: Map<string, ChainConfig>;
  gateways: Map<string, GatewayConfig>;
}

function byId<T extends { id: string }>(items: readonly T[] | undefined): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items ?? []) if (!map.has(item.id)) map.set(item.id, item);
  return map;
}

/** Technical alarms go to the people who look after the office, never as a panic pop-up to all. */
export const DEFAULT_TECHNICAL_CHAIN: ChainConfig = {
  id: 'technical-default',
  steps: [{ afterSeconds: 0, targets: [{ role: 'security' }], until: 'acknowledged', includeOriginZone: true }],
};

/**
 * Lookups over a validated configuration: the answers to "which site, room, zone, station is
 * this?" that ingest, routing and the API ask on every alarm. One instance is shared by every
 * part of the server; `replace` swaps in an edited configuration without a restart (the maps are
 * rebuilt first and swapped in one step, so a lookup never sees half of each).
 */
export class OfficeDirectory {
  private sites = new Map<string, SiteConfig>();
  private siteIndex = new Map<string, SiteIndex>();
  private stationsById = new Map<string, { site: SiteConfig; station: StationConfig }>();
  private users = new Map<string, UserConfig>();
  private current!: TryggConfig;
  private raw!: TryggConfig;
  private readonly listeners: ((config: TryggConfig) => void)[] = [];

  /**
   * `overlay` adjusts what the server runs with without storing it (the demo's
   * TRYGG_DEMO_ARC / TRYGG_DEMO_FAST): edits and exports see the configuration without it.
   */
  constructor(config: TryggConfig, private readonly overlay: (c: TryggConfig) => TryggConfig = (c) => c) {
    this.index(config);
  }

  /** The configuration in effect (with the overlay). */
  get config(): TryggConfig {
    return this.current;
  }

  /** The stored configuration, as edited and exported. */
  get rawConfig(): TryggConfig {
    return this.raw;
  }

  /** Applies an already validated configuration and tells the listeners (broker accounts ...). */
  replace(config: TryggConfig): void {
    this.index(config);
    for (const listener of this.listeners) listener(config);
  }

  onReplace(listener: (config: TryggConfig) => void): void {
    this.listeners.push(listener);
  }

  private index(stored: TryggConfig): void {
    this.raw = stored;
    const config = this.overlay(structuredClone(stored));
    const sites = new Map<string, SiteConfig>();
    const stationsById = new Map<string, { site: SiteConfig; station: StationConfig }>();
    const users = new Map<string, UserConfig>();
    const siteIndex = new Map<string, SiteIndex>();
    for (const site of config.sites) {
      sites.set(site.id, site);
      siteIndex.set(site.id, {
        devices: byId(site.devices), rooms: byId(site.rooms), zones: byId(site.zones), chains: byId(site.chains), gateways: byId(site.gateways),
      });
      // Station ids are what a console announces; they are looked up across sites.
      for (const station of site.stations) {
        if (!stationsById.has(station.id)) stationsById.set(station.id, { site, station });
      }
    }
    for (const user of config.users) users.set(user.username, user);
    this.sites = sites;
    this.siteIndex = siteIndex;
    this.stationsById = stationsById;
    this.users = users;
    this.current = config;
  }

  site(siteId: string): SiteConfig | undefined {
    return this.sites.get(siteId);
  }

  allSites(): SiteConfig[] {
    return this.config.sites;
  }

  device(siteId: string, deviceId: string): DeviceConfig | undefined {
    return this.siteIndex.get(siteId)?.devices.get(deviceId);
  }

  gateway(siteId: string, gatewayId: string): GatewayConfig | undefined {
    return this.siteIndex.get(siteId)?.gateways.get(gatewayId);
  }

  /** A chain of the site by id (an alarm's chosen chain, a meeting's override). */
  chain(siteId: string, chainId: string): ChainConfig | undefined {
    return this.siteIndex.get(siteId)?.chains.get(chainId);
  }

  room(siteId: string, roomId: string | undefined): RoomConfig | undefined {
    return roomId === undefined ? undefined : this.siteIndex.get(siteId)?.rooms.get(roomId);
  }

  zone(siteId: string, zoneId: string): ZoneConfig | undefined {
    return this.siteIndex.get(siteId)?.zones.get(zoneId);
  }

  station(stationId: string): { site: SiteConfig; station: StationConfig } | undefined {
    return this.stationsById.get(stationId);
  }

  user(username: string): UserConfig | undefined {
    return this.users.get(username);
  }

  /** The chain for an alarm from this zone: the zone's own, else the site's default. */
  chainFor(siteId: string, zoneId: string | undefined): ChainConfig {
    const site = this.site(siteId);
    if (!site) throw new Error(`unknown site ${siteId}`);
    const zoneChain = zoneId ? this.zone(siteId, zoneId)?.chain : undefined;
    const chainId = zoneChain ?? site.defaultChain;
    const chain = this.chain(siteId, chainId);
    if (!chain) throw new Error(`unknown chain ${chainId}`);
    return chain;
  }

  /** The chain for technical alarms: the site's own, else security contacts and above. */
  technicalChainFor(siteId: string): ChainConfig {
    const site = this.site(siteId);
    const chain = site?.technicalChain ? this.chain(siteId, site.technicalChain) : undefined;
    return chain ?? DEFAULT_TECHNICAL_CHAIN;
  }

  userMayAccessSite(user: UserConfig, siteId: string): boolean {
    return user.sites.includes('*') || user.sites.includes(siteId);
  }
}
