import { Type, type Static } from 'typebox';
import { ConsoleEvacuationSchema, ROLL_CALL_STATES, RollCallCountsSchema } from '../console-messages';
import { answers, Bilingual, Id, IsoTime, NoBody, SiteParams } from './common';

export const EVACUATION_CHANNELS = ['sms', 'voice', 'email', 'cap', 'console'] as const;
export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export const ANSWER_VIA = ['console', 'sms', 'voice', 'app', 'marked'] as const;

/** An evacuation (docs/evacuation.md). */
export const EvacuationResource = Type.Object({
  id: Type.String(), siteId: Type.String(), drill: Type.Boolean(), state: ConsoleEvacuationSchema.properties.state,
  trigger: Type.Enum(['user', 'device']), startedAt: IsoTime, startedBy: Type.String(),
  deviceId: Type.Optional(Type.String()), message: Type.Optional(Type.String()), alarmId: Type.Optional(Type.String()),
  assemblyPoint: Bilingual, banner: Bilingual,
  fanoutMs: Type.Optional(Type.Number({ description: 'How long telling everyone took' })),
  endedAt: Type.Optional(IsoTime), endedBy: Type.Optional(Type.String()),
}, { additionalProperties: false });
export type EvacuationResource = Static<typeof EvacuationResource>;

export const RollCallPerson = Type.Object({
  username: Type.String(), name: Type.String(), state: Type.Enum(ROLL_CALL_STATES),
  safeAt: Type.Optional(IsoTime), needsHelpAt: Type.Optional(IsoTime), via: Type.Optional(Type.Enum(ANSWER_VIA)),
  channels: Type.Array(Type.Object({ channel: Type.Enum(EVACUATION_CHANNELS), state: Type.Enum(DELIVERY_STATES), detail: Type.Optional(Type.String()) }, { additionalProperties: false })),
}, { additionalProperties: false });
export type RollCallPerson = Static<typeof RollCallPerson>;

const rollCallProperties = {
  evacuation: EvacuationResource,
  people: Type.Array(RollCallPerson),
  parties: Type.Array(Type.Object({ target: Type.String(), channel: Type.Enum(EVACUATION_CHANNELS), state: Type.Enum(DELIVERY_STATES) }, { additionalProperties: false })),
  counts: RollCallCountsSchema,
};
/** The live roll call: people (help and unreached first), the external receivers, and the counts. */
export const RollCall = Type.Object(rollCallProperties, { additionalProperties: false });
export type RollCall = Static<typeof RollCall>;
const Started = Type.Object({ created: Type.Boolean({ description: 'False: one was already running; this is it' }), ...rollCallProperties }, { additionalProperties: false });

export const EvacuationStartBody = Type.Union([
  Type.Object({ drill: Type.Optional(Type.Boolean()), message: Type.Optional(Type.String({ maxLength: 300 })) }, { additionalProperties: false }),
  Type.Null(),
]);
export type EvacuationStartBody = Static<typeof EvacuationStartBody>;
export const EvacuationListQuery = Type.Object({
  state: Type.Optional(Type.Enum(['running', 'ended'])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
}, { additionalProperties: false });
export type EvacuationListQuery = Static<typeof EvacuationListQuery>;
const EvacuationParams = Type.Object({ id: Id }, { additionalProperties: false });
export const PersonAnswerParams = Type.Object({ id: Id, username: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
export type PersonAnswerParams = Static<typeof PersonAnswerParams>;
export const PersonAnswerBody = Type.Union([Type.Object({ answer: Type.Optional(Type.Enum(['safe', 'needs-help'])) }, { additionalProperties: false }), Type.Null()]);
export type PersonAnswerBody = Static<typeof PersonAnswerBody>;

const tags = ['evacuation'];
export const evacuationApi = {
  start: {
    tags, summary: 'Start an evacuation of a site (a second start answers the running one, 200)', params: SiteParams, body: EvacuationStartBody,
    response: answers({ 200: Started, 201: Started }),
  },
  list: { tags, summary: 'Evacuations of the user\'s sites, newest first', querystring: EvacuationListQuery, response: answers({ 200: Type.Object({ evacuations: Type.Array(EvacuationResource) }, { additionalProperties: false }) }) },
  rollCall: { tags, summary: 'The live roll call', params: EvacuationParams, response: answers({ 200: RollCall }) },
  end: { tags, summary: 'End an evacuation', params: EvacuationParams, body: NoBody, response: answers({ 200: RollCall }) },
  safe: {
    tags, summary: '"I\'m safe", for oneself', params: EvacuationParams, body: NoBody,
    response: answers({ 200: Type.Object({ username: Type.String(), state: Type.Literal('safe'), safeAt: IsoTime }, { additionalProperties: false }) }),
  },
  answerFor: {
    tags, summary: 'The roll-call leader marks someone safe or needing help', params: PersonAnswerParams, body: PersonAnswerBody,
    response: answers({ 200: Type.Object({ username: Type.String(), answer: Type.Optional(Type.Enum(['safe', 'needs-help'])), via: Type.Optional(Type.Enum(ANSWER_VIA)) }, { additionalProperties: false }) }),
  },
} as const;
