import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '@trygg/protocol';
import type { OfficeDirectory } from '../config/office-directory';
import type { Role, UserConfig } from '../config/types';
import type { Store } from '../store/store';
import { verifyPassword } from './password';

export const SESSION_COOKIE = 'trygg_session';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
// Verifying against a fixed hash for unknown users keeps login time independent of whether the user exists.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const roleRank: Record<Role, number> = { employee: 0, responder: 1, security: 2, manager: 3, admin: 4 };

export function hasRole(user: UserConfig, atLeast: Role): boolean {
  return roleRank[user.role] >= roleRank[atLeast];
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Sessions are stored (hashed token only), so consoles stay logged in across a server restart. */
export class SessionService {
  constructor(private readonly store: Store, private readonly directory: OfficeDirectory, private readonly clock: Clock) {}

  async login(username: string, password: string): Promise<{ token: string; user: UserConfig; expiresAt: number } | null> {
    const user = this.directory.user(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) return null;
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = now + SESSION_TTL_MS;
    await this.store.createSession({ tokenHash: hashToken(token), username, createdAt: now, expiresAt });
    return { token, user, expiresAt };
  }

  async userFor(token: string | undefined): Promise<UserConfig | undefined> {
    if (!token || token.length > 200) return undefined;
    const session = await this.store.getSession(hashToken(token), this.clock.now());
    return session ? this.directory.user(session.username) : undefined;
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.store.deleteSession(hashToken(token));
  }
}
