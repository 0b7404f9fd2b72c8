import { Type, type Static } from 'typebox';
import { answers, Ok } from './common';
import { Station } from './devices';

/** An enrolled station PC's credential (server/src/stations/): never the secret, which only the PC's cookie holds. */
export const StationCredential = Type.Object({
  id: Type.String(), siteId: Type.String(), stationId: Type.String(), stationName: Type.Optional(Type.String()), label: Type.Optional(Type.String()),
  createdAt: Type.Number({ description: 'Epoch milliseconds' }), createdBy: Type.String(),
  lastContactAt: Type.Optional(Type.Number()), revokedAt: Type.Optional(Type.Number()), revokedBy: Type.Optional(Type.String()),
  connected: Type.Boolean(),
}, { additionalProperties: false });
export type StationCredential = Static<typeof StationCredential>;

export const EnrolBody = Type.Union([
  Type.Object({ label: Type.Optional(Type.String({ minLength: 1, maxLength: 80, pattern: '^[^\\u0000-\\u001f\\u007f]*$' })) }, { additionalProperties: false }),
  Type.Null(),
]);
export type EnrolBody = Static<typeof EnrolBody>;
const StationParams = Type.Object({ stationId: Type.String({ minLength: 1, maxLength: 64 }) });
const CredentialParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const CredentialAnswer = Type.Object({ credential: StationCredential }, { additionalProperties: false });

const tags = ['stations'];
export const stationApi = {
  enrol: { tags, summary: 'Make this browser a station PC: issues a credential in an HttpOnly cookie', params: StationParams, body: EnrolBody, response: answers({ 201: CredentialAnswer }) },
  credentials: { tags, summary: 'Station PCs of the user\'s sites', response: answers({ 200: Type.Object({ credentials: Type.Array(StationCredential) }, { additionalProperties: false }) }) },
  revoke: { tags, summary: 'Revoke a station PC (its sockets close at once)', params: CredentialParams, response: answers({ 200: CredentialAnswer }) },
  thisStation: {
    tags, summary: 'Which station this PC is (the station cookie); renews the cookie',
    response: answers({ 200: Type.Object({ station: Station, credentialId: Type.String(), enrolledAt: Type.Number() }, { additionalProperties: false }) }),
  },
  forget: { tags, summary: 'This PC forgets its enrolment (and revokes it)', response: answers({ 200: Ok }) },
} as const;
