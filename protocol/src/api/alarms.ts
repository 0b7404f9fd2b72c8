import { Type, type Static } from 'typebox';
import { ALARM_STATES } from '../messages/alarm-state';
import { consoleAlarmProperties } from '../console-messages';
import { answers, Id, IsoTime, Nullable } from './common';

/** The `before` / `next` cursor of the alarm history: opaque to clients. */
export const ALARM_CURSOR_PATTERN = '^[0-9]{1,16}_[a-z0-9-]{1,64}$';

/** An alarm as the REST API shows it: the console's view and its escalation state. */
export const AlarmResource = Type.Object({
  ...consoleAlarmProperties,
  acknowledgedAt: Type.Optional(IsoTime),
  closedAt: Type.Optional(IsoTime),
  outcome: Type.Optional(Type.Enum(['real', 'false', 'test', 'cleared'])),
  chainId: Type.String(),
  escalationStep: Type.Integer({ minimum: -1, description: 'Index of the last step that fired; -1 before the first' }),
  nextStepDueAt: Nullable(IsoTime),
  routedStations: Type.Array(Type.String()),
}, { additionalProperties: false });
export type AlarmResource = Static<typeof AlarmResource>;

export const TimelineActor = Type.Union([
  Type.Object({ type: Type.Literal('user'), username: Type.String(), name: Type.String(), stationId: Type.Optional(Type.String()) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('station'), stationId: Type.String(), name: Type.String() }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('device'), deviceId: Type.String() }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('system') }, { additionalProperties: false }),
]);
export type TimelineActor = Static<typeof TimelineActor>;

/**
 * One event of an alarm's audit trail, in order. Each event type carries its own fields (the
 * raise its origin, a step its stations and notifications ...); the common ones are named here
 * and the others are allowed on purpose, so a new event type never breaks a reader.
 */
export const TimelineEvent = Type.Object({
  seq: Type.Integer({ minimum: 0 }),
  type: Type.String(),
  at: IsoTime,
  actor: Type.Optional(TimelineActor),
  outcome: Type.Optional(Type.String()),
  step: Type.Optional(Type.Integer()),
  repeat: Type.Optional(Type.Integer()),
  stations: Type.Optional(Type.Array(Type.String())),
  online: Type.Optional(Type.Array(Type.String())),
  reason: Type.Optional(Type.String()),
  reachedNobody: Type.Optional(Type.Boolean()),
  target: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  notifications: Type.Optional(Type.Array(Type.Object({ target: Type.Optional(Type.String()), channel: Type.Optional(Type.String()), to: Type.Optional(Type.String()) }, { additionalProperties: true }))),
}, { additionalProperties: true });
export type TimelineEvent = Static<typeof TimelineEvent>;

/** A message sent beyond the consoles for an alarm (guards, police, people's phones) and how it went. */
export const SentItem = Type.Object({
  channel: Type.String(),
  target: Type.String(),
  party: Nullable(Type.Enum(['guards', 'police', 'other'])),
  purpose: Type.String(),
  recipient: Type.String(),
  state: Type.Enum(['pending', 'sending', 'delivered', 'failed']),
  attempts: Type.Integer({ minimum: 0 }),
  updatedAt: IsoTime,
}, { additionalProperties: false });
export type SentItem = Static<typeof SentItem>;

export const AlarmListQuery = Type.Object({
  state: Type.Optional(Type.Enum(['open', ...ALARM_STATES])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  before: Type.Optional(Type.String({ pattern: ALARM_CURSOR_PATTERN })),
}, { additionalProperties: false });
export type AlarmListQuery = Static<typeof AlarmListQuery>;
export const AlarmPage = Type.Object({
  alarms: Type.Array(AlarmResource),
  next: Type.Optional(Type.String({ description: 'The `before` of the following page; absent on the last' })),
}, { additionalProperties: false });
export type AlarmPage = Static<typeof AlarmPage>;
export const AlarmDetail = Type.Object({ alarm: AlarmResource, timeline: Type.Array(TimelineEvent), sent: Type.Array(SentItem) }, { additionalProperties: false });
export type AlarmDetail = Static<typeof AlarmDetail>;
export const AlarmAnswer = Type.Object({ alarm: AlarmResource }, { additionalProperties: false });
export type AlarmAnswer = Static<typeof AlarmAnswer>;
export const AlarmIdParams = Type.Object({ id: Id }, { additionalProperties: false });
/** How a person resolves an alarm (`cleared` is the server's own, for a technical cause that went away). */
export const USER_OUTCOMES = ['real', 'false', 'test'] as const;
export type UserOutcome = (typeof USER_OUTCOMES)[number];
export const AlarmActionBody = Type.Union([
  Type.Object({ outcome: Type.Optional(Type.Enum(USER_OUTCOMES)) }, { additionalProperties: false }),
  Type.Null(),
]);
export type AlarmActionBody = Static<typeof AlarmActionBody>;

const tags = ['alarms'];
export const alarmApi = {
  list: { tags, summary: 'Alarm history, newest first, a page at a time', querystring: AlarmListQuery, response: answers({ 200: AlarmPage }) },
  get: { tags, summary: 'An alarm with its timeline and what was sent beyond the consoles', params: AlarmIdParams, response: answers({ 200: AlarmDetail }) },
  action: (summary: string) => ({ tags, summary, params: AlarmIdParams, body: AlarmActionBody, response: answers({ 200: AlarmAnswer }) }),
} as const;
