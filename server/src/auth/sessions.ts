import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '@trygg/protocol';
import type { OfficeDirectory } from '../config/office-directory';
import type { Role, UserConfig } from '../config/types';
import { TryggError } from '../errors';
import type { Store } from '../store/store';
import { PUBLISHED_PASSWORDS } from './known-passwords';
import { hashPassword, verifyPassword } from './password';

export const SESSION_COOKIE = 'trygg_session';
// Verifying against a fixed hash for unknown users keeps login time independent of whether the user exists.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
export const MIN_PASSWORD_LENGTH = 10;

export interface SessionTimeouts {
  /** A session not used for this long ends (not while a console WebSocket of it is open). */
  idleMs: number;
  /** A session ends this long after login, used or not. */
  maxMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };

const roleRank: Record<Role, number> = { employee: 0, responder: 1, security: 2, manager: 3, admin: 4 };

export function hasRole(user: UserConfig, atLeast: Role): boolean {
  return roleRank[user.role] >= roleRank[atLeast];
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Where a user's new password hash is written (the stored configuration, as a new version). */
export type PasswordWriter = (username: string, passwordHash: string) => void;

/**
 * Sessions are stored (hashed token only), so consoles stay logged in across a server restart.
 * The stored expiry is the idle deadline, pushed forward on use and never past createdAt + maxMs.
 * An alarm console must not silently lose its watch: while a console WebSocket of a session is
 * open (watch()), the idle timeout does not apply; the absolute one does.
 */
export class SessionService {
  private readonly timeouts: SessionTimeouts;
  /** Token hash -> open console sockets. In memory: after a restart the sockets reconnect and watch again. */
  private readonly watched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly directory: OfficeDirectory,
    private readonly clock: Clock,
    timeouts: Partial<SessionTimeouts> = {},
  ) {
    this.timeouts = { idleMs: timeouts.idleMs ?? DEFAULT_SESSION_TIMEOUTS.idleMs, maxMs: timeouts.maxMs ?? DEFAULT_SESSION_TIMEOUTS.maxMs };
  }

  private deadline(createdAt: number, now: number): number {
    return Math.min(now + this.timeouts.idleMs, createdAt + this.timeouts.maxMs);
  }

  async login(username: string, password: string): Promise<{ token: string; user: UserConfig; expiresAt: number } | null> {
    const user = this.directory.user(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) return null;
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.store.purgeExpiredSessions(now);
    await this.store.createSession({ tokenHash: hashToken(token), username, createdAt: now, expiresAt: this.deadline(now, now) });
    // The cookie lives until the absolute limit; the idle limit is the server's to decide.
    return { token, user, expiresAt: now + this.timeouts.maxMs };
  }

  async userFor(token: string | undefined): Promise<UserConfig | undefined> {
    if (!token || token.length > 200) return undefined;
    const hash = hashToken(token);
    const now = this.clock.now();
    const watched = this.watched.has(hash);
    // A watched session is read whatever its idle deadline; the absolute limit is checked below.
    const session = await this.store.getSession(hash, watched ? Number.MIN_SAFE_INTEGER : now);
    if (!session) return undefined;
    if (now >= session.createdAt + this.timeouts.maxMs) {
      await this.store.deleteSession(hash);
      return undefined;
    }
    const next = this.deadline(session.createdAt, now);
    // A write only when the deadline moves by a minute or more: not one per request.
    if (next - session.expiresAt >= Math.min(60_000, this.timeouts.idleMs / 10)) await this.store.touchSession(hash, next);
    return this.directory.user(session.username);
  }

  /** A console WebSocket of this session opened; call the returned function when it closes. */
  watch(token: string | undefined): () => void {
    if (!token) return () => undefined;
    const hash = hashToken(token);
    this.watched.set(hash, (this.watched.get(hash) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.watched.get(hash) ?? 1) - 1;
      if (left > 0) return void this.watched.set(hash, left);
      this.watched.delete(hash);
      // The idle timeout starts again from the moment the console went away.
      void this.store.getSession(hash, Number.MIN_SAFE_INTEGER)
        .then((s) => (s ? this.store.touchSession(hash, this.deadline(s.createdAt, this.clock.now())) : undefined))
        .catch(() => undefined);
    };
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.store.deleteSession(hashToken(token));
  }

  /** Ends every session of the token's user, this one included. Returns how many ended. */
  async logoutEverywhere(token: string | undefined): Promise<{ user: UserConfig; endedSessions: number }> {
    const user = await this.userFor(token);
    if (!user) throw new TryggError('TRYGG_SRV_UNAUTHENTICATED');
    return { user, endedSessions: await this.store.deleteUserSessions(user.username) };
  }

  /**
   * The user changes their own password: the current one must verify, the new one is hashed with
   * scrypt and stored, and every other session of the user ends (this one stays).
   */
  async changePassword(token: string | undefined, current: string, next: string, write: PasswordWriter): Promise<{ user: UserConfig; endedSessions: number }> {
    const user = await this.userFor(token);
    if (!user || !token) throw new TryggError('TRYGG_SRV_UNAUTHENTICATED');
    if (!(await verifyPassword(current, user.passwordHash))) throw new TryggError('TRYGG_SRV_WRONG_PASSWORD');
    if ([...next].length < MIN_PASSWORD_LENGTH) throw new TryggError('TRYGG_SRV_WEAK_PASSWORD', [`at least ${MIN_PASSWORD_LENGTH} characters`]);
    if (next === current) throw new TryggError('TRYGG_SRV_WEAK_PASSWORD', ['it is the current password']);
    if (PUBLISHED_PASSWORDS.includes(next)) throw new TryggError('TRYGG_SRV_WEAK_PASSWORD', ['it is a published demo password']);
    write(user.username, await hashPassword(next));
    const endedSessions = await this.store.deleteUserSessions(user.username, hashToken(token));
    return { user, endedSessions };
  }
}
