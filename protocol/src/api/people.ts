import { Type } from 'typebox';
import { answers } from './common';

const UsernameParams = Type.Object({ username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' }) }, { additionalProperties: false });

/**
 * Everything stored about a person (GDPR access): the user, sessions, alarms with their
 * timelines, messages, roll calls, visits and records of the features. Its parts follow the
 * stores they come from, so the document is open beyond the fields named here on purpose.
 */
export const PersonExport = Type.Object({
  exportedAt: Type.String({ format: 'date-time' }),
  user: Type.Object({ username: Type.String() }, { additionalProperties: true }),
}, { additionalProperties: true });

export const PersonErased = Type.Object({
  pseudonym: Type.String(),
  configVersion: Type.Optional(Type.Integer()),
  changed: Type.Record(Type.String(), Type.Integer(), { description: 'How many records of each kind were changed' }),
}, { additionalProperties: false });

const tags = ['people'];
export const peopleApi = {
  export: { tags, summary: 'Everything stored about a person (a JSON download)', params: UsernameParams, response: answers({ 200: PersonExport }) },
  erase: { tags, summary: 'Erase a person: removed from the configuration, history kept under a pseudonym', params: UsernameParams, response: answers({ 200: PersonErased }) },
} as const;
