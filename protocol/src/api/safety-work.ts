import { Type, type Static } from 'typebox';
import { answers, Bilingual, IsoTime, Nullable } from './common';

/** Drills and statistics, meetings with elevated risk, the banned clients register (docs/drills-meetings-banned-clients.md). */
const closed = { additionalProperties: false } as const;
const Seconds = Nullable(Type.Number());

export const DRILL_KINDS = ['panic', 'personal', 'man-down', 'no-checkin'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];
export const Drill = Type.Object({
  id: Type.String(), siteId: Type.String(), roomId: Type.Optional(Type.String()), kind: Type.Enum(DRILL_KINDS),
  state: Type.Enum(['planned', 'running', 'finished', 'cancelled']), note: Type.Optional(Type.String()),
  plannedAt: Type.Optional(IsoTime), startedAt: Type.Optional(IsoTime), endsAt: Type.Optional(IsoTime), durationMinutes: Type.Number(),
  endedAt: Type.Optional(IsoTime), endedBy: Type.Optional(Type.String()), createdBy: Type.String(), createdAt: Type.Optional(IsoTime),
  alarmIds: Type.Array(Type.String()),
}, closed);
export type Drill = Static<typeof Drill>;

const At = { at: IsoTime, seconds: Type.Number() };
export const DrillAlarmTimes = Type.Object({
  alarmId: Type.String(), kind: Type.String(), roomId: Type.Optional(Type.String()), drill: Type.Boolean(), state: Type.String(),
  outcome: Type.Optional(Type.String()), chainId: Type.String(), raisedAt: IsoTime,
  steps: Type.Array(Type.Object({
    step: Type.Integer(), ...At, stations: Type.Array(Type.String()), online: Type.Array(Type.String()), external: Type.Array(Type.String()),
    skipped: Type.Optional(Type.String()), repeat: Type.Optional(Type.Integer()),
  }, closed)),
  acknowledged: Type.Optional(Type.Object({ ...At, by: Type.String() }, closed)),
  responders: Type.Array(Type.Object({ username: Type.String(), name: Type.String(), ...At }, closed)),
  onScene: Type.Optional(Type.Object({ ...At, by: Type.String() }, closed)),
  reEscalated: Type.Array(Type.Object(At, closed)),
  closed: Type.Optional(Type.Object({ ...At, how: Type.Enum(['resolved', 'cancelled']), outcome: Type.Optional(Type.String()), by: Type.String() }, closed)),
}, closed);
export type DrillAlarmTimes = Static<typeof DrillAlarmTimes>;

export const SUMMARY_METRICS = ['secondsToFirstNotification', 'secondsToAcknowledge', 'secondsToResponding', 'secondsToOnScene', 'secondsToClose'] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];
export const ResponseSummary = Type.Object({
  secondsToFirstNotification: Seconds, secondsToAcknowledge: Seconds, secondsToResponding: Seconds, secondsToOnScene: Seconds, secondsToClose: Seconds,
  responders: Type.Integer(),
}, closed);
export type ResponseSummary = Static<typeof ResponseSummary>;
const PerMetric = Type.Object(Object.fromEntries(SUMMARY_METRICS.map((m) => [m, Seconds])) as Record<SummaryMetric, typeof Seconds>, closed);
export const DrillReport = Type.Object({
  drill: Drill, alarms: Type.Array(DrillAlarmTimes), summary: ResponseSummary, respondedBy: Type.Array(Type.String()),
  comparison: Type.Object({
    earlier: Type.Array(Type.Object({ drillId: Type.String(), startedAt: IsoTime, summary: ResponseSummary }, closed)),
    average: PerMetric, difference: PerMetric,
  }, closed),
}, closed);
export type DrillReport = Static<typeof DrillReport>;

