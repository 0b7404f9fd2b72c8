import { Type, type Static } from 'typebox';
import { ID_PATTERN } from '../topics';
import { answers, Nullable, IsoTime } from './common';

/** A configured device with when it was last heard from. */
export const DeviceStatus = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  name: Type.Optional(Type.String()),
  type: Type.String(),
  roomId: Type.Optional(Type.String()),
  gatewayId: Type.String(),
  lastSeenAt: Nullable(IsoTime),
  battery: Nullable(Type.Integer({ minimum: 0, maximum: 100 })),
}, { additionalProperties: false });
export type DeviceStatus = Static<typeof DeviceStatus>;

/** A console station a user may bind a console to. */
export const Station = Type.Object({ id: Type.String(), name: Type.String(), siteId: Type.String(), zoneId: Type.String() }, { additionalProperties: false });
export type Station = Static<typeof Station>;

/** A device's self-test state (supervision): when last tested, whether in test mode, whether overdue. */
export const DeviceTestStatus = Type.Object({
  deviceId: Type.String(),
  siteId: Type.String(),
  lastTestedAt: Nullable(IsoTime),
  inTestModeUntil: Nullable(IsoTime),
  overdue: Type.Boolean(),
}, { additionalProperties: false });
export type DeviceTestStatus = Static<typeof DeviceTestStatus>;

/** Who an alarm from a room would reach right now (the first step of its chain that reaches someone). */
export const CoverageRoom = Type.Object({
  siteId: Type.String(),
  roomId: Type.String(),
  roomName: Type.String(),
  firstReachingStep: Nullable(Type.Integer({ minimum: 0 })),
  reachableStations: Type.Array(Type.String()),
  respondersOnline: Type.Integer({ minimum: 0 }),
  externalTargets: Type.Array(Type.String()),
  reachesNobody: Type.Boolean(),
  connecting: Type.Optional(Type.Literal(true, { description: 'Just after a server start: its stations are still reconnecting (not "nobody" yet)' })),
}, { additionalProperties: false });
export type CoverageRoom = Static<typeof CoverageRoom>;

const DeviceParams = Type.Object({ deviceId: Type.String({ pattern: ID_PATTERN }) }, { additionalProperties: false });
const SiteQuery = Type.Object({ siteId: Type.Optional(Type.String({ pattern: ID_PATTERN })) }, { additionalProperties: false });
export const TestModeBody = Type.Union([
  Type.Object({ minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 240 })) }, { additionalProperties: false }),
  Type.Null(),
]);
export type TestModeBody = Static<typeof TestModeBody>;
export type DeviceTestRequest = { Params: Static<typeof DeviceParams>; Querystring: Static<typeof SiteQuery> };

const tags = ['devices'];
export const deviceApi = {
  devices: { tags, summary: 'Devices of the user\'s sites with last-seen and battery', response: answers({ 200: Type.Object({ devices: Type.Array(DeviceStatus) }, { additionalProperties: false }) }) },
  stations: { tags, summary: 'Console stations of the user\'s sites', response: answers({ 200: Type.Object({ stations: Type.Array(Station) }, { additionalProperties: false }) }) },
  coverage: { tags, summary: 'For every room: who an alarm from there would reach now', response: answers({ 200: Type.Object({ rooms: Type.Array(CoverageRoom) }, { additionalProperties: false }) }) },
  deviceTests: { tags, summary: 'Self-test state of every device of the user\'s sites', response: answers({ 200: Type.Object({ devices: Type.Array(DeviceTestStatus) }, { additionalProperties: false }) }) },
  startTestMode: {
    tags, summary: 'Put a device in test mode: its presses are recorded as passed tests, never alarms',
    params: DeviceParams, querystring: SiteQuery, body: TestModeBody, response: answers({ 200: DeviceTestStatus }),
  },
  endTestMode: { tags, summary: 'End a device\'s test mode', params: DeviceParams, querystring: SiteQuery, response: answers({ 200: DeviceTestStatus }) },
} as const;
