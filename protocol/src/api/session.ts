import { Type, type Static } from 'typebox';
import { answers, Ok, Role } from './common';

/** The logged-in user as the API shows them (no password hash). */
export const SessionUser = Type.Object({
  username: Type.String(), name: Type.String(), role: Role, sites: Type.Array(Type.String()),
}, { additionalProperties: false });
export type SessionUser = Static<typeof SessionUser>;
const UserAnswer = Type.Object({ user: SessionUser }, { additionalProperties: false });
const Ended = Type.Object({ ok: Type.Literal(true), endedSessions: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;
export const PasswordChangeBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;

const tags = ['session'];
export const sessionApi = {
  login: { tags, summary: 'Log in: sets the httpOnly session cookie', body: LoginBody, response: answers({ 200: UserAnswer }) },
  current: { tags, summary: 'Who is logged in', response: answers({ 200: UserAnswer }) },
  logout: { tags, summary: 'Log out (the session of the cookie sent, if any)', response: answers({ 200: Ok }) },
  logoutAll: { tags, summary: 'End every session of the user', response: answers({ 200: Ended }) },
  changePassword: { tags, summary: 'Change one\'s own password; other sessions end', body: PasswordChangeBody, response: answers({ 200: Ended }) },
} as const;
