import { Type, type Static } from 'typebox';
import { locationSchema } from '../messages/common';
import type { DeviceLocation } from '../messages/device-event';
import { answers, Id, IsoTime, NoBody } from './common';

/** A lone-work visit: `expiring` (alarm being raised) reads as `missed`; a position only once missed. */
export const VisitResource = Type.Object({
  id: Type.String(), siteId: Type.String(), deviceId: Type.Optional(Type.String()), person: Type.String(), address: Type.Optional(Type.String()),
  startedBy: Type.String({ description: 'A username, or `device:<id>` when started on the device' }),
  startedAt: IsoTime, until: IsoTime, state: Type.Enum(['active', 'missed', 'checked-out']),
  reminderSentAt: Type.Optional(IsoTime), missedAt: Type.Optional(IsoTime), alarmId: Type.Optional(Type.String()),
  checkedOutAt: Type.Optional(IsoTime), checkedOutBy: Type.Optional(Type.String()),
  location: Type.Optional(Type.Unsafe<DeviceLocation>(locationSchema)), locatedAt: Type.Optional(IsoTime),
}, { additionalProperties: false });
export type VisitResource = Static<typeof VisitResource>;

const Until = Type.String({ format: 'date-time', maxLength: 40 });
export const VisitStartBody = Type.Object({
  siteId: Type.Optional(Type.String({ maxLength: 64 })), deviceId: Type.Optional(Type.String({ maxLength: 64 })),
  person: Type.String({ minLength: 1, maxLength: 200 }), address: Type.String({ minLength: 1, maxLength: 300 }), until: Until,
}, { additionalProperties: false });
export type VisitStartBody = Static<typeof VisitStartBody>;
export const VisitExtendBody = Type.Object({ until: Until }, { additionalProperties: false });
export type VisitExtendBody = Static<typeof VisitExtendBody>;
export const VisitListQuery = Type.Object({
  state: Type.Optional(Type.Enum(['active', 'missed', 'checked-out'])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
}, { additionalProperties: false });
export type VisitListQuery = Static<typeof VisitListQuery>;
const VisitParams = Type.Object({ id: Id }, { additionalProperties: false });
const VisitAnswer = Type.Object({ visit: VisitResource }, { additionalProperties: false });

const tags = ['lone work'];
export const visitApi = {
  start: { tags, summary: 'Start a lone-work visit with a check-in deadline', body: VisitStartBody, response: answers({ 201: VisitAnswer }) },
  extend: { tags, summary: 'Move a visit\'s deadline', params: VisitParams, body: VisitExtendBody, response: answers({ 200: VisitAnswer }) },
  checkout: { tags, summary: 'Check out: the visit ends without an alarm', params: VisitParams, body: NoBody, response: answers({ 200: VisitAnswer }) },
  list: { tags, summary: 'Visits of the user\'s sites', querystring: VisitListQuery, response: answers({ 200: Type.Object({ visits: Type.Array(VisitResource) }, { additionalProperties: false }) }) },
} as const;