export const Durations = Type.Object({ count: Type.Integer(), median: Seconds, mean: Seconds, max: Seconds }, closed);
export type Durations = Static<typeof Durations>;
export const MonthStatistics = Type.Object({
  month: Type.String(), alarms: Type.Integer(), byKind: Type.Record(Type.String(), Type.Integer()),
  acknowledged: Type.Integer(), secondsToAcknowledge: Durations, responding: Type.Integer(), secondsToResponding: Durations,
  onScene: Type.Integer(), secondsToOnScene: Durations, falseAlarms: Type.Integer(), falseAlarmRate: Seconds,
  drillAlarms: Type.Integer({ description: 'Drill alarms of the month (not in the figures above)' }),
  testAlarms: Type.Integer({ description: 'Not drills, but resolved as "test or drill" (not in the figures above)' }),
  deviceTests: Nullable(Type.Object({ devices: Type.Integer(), tested: Type.Integer(), coverage: Seconds }, closed)),
}, closed);
export type MonthStatistics = Static<typeof MonthStatistics>;
export const Statistics = Type.Object({
  siteId: Type.String(), from: IsoTime, to: IsoTime, definitions: Type.Record(Type.String(), Type.String()), months: Type.Array(MonthStatistics),
}, closed);
export type Statistics = Static<typeof Statistics>;

export const MEETING_REASONS = ['assessed-dangerous', 'earlier-threats-or-violence', 'difficult-decision', 'banned-client-appointment', 'other'] as const;
export type MeetingReason = (typeof MEETING_REASONS)[number];
export const Meeting = Type.Object({
  id: Type.String(), siteId: Type.String(), roomId: Type.String(), roomName: Type.String(), owner: Type.String(), reason: Type.Enum(MEETING_REASONS),
  state: Type.Enum(['planned', 'active', 'missed', 'closed']), from: IsoTime, to: IsoTime, createdAt: IsoTime,
  closedAt: Type.Optional(IsoTime), closedBy: Type.Optional(Type.String()), missedAt: Type.Optional(IsoTime), alarmId: Type.Optional(Type.String()),
  chainId: Nullable(Type.String()), standby: Type.Optional(Bilingual),
}, closed);
export type Meeting = Static<typeof Meeting>;
export const MeetingChecklist = Type.Object({
  source: Type.String(), items: Type.Array(Type.Object({ id: Type.String(), nb: Type.String(), en: Type.String() }, closed)),
}, closed);
export type MeetingChecklist = Static<typeof MeetingChecklist>;

export const BannedClientEntry = Type.Object({
  id: Type.String(), name: Type.String(), birthYear: Type.Optional(Type.Integer()), birthDate: Type.Optional(Type.String()), sites: Type.Array(Type.String()),
  decision: Type.Object({ date: Type.String(), decidedBy: Type.String(), legalBasis: Type.String() }, closed),
  from: IsoTime, to: IsoTime, createdBy: Type.String(), createdAt: IsoTime, updatedBy: Type.Optional(Type.String()), updatedAt: Type.Optional(IsoTime),
}, closed);
export type BannedClientEntry = Static<typeof BannedClientEntry>;
export const BannedAuditEntry = Type.Object({
  id: Type.Integer(), at: IsoTime, username: Type.String(), role: Type.String(), siteId: Type.Optional(Type.String()), action: Type.String(),
  reason: Type.Optional(Type.String()), entryId: Type.Optional(Type.String()), matched: Type.Optional(Type.Boolean()), appliesHere: Type.Optional(Type.Boolean()),
}, closed);
export type BannedAuditEntry = Static<typeof BannedAuditEntry>;
export const BannedCheckResult = Type.Object({
  match: Type.Boolean(), appliesHere: Type.Boolean(), until: Type.Optional(Type.String()), notice: Bilingual,
}, closed);
export type BannedCheckResult = Static<typeof BannedCheckResult>;

