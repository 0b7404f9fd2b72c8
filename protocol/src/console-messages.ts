import { Type, type Static } from 'typebox';
import { ALARM_KINDS, ALARM_STATES, type AlarmStateName, type ResolveOutcome } from './messages/alarm-state';
import { locationSchema } from './messages/common';
import type { DeviceLocation } from './messages/device-event';

/**
 * Messages on the console WebSocket (`/ws/console`). JSON text frames, one message per frame.
 * Documented in docs/protocol.md ("Console WebSocket"). The alarm and evacuation shapes are also
 * what the REST API answers (protocol/src/api/), so they are schemas with their types derived.
 */
const Texts = Type.Object({ nb: Type.String(), en: Type.String() }, { additionalProperties: false });

export const ConsoleActionCardSchema = Type.Object({
  title: Texts,
  steps: Type.Object({ nb: Type.Array(Type.String()), en: Type.Array(Type.String()) }, { additionalProperties: false }),
  callsPolice: Type.Optional(Texts),
  address: Type.Optional(Type.String()),
  entrance: Type.Optional(Type.String()),
}, { additionalProperties: false, description: 'The tiltakskort for this kind of alarm (and room), with the address to give the police' });
export type ConsoleActionCard = Static<typeof ConsoleActionCardSchema>;

/** The alarm as a console shows it: the pop-up and its updates. */
export const consoleAlarmProperties = {
  id: Type.String(),
  siteId: Type.String(),
  kind: Type.Enum(ALARM_KINDS),
  state: Type.Enum(ALARM_STATES),
  drill: Type.Boolean(),
  deviceId: Type.Optional(Type.String()),
  roomId: Type.Optional(Type.String()),
  roomName: Type.Optional(Type.String()),
  floor: Type.Optional(Type.String()),
  zoneId: Type.Optional(Type.String()),
  raisedAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  pressCount: Type.Integer({ minimum: 1 }),
  responders: Type.Array(Type.String(), { description: 'Display names of the people who said "I\'m coming"' }),
  acknowledgedBy: Type.Optional(Type.String()),
  onSceneAt: Type.Optional(Type.String({ format: 'date-time', description: 'A responder has arrived' })),
  duress: Type.Optional(Type.Boolean({ description: 'Cancelled on the device with the duress PIN: the alarm is real and still running' })),
  location: Type.Optional(Type.Unsafe<DeviceLocation>(locationSchema)),
  technical: Type.Optional(Type.Object({ cause: Type.String(), subject: Type.String() }, {
    additionalProperties: false, description: 'Technical alarms: what is wrong with which device or gateway',
  })),
  address: Type.Optional(Type.String()),
  person: Type.Optional(Type.String()),
  actionCard: Type.Optional(ConsoleActionCardSchema),
};
export const ConsoleAlarmSchema = Type.Object(consoleAlarmProperties, { additionalProperties: false });
export type ConsoleAlarm = Static<typeof ConsoleAlarmSchema>;

/** An evacuation as a console shows it: a banner on every console of the site (docs/evacuation.md). */
export const ConsoleEvacuationSchema = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  drill: Type.Boolean(),
  startedAt: Type.String({ format: 'date-time' }),
  banner: Type.Object({ nb: Type.String(), en: Type.String() }, { additionalProperties: false, description: 'The banner text, "ØVELSE / DRILL" first for drills' }),
  assemblyPoint: Texts,
  state: Type.Enum(['running', 'ended']),
  safe: Type.Optional(Type.Boolean({ description: 'True once this console\'s user has answered "I\'m safe" (the button can go)' })),
}, { additionalProperties: false });
export type ConsoleEvacuation = Static<typeof ConsoleEvacuationSchema>;

export const ROLL_CALL_STATES = ['safe', 'needs-help', 'unanswered', 'unreached'] as const;
export type RollCallState = (typeof ROLL_CALL_STATES)[number];

export const RollCallCountsSchema = Type.Object({
  total: Type.Integer(), safe: Type.Integer(), needsHelp: Type.Integer(), unanswered: Type.Integer(), unreached: Type.Integer(),
}, { additionalProperties: false });
export type RollCallCounts = Static<typeof RollCallCountsSchema>;

/** What the pressing station hears about its panic alarm (a subset of a device's feedback). */
export type PanicFeedbackAction = 'received' | 'help-coming' | 'resolved' | 'cancelled';
export const PANIC_FEEDBACK_ACTIONS: readonly PanicFeedbackAction[] = ['received', 'help-coming', 'resolved', 'cancelled'];

export type ConsoleClientMessage =
  | { type: 'hello'; stationId: string }
  | { type: 'acknowledge'; alarmId: string }
  | { type: 'respond'; alarmId: string }
  /** The responder has arrived; stops the on-scene re-escalation. */
  | { type: 'on-scene'; alarmId: string }
  | { type: 'resolve'; alarmId: string; outcome?: ResolveOutcome }
  /** The console's own discreet panic button: an alarm from this station's room. */
  | { type: 'panic' }
  /** "I'm safe" during an evacuation (roll call), for the user logged in at this console. */
  | { type: 'safe'; evacuationId: string }
  | { type: 'ping' };

export type ConsoleServerMessage =
  | { type: 'welcome'; stationId: string; siteId: string; user: string; openAlarms: number }
  | { type: 'popup'; alarm: ConsoleAlarm }
  | { type: 'update'; alarm: ConsoleAlarm }
  | { type: 'clear'; alarmId: string; state: AlarmStateName }
  /** Only to the connection that pressed its panic button, once the alarm is stored. */
  | { type: 'panic-ack'; alarmId: string }
  /**
   * Only to the station whose panic button raised the alarm, as a hardware button gets its LED:
   * stored (`received`), someone acknowledged or is coming (`help-coming`), over (`resolved`,
   * `cancelled`). Also after every `welcome` while that alarm is open. The console shows it
   * discreetly (a small mark on its panic button, no text, no sound).
   */
  | { type: 'panic-feedback'; alarmId: string; action: PanicFeedbackAction }
  | { type: 'error'; code: string; message: string }
  /** An evacuation started (or this console connected during one): show the banner. Sent again when it changes. */
  | { type: 'evacuation'; evacuation: ConsoleEvacuation }
  | { type: 'evacuation-ended'; id: string }
  /** Roll call changed: to consoles of security contacts and above at the site. */
  | {
    type: 'roll-call'; evacuationId: string; counts: RollCallCounts;
    person?: { username: string; name: string; state: RollCallState; via?: string; safeAt?: string };
  }
  | { type: 'pong' };

export const consoleClientMessageSchema = {
  $id: 'trygg/v1/console-client-message',
  oneOf: [
    {
      type: 'object', additionalProperties: false, required: ['type', 'stationId'],
      properties: { type: { const: 'hello' }, stationId: { type: 'string', maxLength: 64 } },
    },
    {
      type: 'object', additionalProperties: false, required: ['type', 'alarmId'],
      properties: { type: { enum: ['acknowledge', 'respond', 'on-scene'] }, alarmId: { type: 'string', maxLength: 64 } },
    },
    {
      type: 'object', additionalProperties: false, required: ['type', 'alarmId'],
      properties: {
        type: { const: 'resolve' }, alarmId: { type: 'string', maxLength: 64 },
        outcome: { enum: ['real', 'false', 'test'] },
      },
    },
    {
      type: 'object', additionalProperties: false, required: ['type', 'evacuationId'],
      properties: { type: { const: 'safe' }, evacuationId: { type: 'string', maxLength: 64 } },
    },
    { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { enum: ['ping', 'panic'] } } },
  ],
} as const;
