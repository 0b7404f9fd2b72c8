import type {
  ActionCard, Chain, Device, DeviceType, EscalationChannel, EscalationStep, EscalationTarget as ProtocolEscalationTarget, Group, Role as ProtocolRole, Room,
  StationConfig as ProtocolStationConfig, UntilState, Zone,
} from '@trygg/protocol';

/**
 * The office configuration (sites, zones, rooms, devices, stations, groups, chains, users), as
 * read from the YAML/JSON file named by TRYGG_CONFIG. Validated by config-schema.ts, then
 * cross-checked by config-references.ts before anything starts.
 */
export type Role = ProtocolRole;

/** A zone; `chain` is used for alarms raised in it, falling back to the site's defaultChain. */
export type ZoneConfig = Zone;

/** A room; `position` is where it is on its floor's plan, in percent of the image (0-100). */
export type RoomConfig = Room;

export type { DeviceType };

/**
 * A device as the REST API shows it (protocol/src/api/site.ts: fixed devices sit in a room,
 * portable ones carry a location; `triggersEvacuation` makes a press start an evacuation), with
 * the PINs typed on the device with a cancel (docs/lone-work.md), which override the site's.
 */
export type DeviceConfig = Device & {
  cancelPinHash?: string;
  duressPinHash?: string;
};

/** Lone work per site (docs/lone-work.md); every field has a default. */
export interface LoneWorkConfig {
  /** Window to cancel a man-down on the device before it becomes an alarm; default 30. */
  manDownPreAlarmSeconds?: number;
  /** Reminder this long before a check-in timer runs out (0: none); default 5. */
  checkinReminderMinutes?: number;
  /** Longest check-in timer from now; default 12. */
  maxVisitHours?: number;
}