const Day = Type.String({ format: 'date', maxLength: 10 });
/** The minimum to recognise a person and the decision: nothing else is accepted. */
export const BannedClientInput = Type.Object({
  name: Type.String({ minLength: 2, maxLength: 200 }), birthYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })), birthDate: Type.Optional(Day),
  sites: Type.Array(Type.String({ pattern: '^(\\*|[A-Za-z0-9_-]{1,64})$' }), { minItems: 1, maxItems: 500 }),
  decision: Type.Object({
    date: Day, decidedBy: Type.String({ minLength: 1, maxLength: 200 }), legalBasis: Type.String({ minLength: 1, maxLength: 1000 }),
  }, closed),
  from: Type.String({ format: 'date-time', maxLength: 40 }), to: Type.String({ format: 'date-time', maxLength: 40 }),
}, closed);
export type BannedClientInput = Static<typeof BannedClientInput>;

const DrillAnswer = Type.Object({ drill: Drill }, closed);
const MeetingAnswer = Type.Object({ meeting: Meeting }, closed);
const EntryAnswer = Type.Object({ entry: BannedClientEntry, notice: Bilingual }, closed);
/** Request schemas stay in the route files (server/src/safety-work/*); these are the answers. */
export const safetyWorkAnswers = {
  planDrill: { tags: ['drills'], summary: 'Plan or start a drill', response: answers({ 201: DrillAnswer }) },
  drills: { tags: ['drills'], summary: 'A site\'s drills', response: answers({ 200: Type.Object({ drills: Type.Array(Drill) }, closed) }) },
  drill: { tags: ['drills'], summary: 'A drill', response: answers({ 200: DrillAnswer }) },
  endDrill: { tags: ['drills'], summary: 'End a drill', response: answers({ 200: DrillAnswer }) },
  drillReport: { tags: ['drills'], summary: 'A drill\'s response times, compared with earlier drills', response: answers({ 200: DrillReport }) },
  statistics: { tags: ['drills'], summary: 'Monthly alarm and response-time statistics of a site', response: answers({ 200: Statistics }) },
  planMeeting: {
    tags: ['meetings'], summary: 'Plan a meeting with elevated risk',
    response: answers({ 201: Type.Object({ meeting: Meeting, checklist: MeetingChecklist, chain: Nullable(Type.Object({ id: Type.String(), name: Type.Optional(Type.String()) }, closed)) }, closed) }),
  },
  meetings: { tags: ['meetings'], summary: 'Meetings the user may see', response: answers({ 200: Type.Object({ meetings: Type.Array(Meeting) }, closed) }) },
  meeting: { tags: ['meetings'], summary: 'A meeting (with the checklist for its owner)', response: answers({ 200: Type.Object({ meeting: Meeting, checklist: Type.Optional(MeetingChecklist) }, closed) }) },
  closeMeeting: { tags: ['meetings'], summary: 'Close a meeting', response: answers({ 200: MeetingAnswer }) },
  checkBanned: { tags: ['banned clients'], summary: 'Reception checks a name (a neutral answer outside the site)', response: answers({ 200: BannedCheckResult }) },
  bannedList: { tags: ['banned clients'], summary: 'The register', response: answers({ 200: Type.Object({ entries: Type.Array(BannedClientEntry), notice: Bilingual }, closed) }) },
  bannedCreate: { tags: ['banned clients'], summary: 'Add an entry', response: answers({ 201: EntryAnswer }) },
  bannedAudit: { tags: ['banned clients'], summary: 'Every lookup and change, with reason', response: answers({ 200: Type.Object({ audit: Type.Array(BannedAuditEntry), retentionDays: Type.Integer() }, closed) }) },
  bannedEntry: { tags: ['banned clients'], summary: 'An entry', response: answers({ 200: EntryAnswer }) },
  bannedEdit: { tags: ['banned clients'], summary: 'Change an entry', response: answers({ 200: EntryAnswer }) },
  bannedDelete: { tags: ['banned clients'], summary: 'Remove an entry', response: answers({ 200: Type.Object({ ok: Type.Literal(true), notice: Bilingual }, closed) }) },
} as const;
