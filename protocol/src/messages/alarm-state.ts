import { Type, type Static } from 'typebox';
import { idSchema, timestampSchema, versionSchema } from './common';

/** Alarm kinds (docs/architecture.md, "The alarm"); `drill` is a flag, not a kind. */
export type AlarmKind = 'panic' | 'personal' | 'man-down' | 'no-checkin' | 'evacuation' | 'technical';
export const ALARM_KINDS: readonly AlarmKind[] = ['panic', 'personal', 'man-down', 'no-checkin', 'evacuation', 'technical'];

export type AlarmStateName = 'raised' | 'acknowledged' | 'responding' | 'resolved' | 'cancelled';
export const ALARM_STATES: readonly AlarmStateName[] = ['raised', 'acknowledged', 'responding', 'resolved', 'cancelled'];
export const OPEN_ALARM_STATES: readonly AlarmStateName[] = ['raised', 'acknowledged', 'responding'];

/** `cleared`: a technical alarm whose cause went away by itself (the device came back). */
export type ResolveOutcome = 'real' | 'false' | 'test' | 'cleared';

/** Published by the server on `trygg/v1/sites/<site>/alarms/<alarm>/state` at every change. */
export const alarmStateSchema = Type.Object({
  v: versionSchema,
  id: idSchema,
  siteId: idSchema,
  kind: Type.Enum(ALARM_KINDS),
  state: Type.Enum(ALARM_STATES),
  drill: Type.Boolean(),
  deviceId: Type.Optional(idSchema),
  roomId: Type.Optional(idSchema),
  zoneId: Type.Optional(idSchema),
  raisedAt: timestampSchema,
  updatedAt: timestampSchema,
  pressCount: Type.Integer({ minimum: 1 }),
  responders: Type.Array(Type.String({ maxLength: 200 })),
}, { $id: 'trygg/v1/alarm-state', additionalProperties: false });
export type AlarmStateMessage = Static<typeof alarmStateSchema>;
