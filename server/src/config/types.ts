/**
 * The office configuration (sites, zones, rooms, devices, stations, groups, chains, users), as
 * read from the YAML/JSON file named by TRYGG_CONFIG. Validated by config-schema.ts, then
 * cross-checked by config-references.ts before anything starts.
 */
export type Role = 'employee' | 'responder' | 'security' | 'manager' | 'admin';

export interface ZoneConfig {
  id: string;
  name: string;
  /** Chain used for alarms raised in this zone; falls back to the site's defaultChain. */
  chain?: string;
}

export interface RoomConfig {
  id: string;
  name: string;
  zoneId: string;
  floor?: string;
}

export type DeviceType = 'panic-button' | 'portable';

export interface DeviceConfig {
  id: string;
  name?: string;
  type: DeviceType;
  /** Fixed devices sit in a room; portable alarms may omit it and carry a location. */
  roomId?: string;
  gatewayId: string;
}

export interface GatewayConfig {
  id: string;
  /** MQTT username of the gateway; unique across the whole configuration. */
  username: string;
  /** scrypt hash, see server/src/auth/password.ts (`npm run hash-password`). */
  passwordHash: string;
}

/** Broker account for MQTT devices of one site; `deviceIds` narrows which devices it may speak for. */
export interface DeviceAccountConfig {
  username: string;
  passwordHash: string;
  deviceIds?: string[];
}

export interface StationConfig {
  id: string;
  name: string;
  zoneId: string;
}

export interface GroupConfig {
  id: string;
  name?: string;
  stations?: string[];
  zones?: string[];
}

export type EscalationTarget =
  | { group: string }
  | { zone: string }
  | { station: string }
  /** Every console station of another (neighbouring) site. */
  | { site: string }
  /** Every console where a user of this site with at least this role is logged in. */
  | { role: Role }
  /** The consoles where this person is logged in. */
  | { person: string };

export type EscalationChannel = 'console';
export type UntilState = 'acknowledged' | 'responding' | 'resolved';

export interface EscalationStepConfig {
  /** Seconds to wait after the previous step notified someone; 0 for the first step. */
  afterSeconds: number;
  targets: EscalationTarget[];
  channels?: EscalationChannel[];
  /** The chain moves on to the next step unless the alarm reached this state in time. */
  until?: UntilState;
  /** Silence in the origin zone is the default; set true only where the room is not the danger. */
  includeOriginZone?: boolean;
}

export interface ChainConfig {
  id: string;
  name?: string;
  steps: EscalationStepConfig[];
}

export interface SiteConfig {
  id: string;
  name: string;
  address?: string;
  timezone?: string;
  zones: ZoneConfig[];
  rooms: RoomConfig[];
  gateways: GatewayConfig[];
  deviceAccounts?: DeviceAccountConfig[];
  devices: DeviceConfig[];
  stations: StationConfig[];
  groups: GroupConfig[];
  chains: ChainConfig[];
  defaultChain: string;
  /** Chain for technical alarms (device offline, low battery, ...); default: security contacts' consoles. */
  technicalChain?: string;
}

export interface UserConfig {
  username: string;
  name: string;
  role: Role;
  /** Site ids the user belongs to; `*` for all sites (admins). */
  sites: string[];
  passwordHash: string;
}

export interface BrokerConfig {
  /** Anonymous MQTT is off unless explicitly enabled for a demo (DESIGN.md "Security"). */
  allowAnonymous?: boolean;
}

export interface TryggConfig {
  version: 1;
  sites: SiteConfig[];
  users: UserConfig[];
  broker?: BrokerConfig;
}
