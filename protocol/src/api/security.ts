import { Type, type Static } from 'typebox';
import { answers, ErrorBody, IsoTime, NoContent } from './common';

/** An account locked after failed logins. */
export const LoginLockout = Type.Object({
  username: Type.String(),
  knownUser: Type.Boolean({ description: 'False: a name that is no user (someone guessing)' }),
  failures: Type.Integer({ minimum: 0 }),
  lockedUntil: IsoTime,
}, { additionalProperties: false });
export type LoginLockout = Static<typeof LoginLockout>;

/** An SMS/voice provider's callback refused: the provider's own error shape, not a coded error. */
export const ProviderRefusal = Type.Object({ error: Type.String() }, { additionalProperties: false });

export const securityApi = {
  lockouts: { tags: ['security'], summary: 'Accounts locked after failed logins', response: answers({ 200: Type.Object({ lockouts: Type.Array(LoginLockout) }, { additionalProperties: false }) }) },
  unlock: {
    tags: ['security'], summary: 'Lift a login lockout',
    params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
    response: answers({ 200: Type.Object({ ok: Type.Literal(true), wasLocked: Type.Boolean() }, { additionalProperties: false }) }),
  },
  cspReport: {
    tags: ['security'], summary: 'Content Security Policy violation reports from browsers (application/csp-report or application/reports+json)',
    response: answers({ 204: NoContent }),
  },
  providerCallback: (summary: string) => ({
    tags: ['providers'], summary: `${summary}; the body is signed with HMAC-SHA256 in the provider's signature header`,
    params: Type.Object({ notifierId: Type.String() }),
    response: { 204: NoContent, '4xx': Type.Union([ProviderRefusal, ErrorBody]), '5xx': ErrorBody },
  }),
} as const;
