// Shapes the console receives from the server. They mirror protocol/src/console-messages.ts and
// the REST routes in server/src/routes/api/ (docs/protocol.md, "Console WebSocket"); they are
// written out here rather than imported so the browser build pulls in no server-side code.

export type AlarmKind = 'panic' | 'personal' | 'man-down' | 'no-checkin' | 'evacuation' | 'technical';
export type AlarmStateName = 'raised' | 'acknowledged' | 'responding' | 'resolved' | 'cancelled';
export type ResolveOutcome = 'real' | 'false' | 'test';
export type Role = 'employee' | 'responder' | 'security' | 'manager' | 'admin';
export type Language = 'nb' | 'en';
export type Bilingual = { nb: string; en: string };

export interface DeviceLocation {
  roomId?: string;
  lat?: number;
  lon?: number;
  accuracyM?: number;
}

export interface ConsoleActionCard {
  title: Bilingual | string;
  steps: { nb: string[]; en: string[] } | string[];
  callsPolice?: Bilingual | string;
  address?: string;
  entrance?: string;
}

export interface ConsoleAlarm {
  id: string;
  siteId: string;
  kind: AlarmKind | string;
  state: AlarmStateName;
  drill: boolean;
  deviceId?: string;
  roomId?: string;
  roomName?: string;
  floor?: string;
  zoneId?: string;
  raisedAt: string;
  updatedAt: string;
  pressCount: number;
  responders: string[];
  acknowledgedBy?: string;
  duress?: boolean;
  location?: DeviceLocation;
  technical?: { cause: string; subject: string };
  address?: string;
  person?: string;
  actionCard?: ConsoleActionCard;
}

export type ServerMessage =
  | { type: 'welcome'; stationId: string; siteId: string; user: string; openAlarms: number }
  | { type: 'popup'; alarm: ConsoleAlarm }
  | { type: 'update'; alarm: ConsoleAlarm }
  | { type: 'clear'; alarmId: string; state: AlarmStateName }
  | { type: 'panic-ack'; alarmId: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong' };

export type ClientMessage =
  | { type: 'hello'; stationId: string }
  | { type: 'acknowledge' | 'respond'; alarmId: string }
  | { type: 'resolve'; alarmId: string; outcome: ResolveOutcome }
  | { type: 'panic' }
  | { type: 'ping' };

export interface User {
  username: string;
  name: string;
  role: Role;
  sites: string[];
}

export interface Station {
  id: string;
  name: string;
  siteId: string;
  zoneId: string;
}

// ---- configuration (server/src/config/types.ts) ----------------------------------------------

export interface ZoneConfig { id: string; name: string; chain?: string }
export interface RoomConfig { id: string; name: string; zoneId: string; floor?: string; position?: { x: number; y: number } }
export interface DeviceConfig {
  id: string; name?: string; type: 'panic-button' | 'portable'; roomId?: string; gatewayId: string;
  person?: string; heartbeatSeconds?: number;
}
export interface StationConfig { id: string; name: string; zoneId: string; roomId?: string }
export interface GroupConfig { id: string; name?: string; stations?: string[]; zones?: string[] }
export type TargetKind = 'group' | 'zone' | 'station' | 'site' | 'role' | 'person' | 'external';
export type EscalationTarget = Partial<Record<TargetKind, string>>;
export type Channel = 'console' | 'sms' | 'voice' | 'email';
export type UntilState = 'acknowledged' | 'responding' | 'resolved';
export interface EscalationStep {
  afterSeconds: number;
  targets: EscalationTarget[];
  channels?: Channel[];
  until?: UntilState;
  includeOriginZone?: boolean;
}
export interface ChainConfig { id: string; name?: string; steps: EscalationStep[] }
export interface ActionCardConfig {
  id: string;
  kind: AlarmKind;
  roomId?: string;
  title: Bilingual;
  steps: { nb: string[]; en: string[] };
  callsPolice?: Bilingual;
}
export interface GatewayView { id: string; username: string }

export interface SiteView {
  id: string;
  name: string;
  address?: string;
  entrance?: string;
  timezone?: string;
  defaultChain: string;
  technicalChain?: string;
  zones: ZoneConfig[];
  rooms: RoomConfig[];
  devices: DeviceConfig[];
  stations: StationConfig[];
  groups: GroupConfig[];
  chains: ChainConfig[];
  gateways: GatewayView[];
  floorPlans?: { floor: string; image: string }[];
  actionCards?: ActionCardConfig[];
  supervision?: { heartbeatSeconds?: Partial<Record<'panic-button' | 'portable', number>>; missedHeartbeats?: number; lowBatteryPercent?: number };
}

export interface UserView {
  username: string;
  name: string;
  role: Role;
  sites: string[];
  phone?: string;
  email?: string;
  language?: Language;
}

export interface ConfigVersion {
  version: number;
  at: number | string;
  actor: string;
  note: string;
}

// ---- live status, history, coverage -----------------------------------------------------------

export interface DeviceStatus {
  id: string;
  siteId: string;
  name?: string;
  type: string;
  roomId?: string;
  gatewayId: string;
  lastSeenAt: string | null;
  battery: number | null;
}

export interface AlarmResource extends ConsoleAlarm {
  acknowledgedAt?: string;
  closedAt?: string;
  outcome?: string;
  chainId?: string;
  escalationStep?: number;
  nextStepDueAt?: string | null;
  routedStations?: string[];
}

export type Actor = { type: 'user'; username: string; name: string; stationId?: string } | { type: 'device'; deviceId: string } | { type: 'system' };

export interface TimelineEvent {
  seq: number;
  type: string;
  at: string;
  actor?: Actor;
  outcome?: string;
  step?: number;
  stations?: string[];
  online?: string[];
  reason?: string;
  reachedNobody?: boolean;
  target?: string;
  error?: string;
  notifications?: { target?: string; channel?: string; to?: string }[];
}

export interface CoverageRoom {
  siteId: string;
  roomId: string;
  roomName: string;
  reachableStations: string[];
  respondersOnline: number;
  reachesNobody: boolean;
}
