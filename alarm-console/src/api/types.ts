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
  /** A responder marked arrival (ISO time). */
  onSceneAt?: string;
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
  /** To the station whose panic button raised the alarm only (docs/protocol.md). */
  | { type: 'panic-feedback'; alarmId: string; action: 'received' | 'help-coming' | 'resolved' | 'cancelled' }
  | { type: 'error'; code: string; message: string }
  | { type: 'evacuation'; evacuation: ConsoleEvacuation }
  | { type: 'evacuation-ended'; id: string }
  | { type: 'roll-call'; evacuationId: string; counts: RollCallCounts }
  | { type: 'pong' };

export type ClientMessage =
  | { type: 'hello'; stationId: string }
  | { type: 'acknowledge' | 'respond' | 'on-scene'; alarmId: string }
  | { type: 'resolve'; alarmId: string; outcome: ResolveOutcome }
  | { type: 'panic' }
  | { type: 'safe'; evacuationId: string }
  | { type: 'receiving'; sound: boolean }
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

/** An enrolled station PC's credential (server/src/stations/): never the secret, which only the PC's cookie holds. */
export interface StationCredential {
  id: string;
  siteId: string;
  stationId: string;
  stationName?: string;
  label?: string;
  createdAt: number;
  createdBy: string;
  lastContactAt?: number;
  revokedAt?: number;
  revokedBy?: string;
  connected: boolean;
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

/** An account locked after failed logins (GET /api/v1/login-lockouts). */
export interface LoginLockout {
  username: string;
  /** False: a name that is no user (someone guessing). */
  knownUser: boolean;
  failures: number;
  lockedUntil: string;
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

/** A message sent beyond the consoles for an alarm (guards, police, people's phones) and how it went. */
export interface SentItem {
  channel: string;
  target: string;
  party: 'guards' | 'police' | 'other' | null;
  purpose: string;
  recipient: string;
  state: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  updatedAt: string;
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

export type Actor = { type: 'user'; username: string; name: string; stationId?: string } | { type: 'station'; stationId: string; name: string } | { type: 'device'; deviceId: string } | { type: 'system' };

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
  /** Just after a server start: its stations are still reconnecting (not "nobody" yet). */
  connecting?: boolean;
}

// ---- safety work: incidents, risk register, drills, meetings, banned clients, evacuation -------
// (server/src/incidents, server/src/risk, server/src/safety-work, server/src/evacuation)

/** Texts of the report's catalogue: Nynorsk as the report writes them, with English. */
export interface NnEn { nn: string; en: string }
export type IncidentStatus = 'new' | 'reviewed' | 'closed';
export type FollowUpStatus = 'open' | 'in-progress' | 'done';
export type RiskLevel = 'red' | 'yellow' | 'green';

export interface IncidentCatalogue {
  categories: { id: string; group: 'threats' | 'violence'; name: NnEn; riskEventId: string | null }[];
  consequenceScale: { value: number; name: NnEn }[];
  causeFactors: { id: string; name: NnEn; triggerLikelihood?: number }[];
}

export interface FollowUpAction { id?: string; text: string | null; owner: string | null; due: string | null; status: FollowUpStatus }

/** A line of a list or the review queue: no narrative, names or case number. */
export interface IncidentSummary {
  id: string;
  siteId: string;
  source: 'alarm' | 'manual';
  status: IncidentStatus;
  occurredAt: string;
  roomId: string | null;
  roomName: string | null;
  category: string | null;
  categoryName: NnEn | null;
  consequence: number | null;
  reportedToPolice: { reported: boolean };
  alarmId: string | null;
  openActions: number;
  overdueActions: number;
  createdAt: string;
  reviewedAt: string | null;
  closedAt: string | null;
  erasedAt: string | null;
}

export interface IncidentAlarmPart {
  id: string;
  kind: string;
  outcome: string;
  deviceId?: string;
  raisedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  secondsToAcknowledge?: number;
  responders: { username?: string; name?: string; at: string }[];
  timeline: { seq: number; at: string; type: string; actor?: { type: string; username?: string; name?: string; deviceId?: string }; outcome?: string; step?: number }[];
  person?: string;
  address?: string;
}

export interface Incident extends Omit<IncidentSummary, 'reportedToPolice' | 'alarmId' | 'openActions' | 'overdueActions'> {
  consequenceName: NnEn | null;
  causeFactors: string[];
  reportedToPolice: { reported: boolean; caseNumber: string | null };
  narrative: string | null;
  reporter: { username: string; name: string | null } | null;
  involved: string[];
  alarm: IncidentAlarmPart | null;
  actions: FollowUpAction[];
  reviewedBy: string | null;
  reviewNote: string | null;
  closedBy: string | null;
}

export interface IncidentInput {
  occurredAt?: string;
  roomId?: string | null;
  category?: string;
  consequence?: number;
  causeFactors?: string[];
  reportedToPolice?: { reported: boolean; caseNumber: string | null };
  narrative?: string | null;
  involved?: string[];
  actions?: FollowUpAction[];
}

export type MeasureStatus = 'proposed' | 'planned' | 'in-progress' | 'done' | 'rejected';
export interface RiskMeasure {
  id: string;
  eventIds: string[];
  kind: 'preventive' | 'damage-limiting';
  templateId?: string;
  text: NnEn;
  owner?: string;
  status: MeasureStatus;
  due?: string;
}

export interface RiskEvent {
  id: string;
  group: 'threats' | 'violence';
  name: NnEn;
  likelihood: number;
  consequence: number;
  level: RiskLevel;
  source: 'report' | 'site';
  report: { likelihood: number; consequence: number; level: RiskLevel; word: string };
  edit?: { note?: string; updatedBy: string; updatedAt: string };
  observed: { count12m: number; likelihood: number; level: RiskLevel; differs: boolean };
  measures: RiskMeasure[];
  needsMeasures: boolean;
}

export interface RiskRegister {
  siteId: string;
  asOf: string;
  rule: { description: NnEn; levels: Record<RiskLevel, NnEn>; matrix: RiskLevel[][]; observed: { description: NnEn } };
  events: RiskEvent[];
  observedUnmapped12m: number;
}

export interface RiskCatalogue {
  measures: { id: string; kind: 'preventive' | 'damage-limiting'; text: NnEn }[];
  likelihoodScale: { value: number; name: NnEn }[];
  consequenceScale: { value: number; name: NnEn }[];
}

export type DrillKind = 'panic' | 'personal' | 'man-down' | 'no-checkin';
export interface Drill {
  id: string;
  siteId: string;
  roomId?: string;
  kind: DrillKind;
  state: 'planned' | 'running' | 'finished' | 'cancelled';
  note?: string;
  plannedAt?: string;
  startedAt?: string;
  endsAt?: string;
  durationMinutes: number;
  endedAt?: string;
  endedBy?: string;
  createdBy: string;
  alarmIds: string[];
}

export interface ResponseSummary {
  secondsToFirstNotification: number | null;
  secondsToAcknowledge: number | null;
  secondsToResponding: number | null;
  secondsToOnScene: number | null;
  secondsToClose: number | null;
  responders: number;
}
export type SummaryMetric = Exclude<keyof ResponseSummary, 'responders'>;

export interface DrillAlarmTimes {
  alarmId: string;
  kind: string;
  roomId?: string;
  state: string;
  raisedAt: string;
  steps: { step: number; at: string; seconds: number; stations: string[]; online: string[]; external: string[]; skipped?: string; repeat?: number }[];
  acknowledged?: { at: string; seconds: number; by: string };
  responders: { username: string; name: string; at: string; seconds: number }[];
  onScene?: { at: string; seconds: number; by: string };
  closed?: { at: string; seconds: number; how: 'resolved' | 'cancelled'; outcome?: string; by: string };
}

export interface DrillReport {
  drill: Drill;
  alarms: DrillAlarmTimes[];
  summary: ResponseSummary;
  respondedBy: string[];
  comparison: {
    earlier: { drillId: string; startedAt: string; summary: ResponseSummary }[];
    average: Record<SummaryMetric, number | null>;
    difference: Record<SummaryMetric, number | null>;
  };
}

export interface Durations { count: number; median: number | null; mean: number | null; max: number | null }
export interface MonthStatistics {
  month: string;
  alarms: number;
  byKind: Record<string, number>;
  secondsToAcknowledge: Durations;
  secondsToResponding: Durations;
  onScene: number;
  secondsToOnScene: Durations;
  falseAlarms: number;
  falseAlarmRate: number | null;
  drillAlarms: number;
  /** Not drills, but resolved as "test or drill"; like drills, in no time or rate. */
  testAlarms: number;
  deviceTests: { devices: number; tested: number; coverage: number | null } | null;
}

export type MeetingReason = 'assessed-dangerous' | 'earlier-threats-or-violence' | 'difficult-decision' | 'banned-client-appointment' | 'other';
export interface Meeting {
  id: string;
  siteId: string;
  roomId: string;
  roomName: string;
  owner: string;
  reason: MeetingReason;
  state: 'planned' | 'active' | 'missed' | 'closed';
  from: string;
  to: string;
  closedAt?: string;
  closedBy?: string;
  missedAt?: string;
  alarmId?: string;
  standby?: Bilingual;
}
export interface MeetingChecklist { source: string; items: ({ id: string } & Bilingual)[] }

export interface BannedClientEntry {
  id: string;
  name: string;
  birthYear?: number;
  birthDate?: string;
  sites: string[];
  decision: { date: string; decidedBy: string; legalBasis: string };
  from: string;
  to: string;
}
export type BannedClientInput = Omit<BannedClientEntry, 'id'>;
export interface BannedCheckResult { match: boolean; appliesHere: boolean; until?: string; notice: Bilingual }
export interface BannedAuditEntry {
  id: number;
  at: string;
  username: string;
  role: string;
  siteId?: string;
  action: string;
  reason?: string;
  entryId?: string;
  matched?: boolean;
  appliesHere?: boolean;
}

/** An evacuation as a console shows it (the `evacuation` message). */
export interface ConsoleEvacuation {
  id: string;
  siteId: string;
  drill: boolean;
  startedAt: string;
  banner: Bilingual;
  assemblyPoint: Bilingual;
  state: 'running' | 'ended';
  safe?: boolean;
}
export type RollCallState = 'safe' | 'needs-help' | 'unanswered' | 'unreached';
export interface RollCallCounts { total: number; safe: number; needsHelp: number; unanswered: number; unreached: number }
export interface Evacuation {
  id: string;
  siteId: string;
  drill: boolean;
  state: 'running' | 'ended';
  trigger: string;
  startedAt: string;
  startedBy: string;
  message?: string;
  alarmId?: string;
  assemblyPoint: Bilingual;
  banner: Bilingual;
  endedAt?: string;
  endedBy?: string;
}
export interface RollCall {
  evacuation: Evacuation;
  people: { username: string; name: string; state: RollCallState; safeAt?: string; needsHelpAt?: string; via?: string; channels: { channel: string; state: string; detail?: string }[] }[];
  parties: { target: string; channel: string; state: string }[];
  counts: RollCallCounts;
}
