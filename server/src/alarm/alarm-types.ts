import type { AlarmKind, AlarmStateName, DeviceCommandAction, ResolveOutcome } from '@trygg/protocol';
import type { EscalationStepConfig } from '../config/types';

/** Who did something to an alarm; recorded with every event of the audit trail. */
export type Actor =
  | { type: 'user'; username: string; name: string; stationId?: string }
  /** An enrolled station's watch with nobody logged in at it (stations/): the PC answered, not a known person. */
  | { type: 'station'; stationId: string; name: string }
  | { type: 'device'; deviceId: string }
  | { type: 'system' };

/** The chain as it was when the alarm was raised (a later edit of the live chain changes nothing here). */
export interface ChainSnapshot {
  chainId: string;
  steps: EscalationStepConfig[];
}

export interface AlarmOrigin {
  id: string;
  siteId: string;
  kind: AlarmKind;
  drill: boolean;
  deviceId?: string;
  roomId?: string;
  zoneId?: string;
  chain: ChainSnapshot;
  /** Seconds an acknowledged alarm may go without "on scene" before it escalates again; 0 = off. */
  onSceneSeconds?: number;
  sourceEventId?: string;
  /** At most one open alarm per key (e.g. `device-offline:interview-1`); later raises fold in. */
  dedupeKey?: string;
  /** Why a technical alarm was raised, what a lone worker was doing, ... shown with the alarm. */
  detail?: AlarmDetail;
}

export type TechnicalCause = 'device-offline' | 'low-battery' | 'tamper' | 'gateway-offline' | 'arc-link-down' | 'delivery-failed'
  /** The newest stored configuration failed at start; an older one runs (config-admin/config-fallback.ts). */
  | 'config-fallback'
  /** The server rejected a press (or another alarm-raising event) from a gateway: never silence (ingest/rejection-alarms.ts). */
  | 'event-rejected';

export interface AlarmDetail {
  technical?: { cause: TechnicalCause; subject: string };
  /** Portable alarms and lone work: who, where, what visit. */
  person?: string;
  address?: string;
  location?: import('@trygg/protocol').DeviceLocation;
  note?: string;
}

/**
 * A further cause on a device that already had an open alarm (a man-down or a missed check-in
 * during an alarm cancelled with the duress PIN, ...): attached to that alarm, never queued
 * behind it (docs/lone-work.md, "One device, several causes").
 */
export interface AlarmCause {
  kind: AlarmKind;
  at: number;
  dedupeKey?: string;
  detail?: AlarmDetail;
}

export interface Responder {
  username: string;
  name: string;
  stationId?: string;
  at: number;
}

/** The alarm as derived from its events (see alarm-projection.ts). Times are epoch milliseconds. */
export interface Alarm extends AlarmOrigin {
  state: AlarmStateName;
  raisedAt: number;
  updatedAt: number;
  pressCount: number;
  acknowledgedBy?: Actor;
  acknowledgedAt?: number;
  responders: Responder[];
  outcome?: ResolveOutcome;
  closedAt?: number;
  /** Index of the last step that fired (notified or skipped); -1 before the first. */
  lastStep: number;
  /** Index of the last step that reached someone; its `until` decides whether the chain goes on. */
  lastNotifiedStep: number;
  nextStepDueAt: number | null;
  routedStations: string[];
  /** External parties told so far (for the restore when the alarm closes). */
  notifiedExternal?: StepNotification[];
  /** Cancelled on the device with the duress PIN: still running, silently, for responders. */
  duress?: boolean;
  /** When the last step fired (notified or skipped). */
  lastStepAt?: number;
  /** How often the last (repeating) step has fired again. */
  repeats?: number;
  /** A responder marked arrival ("on scene"). */
  onSceneAt?: number;
  /** The on-scene check escalated this alarm (last time). */
  reEscalatedAt?: number;
  /** Seconds an acknowledged alarm may go without "on scene" before it escalates again; 0 = off. */
  onSceneSeconds?: number;
  /** Causes attached after the raise (see AlarmCause); absent when there were none. */
  causes?: AlarmCause[];
  /** Number of events applied; the next event's sequence number. */
  version: number;
}

