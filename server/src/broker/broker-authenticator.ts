import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifyPassword } from '../auth/password';
import type { TryggConfig } from '../config/types';
import type { BrokerPrincipal } from './acl';

/**
 * Turns MQTT CONNECT credentials into a BrokerPrincipal. Gateways and device accounts come from
 * the office configuration (scrypt hashes); internal accounts (the server, the embedded gateway)
 * carry plaintext random passwords generated at startup by the caller.
 */
export interface BrokerAuthenticator {
  /** Resolves null for any refusal; never rejects for bad credentials. */
  authenticate(username: string | undefined, password: Buffer | undefined): Promise<BrokerPrincipal | null>;
}

export interface InternalBrokerAccount {
  username: string;
  password: string;
  principal: BrokerPrincipal;
}

export interface BrokerAuthenticatorOptions {
  /** Demo only (docs/security.md): a CONNECT without username becomes `anonymous`. */
  allowAnonymous: boolean;
  /** Bound on remembered successful verifications; default 10,000. */
  cacheEntries?: number;
  /** Injected for tests; defaults to the scrypt verifier. */
  verify?: (password: string, encoded: string) => Promise<boolean>;
}

type Account =
  | { kind: 'internal'; digest: Buffer; principal: BrokerPrincipal }
  | { kind: 'hashed'; passwordHash: string; principal: BrokerPrincipal };

const DEFAULT_CACHE_ENTRIES = 10_000;

function sha256(data: Buffer | string): Buffer {
  return createHash('sha256').update(data).digest();
}

function collectAccounts(config: TryggConfig, internal: InternalBrokerAccount[]): Map<string, Account> {
  const accounts = new Map<string, Account>();
  const add = (username: string, account: Account): void => {
    // A shared username would make the principal depend on map order: refuse to start instead.
    if (accounts.has(username)) throw new Error(`broker username "${username}" is defined twice`);
    // Principals are handed to every connection of the account; frozen so none can alter another's.
    accounts.set(username, { ...account, principal: Object.freeze(account.principal) });
  };
  for (const account of internal) {
    add(account.username, { kind: 'internal', digest: sha256(account.password), principal: account.principal });
  }
  for (const site of config.sites) {
    for (const gw of site.gateways) {
      add(gw.username, { kind: 'hashed', passwordHash: gw.passwordHash, principal: { role: 'gateway', siteId: site.id, gatewayId: gw.id } });
    }
    for (const da of site.deviceAccounts ?? []) {
      const principal: BrokerPrincipal = da.deviceIds
        ? { role: 'device', siteId: site.id, deviceIds: Object.freeze([...da.deviceIds]) as string[] }
        : { role: 'device', siteId: site.id };
      add(da.username, { kind: 'hashed', passwordHash: da.passwordHash, principal });
    }
  }
  return accounts;
}

export function createBrokerAuthenticator(
  config: TryggConfig,
  internal: InternalBrokerAccount[],
  opts: BrokerAuthenticatorOptions,
): BrokerAuthenticator {
  const accounts = collectAccounts(config, internal);
  const verify = opts.verify ?? verifyPassword;
  const maxEntries = opts.cacheEntries ?? DEFAULT_CACHE_ENTRIES;
  // Keyed by HMAC with a per-process secret rather than a bare sha256, so a heap dump of the
  // cache is no faster to brute-force than the scrypt hashes themselves.
  const cacheSecret = randomBytes(32);
  /** Insertion-ordered Map used as an LRU: a hit is re-inserted, the oldest key is evicted. */
  const verified = new Map<string, true>();
  /** 1,000 devices sharing one account connect at once: they wait on one scrypt, not 1,000. */
  const inFlight = new Map<string, Promise<boolean>>();

  function cacheKey(username: string, password: Buffer): string {
    return createHmac('sha256', cacheSecret).update(username).update('\u0000').update(password).digest('base64');
  }

  function remember(key: string): void {
    verified.set(key, true);
    if (verified.size > maxEntries) verified.delete(verified.keys().next().value as string);
  }

  async function verifyHashed(username: string, password: Buffer, passwordHash: string): Promise<boolean> {
    const key = cacheKey(username, password);
    if (verified.has(key)) {
      verified.delete(key);
      verified.set(key, true);
      return true;
    }
    let pending = inFlight.get(key);
    if (!pending) {
      pending = verify(password.toString('utf8'), passwordHash).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const ok = await pending;
    // Failures are not cached: a wrong password must never become sticky, and caching them
    // would let a flood of distinct guesses evict the good entries.
    if (ok) remember(key);
    return ok;
  }

  return {
    async authenticate(username, password) {
      if (username === undefined || username === '') {
        // Anonymous means no credentials at all; a password without a username is a broken client.
        return opts.allowAnonymous && password === undefined ? { role: 'anonymous' } : null;
      }
      const account = accounts.get(username);
      if (!account || password === undefined) return null;
      if (account.kind === 'internal') {
        // Compare digests so timingSafeEqual gets equal lengths and the length is not leaked.
        return timingSafeEqual(sha256(password), account.digest) ? account.principal : null;
      }
      return (await verifyHashed(username, password, account.passwordHash)) ? account.principal : null;
    },
  };
}
