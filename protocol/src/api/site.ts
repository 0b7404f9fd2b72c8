import { Type, type Static } from 'typebox';
import { ALARM_KINDS } from '../messages/alarm-state';
import { Bilingual, Role } from './common';

/**
 * A site as the REST API shows it (`GET /api/v1/sites`, the configuration pages): the layout of
 * the configuration file without any password or PIN hash. The answers are closed objects, so
 * a secret that slipped into one breaks the route's contract instead of leaving the server.
 */
const closed = { additionalProperties: false } as const;
export const Zone = Type.Object({
  id: Type.String(), name: Type.String(),
  chain: Type.Optional(Type.String({ description: 'Chain used for alarms raised in this zone; falls back to the site\'s defaultChain' })),
}, closed);
export type Zone = Static<typeof Zone>;
export const Room = Type.Object({
  id: Type.String(), name: Type.String(), zoneId: Type.String(), floor: Type.Optional(Type.String()),
  position: Type.Optional(Type.Object({ x: Type.Number(), y: Type.Number() }, { ...closed, description: 'Where the room is on its floor\'s plan, in percent of the image (0-100)' })),
}, closed);
export type Room = Static<typeof Room>;
export const DEVICE_TYPES = ['panic-button', 'portable'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export const Device = Type.Object({
  id: Type.String(), name: Type.Optional(Type.String()), type: Type.Enum(DEVICE_TYPES),
  roomId: Type.Optional(Type.String({ description: 'Fixed devices sit in a room; portable alarms may omit it and carry a location' })),
  gatewayId: Type.String(),
  heartbeatSeconds: Type.Optional(Type.Integer({ description: 'Supervision: expected heartbeat interval of this device, overriding its type\'s (docs/supervision.md)' })),
  person: Type.Optional(Type.String({ description: 'Lone work: who carries this portable alarm (shown with its man-down and check-in alarms)' })),
  triggersEvacuation: Type.Optional(Type.Boolean({ description: 'A fire panel relay (or any input that means "everyone out"): its press starts an evacuation of the site instead of raising a panic alarm (docs/evacuation.md). Fixed devices only' })),
  // Transport binding, set in the device form: how the device's gateway knows it (docs/protocol.md "Device directory").
  serialAddress: Type.Optional(Type.String({ description: 'The id its serial receiver sends on the line, when not the device id' })),
  zigbeeFriendlyName: Type.Optional(Type.String({ description: 'The device in Zigbee2MQTT' })),
  zigbeeModel: Type.Optional(Type.String({ description: 'Zigbee2MQTT model id, which picks the converter' })),
  hidVendorId: Type.Optional(Type.String({ description: 'USB vendor id of a HID button, 4 hex digits; always with hidProductId' })),
  hidProductId: Type.Optional(Type.String({ description: 'USB product id of a HID button, 4 hex digits' })),
  hidModel: Type.Optional(Type.String({ description: 'A gateway HID model; absent: the model sold with these ids, else generic-keyboard-button' })),
  hidSerialNumber: Type.Optional(Type.String({ description: 'Tells apart several HID devices with the same ids' })),
}, closed);
export type Device = Static<typeof Device>;
export const StationConfig = Type.Object({
  id: Type.String(), name: Type.String(), zoneId: Type.String(),
  roomId: Type.Optional(Type.String({ description: 'The room the console stands in: its own panic button raises the alarm from there' })),
}, closed);
export type StationConfig = Static<typeof StationConfig>;
export const Group = Type.Object({
  id: Type.String(), name: Type.Optional(Type.String()), stations: Type.Optional(Type.Array(Type.String())), zones: Type.Optional(Type.Array(Type.String())),
}, closed);
export type Group = Static<typeof Group>;
export const TARGET_KINDS = ['group', 'zone', 'station', 'site', 'role', 'person', 'external'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
export const EscalationTarget = Type.Union([
  Type.Object({ group: Type.String() }, closed), Type.Object({ zone: Type.String() }, closed), Type.Object({ station: Type.String() }, closed),
  Type.Object({ site: Type.String() }, { ...closed, description: 'Every console station of another (neighbouring) site' }),
  Type.Object({ role: Role }, { ...closed, description: 'Every console where a user of this site with at least this role is logged in' }),
  Type.Object({ person: Type.String() }, { ...closed, description: 'The consoles where this person is logged in (and their phone/e-mail on the step\'s channels)' }),
  Type.Object({ external: Type.String() }, { ...closed, description: 'An external party: a configured notifier (guards\' ARC, police, webhook ...)' }),
]);
export type EscalationTarget = Static<typeof EscalationTarget>;
export const CHANNELS = ['console', 'sms', 'voice', 'email'] as const;
export type EscalationChannel = (typeof CHANNELS)[number];
export const UNTIL_STATES = ['acknowledged', 'responding', 'resolved'] as const;
export type UntilState = (typeof UNTIL_STATES)[number];
export const EscalationStep = Type.Object({
  afterSeconds: Type.Number({ description: 'Seconds to wait after the previous step notified someone; 0 for the first step' }),
  targets: Type.Array(EscalationTarget),
  channels: Type.Optional(Type.Array(Type.Enum(CHANNELS), { description: '`console` pops up on consoles; the others reach the people the step names on their phone or mail' })),
  until: Type.Optional(Type.Enum(UNTIL_STATES, { description: 'The chain moves on to the next step unless the alarm reached this state in time' })),
  includeOriginZone: Type.Optional(Type.Boolean({ description: 'Silence in the origin zone is the default; set true only where the room is not the danger' })),
  repeatSeconds: Type.Optional(Type.Number({ description: 'Fire this step again every so many seconds until `until` is reached (the loud last step)' })),
}, closed);
export type EscalationStep = Static<typeof EscalationStep>;
export const Chain = Type.Object({ id: Type.String(), name: Type.Optional(Type.String()), steps: Type.Array(EscalationStep) }, closed);
export type Chain = Static<typeof Chain>;
export const ActionCard = Type.Object({
  id: Type.String(), kind: Type.Enum(ALARM_KINDS), roomId: Type.Optional(Type.String()), title: Bilingual,
  steps: Type.Object({ nb: Type.Array(Type.String()), en: Type.Array(Type.String()) }, closed),
  callsPolice: Type.Optional(Type.Object({ nb: Type.String(), en: Type.String() }, { ...closed, description: 'Who calls the police, e.g. "Den som kjem først ringjer 112"' })),
}, closed);
export type ActionCard = Static<typeof ActionCard>;
/** A gateway without its password hash; its transports' settings are those of each transport (docs). */
export const GatewayView = Type.Object({
  id: Type.String(), username: Type.String(),
  transports: Type.Optional(Type.Array(Type.Object({ kind: Type.String() }, { additionalProperties: true }))),
}, closed);
export type GatewayView = Static<typeof GatewayView>;
export const DeviceAccountView = Type.Object({ username: Type.String(), deviceIds: Type.Optional(Type.Array(Type.String())) }, closed);
const Seconds = Type.Optional(Type.Integer());
export const SupervisionSettings = Type.Object({
  heartbeatSeconds: Type.Optional(Type.Object({ 'panic-button': Seconds, portable: Seconds }, closed)),
  missedHeartbeats: Seconds, lowBatteryPercent: Seconds, gatewayGraceSeconds: Seconds, testPeriodDays: Seconds, testModeMinutes: Seconds,
}, closed);
export type SupervisionSettings = Static<typeof SupervisionSettings>;
export const EvacuationSettings = Type.Object({
  assemblyPoint: Bilingual,
  templates: Type.Optional(Type.Object({ phone: Type.Optional(Bilingual), sms: Type.Optional(Bilingual), banner: Type.Optional(Bilingual), email: Type.Optional(Bilingual) }, closed)),
}, closed);
export const RetentionSettings = Type.Object({
  alarmsDays: Seconds, positionsHours: Seconds, deviceEventsDays: Seconds, notificationsDays: Seconds, evacuationsDays: Seconds, visitsDays: Seconds, auditDays: Seconds,
}, closed);

export const SiteView = Type.Object({
  id: Type.String(), name: Type.String(), address: Type.Optional(Type.String()), entrance: Type.Optional(Type.String()), timezone: Type.Optional(Type.String()),
  zones: Type.Array(Zone), rooms: Type.Array(Room), gateways: Type.Array(GatewayView), deviceAccounts: Type.Optional(Type.Array(DeviceAccountView)),
  devices: Type.Array(Device), stations: Type.Array(StationConfig), groups: Type.Array(Group), chains: Type.Array(Chain),
  defaultChain: Type.String(), technicalChain: Type.Optional(Type.String()),
  escalation: Type.Optional(Type.Object({ loudAfterSeconds: Seconds, repeatSeconds: Seconds, onSceneSeconds: Seconds }, closed)),
  meetings: Type.Optional(Type.Object({ chain: Type.Optional(Type.String()), graceMinutes: Seconds }, closed)),
  incidents: Type.Optional(Type.Object({ retentionDays: Seconds }, closed)),
  retention: Type.Optional(RetentionSettings),
  noRespondersOnSite: Type.Optional(Type.Object({ neighbours: Type.Array(Type.String()), external: Type.Optional(Type.Array(Type.String())) }, closed)),
  neighbourAgreements: Type.Optional(Type.Array(Type.String())),
  floorPlans: Type.Optional(Type.Array(Type.Object({ floor: Type.String(), image: Type.String() }, closed))),
  actionCards: Type.Optional(Type.Array(ActionCard)),
  loneWork: Type.Optional(Type.Object({ manDownPreAlarmSeconds: Seconds, checkinReminderMinutes: Seconds, maxVisitHours: Seconds }, closed)),
  supervision: Type.Optional(SupervisionSettings),
  evacuation: Type.Optional(EvacuationSettings),
}, closed);
export type SiteView = Static<typeof SiteView>;
