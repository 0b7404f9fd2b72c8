/**
 * What a Notification becomes at the ARC: the DC-09 ID token and data block (pure, no I/O).
 * The code table lives in protocol/src/dc09/event-codes.ts and docs/sia-dc09.md.
 */
import {
  dc09EventFor,
  encodeContactId,
  encodeSiaDcs,
  type Dc09Event,
  type Dc09TechnicalCondition,
} from '@trygg/protocol';
import type { Notification, NotificationSubject } from '../../notifier';
import type { ResolvedArcTarget } from './config';

export interface ArcMessage {
  id: 'SIA-DCS' | 'ADM-CID' | 'NULL';
  /** The data block between `[` and `]`. */
  data: string;
  event?: Dc09Event;
  zone?: number;
}

/**
 * Facts the Notification port does not carry yet (a duress alarm, which technical condition),
 * supplied by the caller as a function; absent, alarms are not duress and technical alarms are
 * sent as generic device trouble.
 */
export type ArcClassifier = (n: Notification) => { duress?: boolean; condition?: Dc09TechnicalCondition };

/**
 * The Contact ID zone / SIA address for a subject, first match wins: the room's id, the room of
 * the portable alarm's last location, the device id, then the target's `defaultZone`. The ARC
 * holds the matching zone list for the site, so the guard knows where to go.
 */
export function zoneFor(subject: NotificationSubject, target: ResolvedArcTarget): number {
  for (const id of [subject.room?.id, subject.location?.roomId, subject.deviceId]) {
    if (id !== undefined && Object.hasOwn(target.zones, id)) return target.zones[id]!;
  }
  return target.defaultZone;
}

export function arcMessageFor(n: Notification, target: ResolvedArcTarget, classify?: ArcClassifier): ArcMessage {
  if (n.purpose === 'link-test') return { id: 'NULL', data: '' };
  const extra = classify?.(n) ?? {};
  // `evacuation` as a purpose is an alarm to the ARC; only `restore` closes one.
  const event = dc09EventFor({ kind: n.subject.kind, drill: n.subject.drill, ...extra }, n.purpose === 'restore');
  const zone = zoneFor(n.subject, target);
  const data =
    target.format === 'ADM-CID'
      ? encodeContactId({ account: target.account, qualifier: event.cid.qualifier, event: event.cid.event, partition: target.area, zone })
      : encodeSiaDcs({ account: target.account, area: target.area, code: event.sia, zone });
  return { id: target.format, data, event, zone };
}
