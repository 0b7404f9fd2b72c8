import type { Bilingual, NotifierConfig, SiteConfig } from '../config/types';
import type { NotificationRequest } from '../notify/dispatcher';
import type { NotificationSubject, Recipient } from '../notify/notifier';
import type { Evacuation, EvacuationChannel, EvacuationDelivery, EvacuationPerson } from './evacuation-types';
import { userRecipient } from './evacuation-types';

/**
 * The stored deliveries of an evacuation as notification requests (pure). Built from what was
 * stored at start — people's numbers and addresses as they were then, the texts composed then —
 * so a resume after a restart sends exactly what the start would have.
 */
export function evacuationRequests(
  evacuation: Evacuation, site: SiteConfig | undefined, people: EvacuationPerson[], deliveries: EvacuationDelivery[], notifiers: NotifierConfig[],
): NotificationRequest[] {
  const subject = subjectOf(evacuation, site);
  const byRecipient = new Map(people.map((p) => [userRecipient(p.username), p]));
  const requests: NotificationRequest[] = [];
  for (const d of deliveries) {
    if (d.channel === 'console') continue;
    const recipient = recipientOf(d, byRecipient.get(d.recipientId), notifiers);
    if (!recipient) continue;
    requests.push({
      dedupeKey: d.dedupeKey, step: 'evacuation', channel: d.channel, target: d.target, purpose: 'evacuation',
      subject: { ...subject, text: textFor(evacuation, d.channel) }, recipient,
    });
  }
  return requests;
}

/** The dedupe key of the alarm an evacuation raises (evacuation-service.ts). */
export function evacuationAlarmKey(evacuationId: string): string {
  return `evacuation:${evacuationId}`;
}

/**
 * Whether an alarm is an evacuation's own. Its fan-out sends one CAP alert to every CAP receiver
 * (recipients.ts), so the alarm's chain must not send a second one to a receiver it also names
 * (notify/notification-center.ts). An evacuation alarm raised alone — the fire input's fallback
 * when the evacuation could not start — has no fan-out, and its chain sends as usual.
 */
export function fannedOutByEvacuation(alarm: { kind: string; dedupeKey?: string }): boolean {
  return alarm.kind === 'evacuation' && alarm.dedupeKey !== undefined && alarm.dedupeKey.startsWith(evacuationAlarmKey(''));
}

/** What every channel is about: drills are flagged here, and each notifier marks them its own way (CAP Exercise, DC-09 test codes, "ØVELSE / DRILL"). */
export function subjectOf(e: Evacuation, site: SiteConfig | undefined): NotificationSubject {
  return {
    ...(e.alarmId ? { alarmId: e.alarmId } : {}),
    kind: 'evacuation', state: 'raised', drill: e.drill,
    site: { id: e.siteId, name: site?.name ?? e.siteId, address: site?.address, entrance: site?.entrance, timezone: site?.timezone },
    raisedAt: new Date(e.startedAt).toISOString(),
  };
}

function textFor(e: Evacuation, channel: Exclude<EvacuationChannel, 'console'>): Bilingual {
  switch (channel) {
    case 'sms': return e.texts.sms;
    case 'voice': return e.texts.phone;
    case 'email': return e.texts.email;
    case 'cap': return e.texts.banner;
  }
}

function recipientOf(d: EvacuationDelivery, person: EvacuationPerson | undefined, notifiers: NotifierConfig[]): Recipient | undefined {
  if (person) {
    return {
      id: d.recipientId, name: person.name,
      ...(person.phone ? { phone: person.phone } : {}), ...(person.email ? { email: person.email } : {}), ...(person.language ? { language: person.language } : {}),
    };
  }
  if (!d.recipientId.startsWith('party:')) return undefined;
  const notifier = notifiers.find((n) => n.id === d.target);
  return { id: d.recipientId, ...notifier?.to };
}
