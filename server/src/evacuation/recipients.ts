import type { NotifierConfig, UserConfig } from '../config/types';
import { evacuationDedupeKey, userRecipient, type EvacuationChannel, type EvacuationPerson } from './evacuation-types';

/** A message to send: one channel to one recipient (a person or an external receiver). */
export interface PlannedDelivery {
  recipientId: string;
  channel: Exclude<EvacuationChannel, 'console'>;
  target: string;
  dedupeKey: string;
  recipient: { id: string; name?: string; phone?: string; email?: string; language?: 'nb' | 'en' };
}

export type PlannedPerson = Omit<EvacuationPerson, 'answer' | 'answeredAt' | 'via'>;

const PERSON_CHANNELS = ['sms', 'voice', 'email'] as const;

/**
 * Who is told, on what (pure): everyone registered at the site (users whose `sites` name it; a
 * `*` admin only when logged in at a console there) and everyone logged in at one of its consoles;
 * each person on every channel they can be reached on — SMS and voice to their phone, e-mail —
 * through the first notifier of that channel without a `party` (as chains do); and every CAP
 * receiver, except the police on a drill (safety rule "drills never reach the police").
 */
export function planRecipients(input: {
  evacuationId: string;
  siteId: string;
  drill: boolean;
  users: UserConfig[];
  notifiers: NotifierConfig[];
  /** Users logged in at a console of the site now. */
  online: UserConfig[];
}): { people: PlannedPerson[]; deliveries: PlannedDelivery[] } {
  const { evacuationId, siteId, drill, notifiers } = input;
  const people = new Map<string, UserConfig>();
  for (const u of input.users) if (u.sites.includes(siteId)) people.set(u.username, u);
  for (const u of input.online) people.set(u.username, u);

  const deliveries: PlannedDelivery[] = [];
  for (const channel of PERSON_CHANNELS) {
    const notifier = notifiers.find((n) => n.channel === channel && !n.party);
    if (!notifier) continue;
    for (const u of people.values()) {
      if (!(channel === 'email' ? u.email : u.phone)) continue;
      deliveries.push(personDelivery(evacuationId, channel, notifier.id, u));
    }
  }
  for (const n of notifiers) {
    if (n.channel !== 'cap' || (drill && n.party === 'police')) continue;
    const recipientId = `party:${n.id}`;
    deliveries.push({
      recipientId, channel: 'cap', target: n.id, dedupeKey: evacuationDedupeKey(evacuationId, 'cap', recipientId),
      recipient: { id: recipientId, ...n.to },
    });
  }
  return { people: [...people.values()].map((u) => personOf(evacuationId, u)), deliveries };
}

export function personOf(evacuationId: string, u: UserConfig): PlannedPerson {
  return {
    evacuationId, username: u.username, name: u.name,
    ...(u.phone ? { phone: u.phone } : {}), ...(u.email ? { email: u.email } : {}), ...(u.language ? { language: u.language } : {}),
  };
}

function personDelivery(evacuationId: string, channel: (typeof PERSON_CHANNELS)[number], target: string, u: UserConfig): PlannedDelivery {
  const recipientId = userRecipient(u.username);
  return {
    recipientId, channel, target, dedupeKey: evacuationDedupeKey(evacuationId, channel, recipientId),
    recipient: { id: recipientId, name: u.name, phone: u.phone, email: u.email, language: u.language },
  };
}
