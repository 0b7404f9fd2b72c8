import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { TryggConfig } from '../config/types';
import { verifyPassword } from './password';

/**
 * Passwords printed in the README and the demo office: anyone who has read them can log in. A
 * server reachable beyond loopback must not have an account on one of them (issue 10).
 */
export const PUBLISHED_PASSWORDS: readonly string[] = ['trygg-demo', 'trygg-demo-gateway', 'trygg-demo-devices'];

/** Loopback only: 127.0.0.0/8, ::1 (also as ::ffff:127.x) and `localhost`. Anything else (0.0.0.0, ::, a LAN address, a name) reaches beyond. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

export interface KnownPasswordAccount {
  kind: 'user' | 'gateway' | 'device account';
  username: string;
}

/**
 * Every account (users, gateway and device broker accounts) whose scrypt hash verifies against a
 * published password. The hashes are verified, not compared: a fresh hash of `trygg-demo` is as
 * known as the demo file's. One hash string is checked once however many accounts share it.
 */
export async function accountsOnKnownPasswords(
  config: TryggConfig,
  published: readonly string[] = PUBLISHED_PASSWORDS,
  memo?: CheckedHashes,
): Promise<KnownPasswordAccount[]> {
  const accounts: (KnownPasswordAccount & { hash: string })[] = [
    ...config.users.map((u) => ({ kind: 'user' as const, username: u.username, hash: u.passwordHash })),
    ...config.sites.flatMap((s) => [
      ...s.gateways.map((g) => ({ kind: 'gateway' as const, username: g.username, hash: g.passwordHash })),
      ...(s.deviceAccounts ?? []).map((d) => ({ kind: 'device account' as const, username: d.username, hash: d.passwordHash })),
    ]),
  ];
  const verdicts = new Map<string, Promise<boolean>>();
  const known = (hash: string) => {
    let v = verdicts.get(hash);
    if (!v) {
      v = (async () => {
        if (memo?.isClear(hash)) return false;
        for (const password of published) if (await verifyPassword(password, hash)) return true;
        memo?.markClear(hash);
        return false;
      })();
      verdicts.set(hash, v);
    }
    return v;
  };
  const flags = await Promise.all(accounts.map((a) => known(a.hash)));
  return accounts.filter((_, i) => flags[i]).map(({ kind, username }) => ({ kind, username }));
}

/**
 * Hashes already found clear of every published password, remembered in the data directory: a
 * restart beyond loopback then verifies only new hashes (three scrypt runs each), so an office
 * with hundreds of users is not kept from receiving alarms for half a minute at every start.
 * Kept as SHA-256 of the hash and the published list, never the hashes themselves.
 */
export class CheckedHashes {
  private readonly clear = new Set<string>();
  private changed = false;

  constructor(private readonly file: string, private readonly published: readonly string[] = PUBLISHED_PASSWORDS) {
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (Array.isArray(stored)) for (const x of stored) if (typeof x === 'string') this.clear.add(x);
    } catch {
      // absent or damaged: every hash is verified again, which is only slower
    }
  }

  private key(hash: string): string {
    return createHash('sha256').update(this.published.join('\u0000')).update('\u0001').update(hash).digest('base64url');
  }

  isClear(hash: string): boolean {
    return this.clear.has(this.key(hash));
  }

  markClear(hash: string): void {
    this.clear.add(this.key(hash));
    this.changed = true;
  }

  /** Keeps only the hashes of `current` (a removed account's entry goes) and writes the file. */
  save(current: readonly string[]): void {
    const keep = new Set(current.map((h) => this.key(h)));
    const entries = [...this.clear].filter((k) => keep.has(k));
    if (!this.changed && entries.length === this.clear.size) return;
    try {
      writeFileSync(this.file, JSON.stringify(entries));
    } catch {
      // a read-only data directory only costs the next start the same checks again
    }
  }
}

/** Every password hash of the configuration (users, gateway and device accounts). */
export function configuredHashes(config: TryggConfig): string[] {
  return [
    ...config.users.map((u) => u.passwordHash),
    ...config.sites.flatMap((s) => [...s.gateways.map((g) => g.passwordHash), ...(s.deviceAccounts ?? []).map((d) => d.passwordHash)]),
  ];
}

/** One line for the operator: which accounts, and how to get out of it. */
export function describeKnownPasswordAccounts(accounts: readonly KnownPasswordAccount[]): string {
  return accounts.map((a) => `${a.kind} ${a.username}`).join(', ');
}
