import { Type, type Static } from 'typebox';
import { ALARM_KINDS } from '../messages/alarm-state';
import { ID_PATTERN } from '../topics';
import { answers, Citation, Id, IsoTime, NnEn, Nullable, SiteParams } from './common';

/** Incident reports (avvik), docs/incidents-and-risk.md. */
export const INCIDENT_STATUSES = ['new', 'reviewed', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const FOLLOW_UP_STATUSES = ['open', 'in-progress', 'done'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
const closed = { additionalProperties: false } as const;

export const IncidentCatalogue = Type.Object({
  categories: Type.Array(Type.Object({ id: Type.String(), group: Type.Enum(['threats', 'violence']), name: NnEn, riskEventId: Nullable(Type.String()), citation: Type.Optional(Citation) }, closed)),
  consequenceScale: Type.Array(Type.Object({ value: Type.Integer(), name: NnEn, citation: Type.Optional(Citation) }, closed)),
  causeFactors: Type.Array(Type.Object({ id: Type.String(), name: NnEn, triggerLikelihood: Type.Optional(Type.Integer()), citation: Type.Optional(Citation) }, closed)),
  statuses: Type.Array(Type.Enum(INCIDENT_STATUSES)),
  actionStatuses: Type.Array(Type.Enum(FOLLOW_UP_STATUSES)),
}, closed);
export type IncidentCatalogue = Static<typeof IncidentCatalogue>;

export const FollowUpAction = Type.Object({
  id: Type.Optional(Type.String()), text: Nullable(Type.String()), owner: Nullable(Type.String()), due: Nullable(Type.String()), status: Type.Enum(FOLLOW_UP_STATUSES),
}, closed);
export type FollowUpAction = Static<typeof FollowUpAction>;

const incidentHead = {
  id: Type.String(), siteId: Type.String(), source: Type.Enum(['alarm', 'manual']), status: Type.Enum(INCIDENT_STATUSES),
  occurredAt: IsoTime, roomId: Nullable(Type.String()), roomName: Nullable(Type.String()),
  category: Nullable(Type.String()), categoryName: Nullable(NnEn), consequence: Nullable(Type.Integer()),
};
const Iso = Nullable(IsoTime);

/** A line of a list or the review queue: no narrative, names or case number. */
export const IncidentSummary = Type.Object({
  ...incidentHead,
  reportedToPolice: Type.Object({ reported: Type.Boolean() }, closed),
  alarmId: Nullable(Type.String()), openActions: Type.Integer(), overdueActions: Type.Integer(),
  createdAt: IsoTime, reviewedAt: Iso, closedAt: Iso, erasedAt: Iso,
}, closed);
export type IncidentSummary = Static<typeof IncidentSummary>;

const TimelineActor = Type.Object({
  type: Type.Enum(['user', 'device', 'system']), username: Type.Optional(Type.String()), name: Type.Optional(Type.String()), deviceId: Type.Optional(Type.String()),
}, closed);
/** What the report keeps of the alarm it was started from. */
export const IncidentAlarmPart = Type.Object({
  id: Type.String(), kind: Type.Enum(ALARM_KINDS), outcome: Type.Enum(['real', 'false', 'test', 'cleared']), deviceId: Type.Optional(Type.String()),
  raisedAt: IsoTime, acknowledgedAt: Type.Optional(IsoTime), resolvedAt: Type.Optional(IsoTime),
  secondsToAcknowledge: Type.Optional(Type.Number()),
  responders: Type.Array(Type.Object({ username: Type.Optional(Type.String()), name: Type.Optional(Type.String()), at: IsoTime }, closed)),
  timeline: Type.Array(Type.Object({
    seq: Type.Integer(), at: IsoTime, type: Type.String(), actor: Type.Optional(TimelineActor), outcome: Type.Optional(Type.String()),
    step: Type.Optional(Type.Integer()), stations: Type.Optional(Type.Array(Type.String())), reason: Type.Optional(Type.String()),
  }, closed)),
  person: Type.Optional(Type.String()), address: Type.Optional(Type.String()),
}, closed);
export type IncidentAlarmPart = Static<typeof IncidentAlarmPart>;

/** The whole report (every answer of it is logged as a read). */
export const Incident = Type.Object({
  ...incidentHead,
  consequenceName: Nullable(NnEn), causeFactors: Type.Array(Type.String()),
  reportedToPolice: Type.Object({ reported: Type.Boolean(), caseNumber: Nullable(Type.String()) }, closed),
  narrative: Nullable(Type.String()),
  reporter: Nullable(Type.Object({ username: Type.String(), name: Nullable(Type.String()) }, closed)),
  involved: Type.Array(Type.String()), alarm: Nullable(IncidentAlarmPart), actions: Type.Array(FollowUpAction),
  createdAt: IsoTime, createdBy: Nullable(Type.String()), updatedAt: Iso, reviewedAt: Iso, reviewedBy: Nullable(Type.String()), reviewNote: Nullable(Type.String()),
  closedAt: Iso, closedBy: Nullable(Type.String()), erasedAt: Iso,
}, closed);
export type Incident = Static<typeof Incident>;

export const IncidentAuditEntry = Type.Object({ at: IsoTime, username: Type.String(), action: Type.String(), via: Nullable(Type.String()) }, closed);
export const LeaderCopy = Type.Object({
  incidentId: Type.String(), recipient: Type.String(), channel: Type.String(), state: Type.String(), createdAt: IsoTime,
  notificationId: Nullable(Type.String()), dispatchedAt: Nullable(IsoTime),
}, closed);

const Ref = Type.String({ pattern: ID_PATTERN });
/**
 * The fields of a report, shared by create and change; unknown fields are refused. The
 * categories and cause factors are the report's catalogue, which the server owns: it passes
 * their ids in, the type stays `string`.
 */
export function incidentFields(categoryIds: readonly string[], causeFactorIds: readonly string[]) {
  return {
    occurredAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    roomId: Type.Optional(Nullable(Ref)),
    category: Type.Optional(Type.Unsafe<string>({ enum: [...categoryIds] })),
    consequence: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    causeFactors: Type.Optional(Type.Array(Type.Unsafe<string>({ enum: [...causeFactorIds] }), { uniqueItems: true, maxItems: causeFactorIds.length })),
    reportedToPolice: Type.Optional(Type.Object({ reported: Type.Boolean(), caseNumber: Type.Optional(Nullable(Type.String({ maxLength: 64 }))) }, closed)),
    narrative: Type.Optional(Nullable(Type.String({ maxLength: 8000 }))),
    involved: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 })),
    actions: Type.Optional(Type.Array(Type.Object({
      id: Type.Optional(Ref), text: Type.String({ minLength: 1, maxLength: 1000 }), owner: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
      due: Type.Optional(Nullable(Type.String({ format: 'date' }))), status: Type.Optional(Type.Enum(FOLLOW_UP_STATUSES)),
    }, closed), { maxItems: 50 })),
  };
}
const _anyFields = Type.Object(incidentFields([], []), closed);
/** A report's fields as a client sends them (create adds `siteId`; change sends at least one). */
export type IncidentInput = Static<typeof _anyFields>;
export const NoteBody = Type.Union([Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, closed), Type.Null()]);

