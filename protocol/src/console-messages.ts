import type { AlarmKind, AlarmStateName, ResolveOutcome } from './messages/alarm-state';

/**
 * Messages on the console WebSocket (`/ws/console`). JSON text frames, one message per frame.
 * Documented in docs/protocol.md ("Console WebSocket").
 */
export interface ConsoleAlarm {
  id: string;
  siteId: string;
  kind: AlarmKind;
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
  /** Display names of the people who said "I'm coming". */
  responders: string[];
  acknowledgedBy?: string;
  /** A responder has arrived (ISO time). */
  onSceneAt?: string;
  /** Cancelled on the device with the duress PIN: the alarm is real and still running. */
  duress?: boolean;
  /** Portable alarms: last known position. */
  location?: import('./messages/device-event').DeviceLocation;
  /** Technical alarms: what is wrong with which device/gateway; lone work: the visit's address. */
  technical?: { cause: string; subject: string };
  address?: string;
  person?: string;
  /** The tiltakskort for this kind of alarm (and room), with the address to give the police. */
  actionCard?: ConsoleActionCard;
}

export interface ConsoleActionCard {
  title: { nb: string; en: string };
  steps: { nb: string[]; en: string[] };
  callsPolice?: { nb: string; en: string };
  address?: string;
  entrance?: string;
}

/** An evacuation as a console shows it: a banner on every console of the site (docs/evacuation.md). */
export interface ConsoleEvacuation {
  id: string;
  siteId: string;
  drill: boolean;
  startedAt: string;
  /** The banner text, "ØVELSE / DRILL" first for drills. */
  banner: { nb: string; en: string };
  assemblyPoint: { nb: string; en: string };
  state: 'running' | 'ended';
  /** True once this console's user has answered "I'm safe" (the button can go). */
  safe?: boolean;
}

export type RollCallState = 'safe' | 'needs-help' | 'unanswered' | 'unreached';

export interface RollCallCounts {
  total: number;
  safe: number;
  needsHelp: number;
  unanswered: number;
  unreached: number;
}

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
  /**
   * Whether this console can sound an alarm (the browser allowed audio). Sent after `welcome` and
   * whenever it changes; a console that cannot counts as absent for routing until it can.
   */
  | { type: 'receiving'; sound: boolean }
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
    {
      type: 'object', additionalProperties: false, required: ['type', 'sound'],
      properties: { type: { const: 'receiving' }, sound: { type: 'boolean' } },
    },
    { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { enum: ['ping', 'panic'] } } },
  ],
} as const;
