import type { Clock } from '@trygg/protocol';
import { AttemptLimiter, type LockoutPolicy } from './attempt-limiter';

/**
 * Guessing limits for one kind of login (console users over HTTP, accounts over MQTT): failures
 * are counted per account, per source address and per account-and-address pair, each with its
 * own lockout that grows with every further failure. While a lockout runs even the right password
 * is refused, so guessing gains nothing from speed.
 *
 * An account and address that logged in successfully recently are "known": the account-wide and
 * address-wide locks do not apply to them (only their own pair lock does). Otherwise anyone could
 * lock a gateway, or the server's own broker connection, out of an alarm system by sending wrong
 * passwords for its name from elsewhere.
 */
export interface ThrottlePolicy {
  account: LockoutPolicy;
  address: LockoutPolicy;
  pair: LockoutPolicy;
  /** How long a successful login keeps its account-and-address pair known. */
  knownForMs: number;
}

export type LockScope = 'account' | 'address' | 'pair';

export interface Refusal {
  scope: LockScope;
  retryAfterMs: number;
}

const MAX_KNOWN = 20_000;

export class LoginThrottle {
  private readonly accounts: AttemptLimiter;
  private readonly addresses: AttemptLimiter;
  private readonly pairs: AttemptLimiter;
  /** `account\0address` -> last success; insertion-ordered for eviction. */
  private readonly known = new Map<string, number>();

  constructor(private readonly clock: Clock, private readonly policy: ThrottlePolicy) {
    this.accounts = new AttemptLimiter(clock, policy.account);
    this.addresses = new AttemptLimiter(clock, policy.address);
    this.pairs = new AttemptLimiter(clock, policy.pair);
  }

  /** Whether an attempt may go ahead; a refusal says which lock and for how long. */
  check(account: string | undefined, address: string | undefined): Refusal | undefined {
    const pair = pairKey(account, address);
    const pairMs = this.pairs.lockedFor(pair);
    if (pairMs > 0) return { scope: 'pair', retryAfterMs: pairMs };
    if (this.isKnown(pair)) return undefined;
    const addressMs = address ? this.addresses.lockedFor(address) : 0;
    const accountMs = account ? this.accounts.lockedFor(normal(account)) : 0;
    if (addressMs === 0 && accountMs === 0) return undefined;
    return addressMs >= accountMs ? { scope: 'address', retryAfterMs: addressMs } : { scope: 'account', retryAfterMs: accountMs };
  }

  failed(account: string | undefined, address: string | undefined): void {
    this.pairs.fail(pairKey(account, address));
    if (address) this.addresses.fail(address);
    if (account) this.accounts.fail(normal(account));
  }

  /**
   * The account's and the pair's failures are forgotten; the address's are not (one valid
   * account must not wash away guesses at every other account from the same address).
   */
  succeeded(account: string | undefined, address: string | undefined): void {
    const pair = pairKey(account, address);
    this.pairs.succeed(pair);
    if (account) this.accounts.succeed(normal(account));
    this.known.delete(pair);
    this.known.set(pair, this.clock.now());
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value as string);
  }

  /** Accounts locked now (lower-cased names), with failures and end of the lockout. */
  lockedAccounts(): { account: string; failures: number; lockedUntil: number }[] {
    return this.accounts.locked().map((s) => ({ account: s.key, failures: s.failures, lockedUntil: s.lockedUntil }));
  }

  /** A manager lifts an account's lockout (the address locks stay: they are not the account's). */
  unlock(account: string): boolean {
    const key = normal(account);
    const was = this.accounts.lockedFor(key) > 0;
    this.accounts.succeed(key);
    for (const state of this.pairs.locked(`${key}\u0000`)) this.pairs.succeed(state.key);
    return was;
  }

  private isKnown(pair: string): boolean {
    const at = this.known.get(pair);
    return at !== undefined && this.clock.now() - at < this.policy.knownForMs;
  }
}

/** Usernames are matched as typed, but a lockout must not be dodged by changing the case. */
function normal(account: string): string {
  return account.toLowerCase();
}

function pairKey(account: string | undefined, address: string | undefined): string {
  return `${normal(account ?? '')}\u0000${address ?? ''}`;
}