export interface GatewayConfig {
  id: string;
  /**
   * Device transports besides MQTT (which every gateway runs): serial receivers, USB HID, a
   * Zigbee2MQTT broker. Settings per kind in docs/serial-protocol.md, docs/hid-devices.md,
   * docs/zigbee2mqtt.md; checked by the gateway when it starts.
   */
  transports?: ({ kind: 'serial' | 'hid' | 'zigbee2mqtt' } & Record<string, unknown>)[];
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

/** A console station; `roomId` is the room it stands in: its own panic button raises the alarm from there. */
export type StationConfig = ProtocolStationConfig;

export type GroupConfig = Group;

/** group, zone, station; `site` (a neighbour's consoles), `role`, `person`, `external` (a configured notifier). */
export type EscalationTarget = ProtocolEscalationTarget;

/** `console` pops up on consoles; the others reach the people a step names on their phone or mail. */
export type { EscalationChannel };
export const PERSON_CHANNELS = ['sms', 'voice', 'email'] as const;
export type { UntilState };

/** A chain's step (protocol/src/api/site.ts says what each field does). */
export type EscalationStepConfig = EscalationStep;

/**
 * "Every alarm ends owned or loudly escalated" (site `escalation`, all fields have defaults):
 * after the chain's last step the site's security contacts and managers are told on every
 * channel, again every `repeatSeconds` until someone acknowledges; an acknowledged alarm nobody
 * marks "on scene" within `onSceneSeconds` is escalated the same way.
 */
export interface EscalationPolicyConfig {
  /** Wait after the chain's last step before the loud step; default 60. */
  loudAfterSeconds?: number;
  /** Default 60. */
  repeatSeconds?: number;
  /** Default 180; 0 turns the on-scene check off. */
  onSceneSeconds?: number;
}

export type ChainConfig = Chain;

export interface SiteConfig {
  id: string;
  name: string;
  address?: string;
  /** Which door responders and police should use ("hovudinngang frå Storgata"). */
  entrance?: string;
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
  escalation?: EscalationPolicyConfig;
  /** Meetings with elevated risk: the faster chain their room uses during the window. */
  meetings?: { chain?: string; graceMinutes?: number };
  /** Incident reports: personal fields are erased this many days after the report (default 1825). */
  incidents?: { retentionDays?: number };
  /** How long this site's personal data is kept (privacy by default; defaults in retention/retention-policy.ts, docs/security.md). */
  retention?: RetentionConfig;
  /**
   * Small-office profile: nobody on site can respond, so every chain starts, at once, with these
   * neighbouring sites' consoles and these external parties (e.g. the guards).
   */
  noRespondersOnSite?: { neighbours: string[]; external?: string[] };
  /**
   * Neighbour agreements: the sites this site agrees to exchange alarms with. A chain of site A
   * may target site B's consoles (`{ site: B }`, `noRespondersOnSite.neighbours`) only when A
   * lists B and B lists A: each office decides whether another office's alarms pop up on its
   * consoles, and each sees the agreement in its own configuration.
   */
  neighbourAgreements?: string[];
  /** Floor plan images (a path under the console or a data: URL) by floor. */
  floorPlans?: { floor: string; image: string }[];
  /** Tiltakskort: what to do for each kind of alarm, shown in the pop-up. */
  actionCards?: ActionCardConfig[];
  /** PINs for device cancels of every device of the site, unless the device has its own. */
  cancelPinHash?: string;
  duressPinHash?: string;
  loneWork?: LoneWorkConfig;
  /** Supervision of this site, field by field over the top-level `supervision`. */
  supervision?: SupervisionConfig;
  /** Evacuation messages of this site (docs/evacuation.md). */
  evacuation?: EvacuationConfig;
}

/** Text in bokmål and English. */
export interface Bilingual {
  nb: string;
  en: string;
}

/**
 * UMS-style evacuation of a site. Templates may use `{site}`, `{address}`, `{assemblyPoint}` and
 * `{message}` (the free text given when the evacuation is started); the defaults are in
 * evacuation/evacuation-templates.ts. "ØVELSE / DRILL" and the reply instruction are added by Trygg.
 */
export const EVACUATION_PLACEHOLDERS = ['site', 'address', 'assemblyPoint', 'message'] as const;

export interface EvacuationConfig {
  /** Where everyone gathers ("Parkeringsplassen bak bygget"). */
  assemblyPoint: Bilingual;
  templates?: {
    /** Read out in the voice call (standard phone message). */
    phone?: Bilingual;
    sms?: Bilingual;
    /** The banner on every console of the site. */
    banner?: Bilingual;
    /** The instruction at the top of the e-mail. */
    email?: Bilingual;
  };
}

/** Device and gateway supervision (docs/supervision.md); every field has a default. */
export interface SupervisionConfig {
  /** Expected heartbeat interval per device type; defaults panic-button 300, portable 120. */
  heartbeatSeconds?: Partial<Record<DeviceType, number>>;
  /** Debounce: a device is offline after this many heartbeat intervals without a sign; default 2. */
  missedHeartbeats?: number;
  /** Battery below this raises a low-battery alarm (cleared at +5); default 20. */
  lowBatteryPercent?: number;
  /** A gateway that went away (MQTT last will) may come back within this; default 60. */
  gatewayGraceSeconds?: number;
  /** A device not self-tested for this long is overdue; default 30. */
  testPeriodDays?: number;
  /** Default length of a device's test mode; default 15. */
  testModeMinutes?: number;
}

/** An action card (tiltakskort) for one alarm kind at a site, optionally one room. */
export type ActionCardConfig = ActionCard;

export interface UserConfig {
  username: string;
  name: string;
  phone?: string;
  email?: string;
  language?: 'nb' | 'en';
  role: Role;
  /** Site ids the user belongs to; `*` for all sites (admins). */
  sites: string[];
  passwordHash: string;
}

export interface BrokerConfig {
  /** Anonymous MQTT is off unless explicitly enabled for a demo (docs/security.md). */
  allowAnonymous?: boolean;
  /** PUBLISH per device account (embedded broker); default 2000/s, burst 4000; perSecond 0 = off. */
  devicePublishLimit?: { perSecond: number; burst: number };
}

/**
 * An outbound channel instance: the guards' ARC, an SMS provider, a police webhook ... Chains
 * name it with `{ external: id }`; person channels (sms, voice, email) use the first notifier of
 * that channel without a `party`. `settings` are the channel's own (validated when the notifier is built); secrets
 * are written as `${env:NAME}` and read from the environment.
 */
export interface NotifierConfig {
  id: string;
  channel: string;
  /** `police` is never sent a drill; `guards` get test codes for drills. */
  party?: 'guards' | 'police' | 'other';
  /** Where an external party is reached on channels that need an address (SMS/voice to a fixed number). */
  to?: { phone?: string; email?: string; name?: string };
  settings?: Record<string, unknown>;
}

export interface TryggConfig {
  version: 1;
  sites: SiteConfig[];
  users: UserConfig[];
  notifiers?: NotifierConfig[];
  /** Default for every site's `incidents`. */
  incidents?: { retentionDays?: number };
  broker?: BrokerConfig;
  /** Supervision defaults for every site (a site may override). */
  supervision?: SupervisionConfig;
}

/**
 * Retention per kind of data, per site. A daily job (server/src/retention/) deletes or erases
 * what is older; open alarms, running evacuations and open visits are never touched.
 */
export interface RetentionConfig {
  /** Closed alarms with their timeline, routes and device events, by close time. */
  alarmsDays?: number;
  /** Positions (latitude/longitude/room of a portable alarm) on a closed alarm, by close time. */
  positionsHours?: number;
  /** Device events (presses, heartbeats ...) not part of a kept alarm, by receive time. */
  deviceEventsDays?: number;
  /** Sent notifications: phone numbers, e-mail addresses, texts, delivery attempts. */
  notificationsDays?: number;
  /** Ended evacuations with their roll call. */
  evacuationsDays?: number;
  /** Finished check-in visits (lone work) with their log. */
  visitsDays?: number;
  /** Who read or changed which incident report (the incident reports' audit log). */
  auditDays?: number;
}
