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
export interface AlarmStateMessage {
  v: 1;
  id: string;
  siteId: string;
  kind: AlarmKind;
  state: AlarmStateName;
  drill: boolean;
  deviceId?: string;
  roomId?: string;
  zoneId?: string;
  raisedAt: string;
  updatedAt: string;
  pressCount: number;
  responders: string[];
}

export const alarmStateSchema = {
  $id: 'trygg/v1/alarm-state',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'id', 'siteId', 'kind', 'state', 'drill', 'raisedAt', 'updatedAt', 'pressCount', 'responders'],
  properties: {
    v: versionSchema,
    id: idSchema,
    siteId: idSchema,
    kind: { enum: ALARM_KINDS },
    state: { enum: ALARM_STATES },
    drill: { type: 'boolean' },
    deviceId: idSchema,
    roomId: idSchema,
    zoneId: idSchema,
    raisedAt: timestampSchema,
    updatedAt: timestampSchema,
    pressCount: { type: 'integer', minimum: 1 },
    responders: { type: 'array', items: { type: 'string', maxLength: 200 } },
  },
} as const;
