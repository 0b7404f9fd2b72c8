import { Type, type Static } from 'typebox';
import { answers, Citation, IsoTime, NnEn, NoContent } from './common';

/** ROS risk register (docs/incidents-and-risk.md). */
const closed = { additionalProperties: false } as const;
export const RISK_LEVELS = ['red', 'yellow', 'green'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const MEASURE_STATUSES = ['proposed', 'planned', 'in-progress', 'done', 'rejected'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];
export const MEASURE_KINDS = ['preventive', 'damage-limiting'] as const;
const Level = Type.Enum(RISK_LEVELS);

export const RiskMeasure = Type.Object({
  id: Type.String(), siteId: Type.String(), eventIds: Type.Array(Type.String()), kind: Type.Enum(MEASURE_KINDS), templateId: Type.Optional(Type.String()),
  text: NnEn, owner: Type.Optional(Type.String()), status: Type.Enum(MEASURE_STATUSES), due: Type.Optional(Type.String({ description: 'YYYY-MM-DD' })),
  createdBy: Type.String(), createdAt: IsoTime, updatedBy: Type.String(), updatedAt: IsoTime,
}, closed);
export type RiskMeasure = Static<typeof RiskMeasure>;

export const RiskEvent = Type.Object({
  id: Type.String(), group: Type.Enum(['threats', 'violence']), name: NnEn, likelihood: Type.Integer(), consequence: Type.Integer(), level: Level,
  source: Type.Enum(['report', 'site'], { description: '`site`: edited for this site (the report\'s values stay in `report`)' }),
  report: Type.Object({ likelihood: Type.Integer(), consequence: Type.Integer(), level: Level, word: Type.String(), citation: Citation }, closed),
  edit: Type.Optional(Type.Object({ note: Type.Optional(Type.String()), updatedBy: Type.String(), updatedAt: IsoTime }, closed)),
  observed: Type.Object({ count12m: Type.Integer(), likelihood: Type.Integer(), level: Level, differs: Type.Boolean() }, closed),
  measures: Type.Array(RiskMeasure),
  needsMeasures: Type.Boolean({ description: 'Red and no measure that is not rejected: the report says red "krev tiltak"' }),
}, closed);
export type RiskEvent = Static<typeof RiskEvent>;

/**
 * The rule that gives a level from likelihood and consequence, with the report's citations and
 * how observed likelihood is binned. Its texts are the report's; the parts the console reads
 * are named, the rest of the rule's explanation is allowed on purpose.
 */
export const RiskRule = Type.Object({
  description: NnEn, levels: Type.Record(Type.String(), NnEn), matrix: Type.Array(Type.Array(Level)),
  observed: Type.Object({ description: NnEn }, { additionalProperties: true }),
}, { additionalProperties: true });

export const RiskRegister = Type.Object({
  siteId: Type.String(), asOf: IsoTime, rule: RiskRule, events: Type.Array(RiskEvent), observedUnmapped12m: Type.Integer(),
}, closed);
export type RiskRegister = Static<typeof RiskRegister>;

/** The report's catalogue: events, measures and scales with their citations (open: the report's own structure). */
export const RiskCatalogue = Type.Object({
  events: Type.Array(Type.Object({ id: Type.String(), name: NnEn }, { additionalProperties: true })),
  measures: Type.Array(Type.Object({ id: Type.String(), kind: Type.Enum(MEASURE_KINDS), text: NnEn }, { additionalProperties: true })),
  likelihoodScale: Type.Array(Type.Object({ value: Type.Integer(), name: NnEn }, { additionalProperties: true })),
  consequenceScale: Type.Array(Type.Object({ value: Type.Integer(), name: NnEn }, { additionalProperties: true })),
  scalesCitation: Citation,
  rule: Type.Object({}, { additionalProperties: true }),
}, closed);
export type RiskCatalogue = Static<typeof RiskCatalogue>;

const tags = ['risk register'];
/** Request schemas stay next to the report's catalogue they check against (server/src/risk/risk-routes.ts). */
export const riskAnswers = {
  catalogue: { tags, summary: 'The report\'s risk catalogue', response: answers({ 200: RiskCatalogue }) },
  register: { tags, summary: 'A site\'s risk register', response: answers({ 200: RiskRegister }) },
  editEvent: { tags, summary: 'Set an event\'s likelihood and consequence for a site', response: answers({ 200: RiskEvent }) },
  resetEvent: { tags, summary: 'Back to the report\'s values', response: answers({ 200: RiskEvent }) },
  measures: { tags, summary: 'A site\'s measures', response: answers({ 200: Type.Object({ measures: Type.Array(RiskMeasure) }, closed) }) },
  addMeasure: { tags, summary: 'Add a measure (from the report or its own text)', response: answers({ 201: RiskMeasure }) },
  changeMeasure: { tags, summary: 'Change a measure', response: answers({ 200: RiskMeasure }) },
  deleteMeasure: { tags, summary: 'Remove a measure', response: answers({ 204: NoContent }) },
} as const;