export type StepSkipReason = 'nobody-online' | 'no-targets';

export type AlarmEvent =
  | { type: 'raised'; at: number; origin: AlarmOrigin }
  | { type: 'press-folded'; at: number; sourceEventId?: string }
  | { type: 'cause-added'; at: number; cause: AlarmCause }
  | { type: 'acknowledged'; at: number; actor: Actor }
  | { type: 'responding'; at: number; actor: Actor }
  | { type: 'resolved'; at: number; actor: Actor; outcome: ResolveOutcome }
  | { type: 'cancelled'; at: number; actor: Actor }
  | { type: 'duress-cancelled'; at: number; actor: Actor }
  | { type: 'located'; at: number; location: import('@trygg/protocol').DeviceLocation }
  | { type: 'step-notified'; at: number; step: number; stations: string[]; online: string[]; notifications?: StepNotification[]; repeat?: number }
  | { type: 'on-scene'; at: number; actor: Actor }
  | { type: 're-escalated'; at: number; reason: 'not-on-scene' }
  | { type: 'delivery-failed'; at: number; step: number; target: string; error: string }
  | { type: 'step-skipped'; at: number; step: number; reason: StepSkipReason; stations: string[]; repeat?: number }
  | { type: 'chain-exhausted'; at: number; reachedNobody: boolean };

export type AlarmCommand =
  | { type: 'raise'; origin: AlarmOrigin }
  | { type: 'press'; sourceEventId?: string }
  /** Another cause on the alarm's device: attached, shown, and the chain escalates at once. */
  | { type: 'add-cause'; cause: AlarmCause }
  | { type: 'acknowledge'; actor: Actor }
  | { type: 'respond'; actor: Actor }
  /** A responder has arrived. */
  | { type: 'on-scene'; actor: Actor }
  | { type: 'resolve'; actor: Actor; outcome: ResolveOutcome }
  | { type: 'cancel'; actor: Actor }
  /** A cancel with the duress PIN: the device is told "cancelled", the alarm goes on. */
  | { type: 'duress-cancel'; actor: Actor }
  /** A portable alarm reports where it is (only recorded while the alarm is open). */
  | { type: 'locate'; location: import('@trygg/protocol').DeviceLocation }
  /** A notification of `step` failed for good: the next step must not wait for a timeout. */
  | { type: 'delivery-failed'; step: number; target: string; error: string }
  /** The escalation timer fired; ignored unless a step is really due (stale timers are harmless). */
  | { type: 'escalate' };

/** Effects are data; the alarm service carries them out after the events are committed. */
export type AlarmEffect =
  | { type: 'popup'; stations: string[] }
  | { type: 'notify'; step: number; repeat?: number; notifications: StepNotification[] }
  /** The alarm closed: external parties that were told get a restore. */
  | { type: 'restore'; notifications: StepNotification[] }
  | { type: 'update' }
  | { type: 'clear' }
  | { type: 'device-feedback'; action: DeviceCommandAction }
  | { type: 'reached-nobody' };

export interface StepResolution {
  /** Every station the step targets, the origin zone already removed. */
  stations: string[];
  /** Those of them with a console online now. */
  online: string[];
  /** Messages beyond the consoles: people on sms/voice/email, external parties. Empty if none. */
  notifications?: StepNotification[];
}

/** One message a step sends outside the consoles (turned into a NotificationRequest by the service). */
export interface StepNotification {
  channel: string;
  /** The notifier id (config `notifiers[].id`). */
  target: string;
  recipient: { id: string; name?: string; phone?: string; email?: string; language?: 'nb' | 'en' };
  /** External parties get a restore when the alarm closes; people do not. */
  external: boolean;
}

export interface DecideContext {
  now: number;
  resolveStep(alarm: Alarm, step: number): StepResolution;
}

export interface Decision {
  events: AlarmEvent[];
  effects: AlarmEffect[];
  alarm: Alarm;
}
