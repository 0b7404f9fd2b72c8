import type { Notification } from '../../notifier';
import { drillNote, factLines, headline, instruction, oneLine, type Language } from './subject-wording';

/** A composed e-mail, before addressing: pure data built from a Notification. */
export interface EmailContent {
  language: Language;
  subject: string;
  text: string;
  /** High for alarms and evacuations, so mail clients flag them. */
  priority: 'high' | 'normal';
}

/**
 * Subject and plain-text body in the recipient's language (bokmål by default). Plain text only:
 * no HTML means no markup injection from names or free text, and it reads on any device.
 */
export function composeEmail(n: Notification): EmailContent {
  const language: Language = n.recipient.language === 'en' ? 'en' : 'nb';
  const drill = n.subject.drill;
  const lines: string[] = [];
  if (drill) lines.push(drillNote(language), '');
  lines.push(headline(n, language), '');
  // Evacuation: the sender's text (assembly point, route) comes first; it is what people act on.
  if (n.purpose === 'evacuation' || n.purpose === 'alarm' || n.subject.text) lines.push(instruction(n, language), '');
  lines.push(...factLines(n, language));
  if (drill) lines.push('', drillNote(language));
  lines.push('', `-- \nTrygg (${n.id})`);
  return {
    language,
    subject: oneLine(headline(n, language)),
    text: `${lines.join('\n')}\n`,
    priority: n.purpose === 'restore' || n.purpose === 'link-test' ? 'normal' : 'high',
  };
}

/**
 * The Message-ID for a notification: the same on every retry, so a mail that was accepted but
 * reported as failed (e.g. the connection dropped after DATA) can be recognised as a duplicate.
 */
export function messageIdFor(notificationId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'trygg.invalid';
  const local = notificationId.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '_') || 'notification';
  return `<${local}@${domain}>`;
}
