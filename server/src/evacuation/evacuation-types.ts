import type { RollCallCounts, RollCallState } from '@trygg/protocol';
import type { Bilingual } from '../config/types';

/**
 * An evacuation of one site (docs/evacuation.md): who started it, the texts every channel got,
 * the alarm that carries it through the alarm spine, and — per person — the answer and the
 * delivery of each channel. All of it is stored (module `evacuation`) and survives a restart.
 */
export type EvacuationState = 'running' | 'ended';
/** `user`: a logged-in person or API client (REST); `device`: a fire input (`triggersEvacuation`). */
export type EvacuationTrigger = 'user' | 'device';
/** Person channels, CAP to external receivers, and the console banner (not a notification). */
export type EvacuationChannel = 'sms' | 'voice' | 'email' | 'cap' | 'console';
export type DeliveryState = 'pending' | 'delivered' | 'failed';
export type Answer = 'safe' | 'needs-help';
/** How an answer came in: console button, SMS reply, voice keypress, REST by the person, or marked by the roll-call leader. */
export type AnswerVia = 'console' | 'sms' | 'voice' | 'app' | 'marked';

export type { RollCallCounts, RollCallState };

/** What each channel says, composed once at start from the site's templates (evacuation-templates.ts). */
export interface EvacuationTexts {
  assemblyPoint: Bilingual;
  /** Console banner without the drill mark (the console view adds it). */
  banner: Bilingual;
  sms: Bilingual;
  phone: Bilingual;
  email: Bilingual;
}

export interface Evacuation {
  id: string;
  siteId: string;
  drill: boolean;
  state: EvacuationState;
  trigger: EvacuationTrigger;
  /** Epoch ms. */
  startedAt: number;
  /** `user:<username>` or `device:<deviceId>`. */
  startedBy: string;
  deviceId?: string;
  /** Free text given at start ({message} in the templates). */
  message?: string;
  /** The evacuation alarm (kind `evacuation`): stored, routed and escalated like every alarm. */
  alarmId?: string;
  texts: EvacuationTexts;
  /** Start to every notification stored and handed to the dispatcher, ms. */
  fanoutMs?: number;
  endedAt?: number;
  endedBy?: string;
}

export interface EvacuationPerson {
  evacuationId: string;
  username: string;
  name: string;
  phone?: string;
  email?: string;
  language?: 'nb' | 'en';
  answer?: Answer;
  answeredAt?: number;
  via?: AnswerVia;
}

/** One channel to one recipient: a person (`user:<username>`) or an external receiver (`party:<notifierId>`). */
export interface EvacuationDelivery {
  evacuationId: string;
  recipientId: string;
  channel: EvacuationChannel;
  /** The notifier id (`console` for the banner). */
  target: string;
  dedupeKey: string;
  notificationId?: string;
  state: DeliveryState;
  detail?: string;
  updatedAt: number;
}

export const userRecipient = (username: string): string => `user:${username}`;

/** Never the same person twice on one channel for one evacuation (also the dispatcher's key). */
export function evacuationDedupeKey(evacuationId: string, channel: EvacuationChannel, recipientId: string): string {
  return `evacuation:${evacuationId}:${channel}:${recipientId}`;
}

export const DEDUPE_PREFIX = 'evacuation:';