const tags = ['incidents'];
const IncidentParams = Type.Object({ id: Id }, closed);
/** Request schemas stay next to the catalogue they check against (server/src/incidents/incident-routes.ts). */
export const incidentAnswers = {
  catalogue: { tags, summary: 'Categories, consequence scale and cause factors of incident reports', response: answers({ 200: IncidentCatalogue }) },
  create: { tags, summary: 'Report an incident', response: answers({ 201: Incident }) },
  list: { tags, summary: 'Incident reports the user may see', response: answers({ 200: Type.Object({ incidents: Type.Array(IncidentSummary) }, closed) }) },
  get: { tags, summary: 'An incident report', params: IncidentParams, response: answers({ 200: Incident }) },
  change: { tags, summary: 'Change an incident report', response: answers({ 200: Incident }) },
  review: { tags, summary: 'Mark a report reviewed', response: answers({ 200: Incident }) },
  close: { tags, summary: 'Close a report', response: answers({ 200: Incident }) },
  audit: { tags, summary: 'Who read or changed a report', params: IncidentParams, response: answers({ 200: Type.Object({ entries: Type.Array(IncidentAuditEntry) }, closed) }) },
  reviewQueue: {
    tags, summary: 'Reports waiting for review at a site', params: SiteParams,
    response: answers({ 200: Type.Object({ siteId: Type.String(), asOf: IsoTime, counts: Type.Object({ new: Type.Integer(), reviewed: Type.Integer() }, closed), incidents: Type.Array(IncidentSummary) }, closed) }),
  },
  export: {
    tags, summary: 'Export a site\'s reports (JSON, or CSV with ?format=csv)',
    response: answers({ 200: Type.Object({ siteId: Type.String(), exportedAt: IsoTime, incidents: Type.Array(Incident) }, closed) }),
  },
  leaderCopies: { tags, summary: 'Copies of reports sent to the site\'s leaders', params: SiteParams, response: answers({ 200: Type.Object({ copies: Type.Array(LeaderCopy) }, closed) }) },
} as const;
