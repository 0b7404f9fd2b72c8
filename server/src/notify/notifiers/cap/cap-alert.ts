import type { Notification } from '../../notifier';
import {
  drillNote, factLines, hasPosition, headline, instruction, kindName, roomLine, siteLine, type Language,
} from '../email/subject-wording';

/**
 * OASIS Common Alerting Protocol 1.2 (http://docs.oasis-open.org/emergency/cap/v1.2/) `<alert>`
 * for alarms, restores and evacuations. Pure: the same notification gives the same bytes, so a
 * retried POST carries an identical alert.
 */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export interface CapAlertOptions {
  /** CAP `sender`; `{siteId}` is replaced by the site id. Default `trygg@{siteId}`. */
  sender?: string;
  /** Default Restricted. Private needs `addresses`. */
  scope?: 'Restricted' | 'Private';
  /** Who may see a Restricted alert. */
  restriction?: string;
  /** Recipients of a Private alert (CAP: space-separated, quoted when they hold spaces). */
  addresses?: string[];
  /** Earlier alerts this one refers to, e.g. the alert a Cancel withdraws. */
  references?: { sender: string; identifier: string; sent: string }[];
}

export const DEFAULT_RESTRICTION = 'Kun for vakt og nødetater / For guards and emergency services only';

const LANGUAGES: { lang: Language; code: string }[] = [
  { lang: 'nb', code: 'nb-NO' },
  { lang: 'en', code: 'en-US' },
];

/** Builds the alert; throws on a configuration or timestamp CAP cannot express. */
export function buildCapAlert(n: Notification, options: CapAlertOptions = {}): string {
  const s = n.subject;
  const scope = options.scope ?? 'Restricted';
  if (scope === 'Private' && !options.addresses?.length) throw new Error('CAP scope Private needs addresses');
  const sender = capToken((options.sender ?? 'trygg@{siteId}').split('{siteId}').join(s.site.id));
  const restore = n.purpose === 'restore';
  const evacuation = n.purpose === 'evacuation' || s.kind === 'evacuation';

  const alert: string[] = [
    el('identifier', capToken(n.id)),
    el('sender', sender),
    el('sent', capTime(n.createdAt)),
    // [CAP 1.2 §3.2.1 status] drills are "Exercise", never "Actual".
    el('status', s.drill ? 'Exercise' : 'Actual'),
    el('msgType', restore ? 'Cancel' : 'Alert'),
    el('source', 'Trygg'),
    el('scope', scope),
  ];
  if (scope === 'Restricted') alert.push(el('restriction', options.restriction ?? DEFAULT_RESTRICTION));
  if (options.addresses?.length) alert.push(el('addresses', options.addresses.map(capAddress).join(' ')));
  if (s.drill) alert.push(el('note', drillNote('nb') + ' ' + drillNote('en')));
  // [CAP 1.2 §3.2.1 references] a Cancel names what it cancels: every earlier alert of this alarm
  // to this receiver (the pipeline hands them over as `earlier`), sent by this same sender.
  const references = [
    ...(options.references ?? []),
    ...(restore ? (n.earlier ?? []).map((e) => ({ sender, identifier: e.id, sent: e.createdAt })) : []),
  ];
  if (references.length) {
    alert.push(el('references', references.map((r) => `${capToken(r.sender)},${capToken(r.identifier)},${capTime(r.sent)}`).join(' ')));
  }
  if (s.alarmId) alert.push(el('incidents', capToken(s.alarmId)));

  for (const { lang, code } of LANGUAGES) {
    const info: string[] = [
      el('language', code),
      el('category', 'Safety'),
      el('event', kindName(s.kind, lang)),
    ];
    if (evacuation && !restore) info.push(el('responseType', 'Evacuate'));
    if (restore) info.push(el('responseType', 'AllClear'));
    info.push(
      el('urgency', restore ? 'Past' : 'Immediate'),
      el('severity', evacuation || s.kind === 'panic' ? 'Extreme' : 'Severe'),
      el('certainty', 'Observed'),
      el('onset', capTime(s.raisedAt)),
      el('senderName', s.site.name),
      el('headline', headline(n, lang)),
      el('description', factLines(n, lang).join('\n')),
      el('instruction', instruction(n, lang)),
      area(n, lang),
    );
    alert.push(`<info>${info.join('')}</info>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="${CAP_NAMESPACE}">${alert.join('')}</alert>\n`;
}

function area(n: Notification, lang: Language): string {
  const s = n.subject;
  const desc = [siteLine(s), roomLine(s, lang)].filter(Boolean).join(' – ');
  const parts = [el('areaDesc', desc)];
  if (hasPosition(s)) {
    // [CAP 1.2 §3.2.4 circle] "lat,lon radius", WGS 84, radius in kilometres.
    const radiusKm = Math.max(0, (s.location?.accuracyM ?? 0) / 1000);
    parts.push(el('circle', `${decimal(s.location!.lat!, 6)},${decimal(s.location!.lon!, 6)} ${decimal(radiusKm, 3)}`));
  }
  return `<area>${parts.join('')}</area>`;
}

/** [CAP 1.2 §3.3.2] date-time with a numeric offset and no fractional seconds: 2026-11-26T15:00:00+00:00. */
export function capTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a timestamp: ${JSON.stringify(iso.slice(0, 40))}`);
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

/** identifier, sender and references must not hold spaces, commas, "<" or "&" (CAP 1.2 §3.2.1). */
function capToken(text: string): string {
  return xmlText(text).replace(/[\s,<&]+/g, '_') || '_';
}

function capAddress(address: string): string {
  const clean = xmlText(address).replace(/"/g, "'");
  return /\s/.test(clean) ? `"${clean}"` : clean;
}

function decimal(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '') || '0';
}

/** `<name>escaped text</name>` */
function el(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** Drops what XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF). */
export function xmlText(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

export function escapeXml(text: string): string {
  return xmlText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // A bare CR would be normalised away by the parser; keep it as a reference.
    .replace(/\r/g, '&#13;');
}
