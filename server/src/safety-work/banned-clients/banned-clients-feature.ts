import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { UserConfig } from '../../config/types';
import { TryggError } from '../../errors';
import type { Feature, FeatureContext, FeatureFactory } from '../../features/feature';
import { TaskTimers } from '../../lone-work/task-timers';
import { bannedClientRoutes } from './banned-client-routes';
import { AUDIT_RETENTION_DAYS, MIN_REASON_LENGTH } from './banned-client-rules';
import { BannedClientStore, birthYearOf, nameKey, type AuditEntry, type BannedClient } from './banned-client-store';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export interface EntryInput {
  name: string;
  birthYear?: number;
  birthDate?: string;
  sites: string[];
  decision: { date: string; decidedBy: string; legalBasis: string };
  from: number;
  to: number;
}

export interface CheckResult {
  match: boolean;
  appliesHere: boolean;
  until?: string;
}

/**
 * The banned clients register (utestengingsvedtak), shared by every office of the installation:
 * the decision, its period, the offices it applies to and the minimum to recognise the person
 * (name, birth year or date). Reception staff check a name with a reason; security contacts and
 * above keep the register; every access is in the audit trail that managers read. An entry is
 * erased when its decision ends (a timer on the clock), and so is the audit trail after
 * AUDIT_RETENTION_DAYS.
 */
export class BannedClientsFeature implements Feature {
  readonly name = 'banned-clients';
  private store?: BannedClientStore;
  private timers?: TaskTimers;
  private ctx?: FeatureContext;

  async start(ctx: FeatureContext): Promise<void> {
    this.ctx = ctx;
    this.store = new BannedClientStore(ctx.dbFile);
    this.timers = new TaskTimers(ctx.clock, ctx.logger);
    this.sweep();
  }

  async stop(): Promise<void> {
    await this.timers?.stop();
    this.store?.close();
    this.store = undefined;
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    await bannedClientRoutes(app, { register: this, directory: ctx.directory, sessions: ctx.sessions });
  }

  /** A lookup at `siteId`: refused without a reason, logged with who, when, why and the outcome. */
  check(user: UserConfig, siteId: string, query: { name: string; birthYear?: number; reason?: string }): CheckResult {
    const { clock, logger } = this.need();
    const reason = query.reason?.trim() ?? '';
    if (reason.length < MIN_REASON_LENGTH) throw new TryggError('TRYGG_SRV_REASON_REQUIRED', ['a lookup in the banned clients register']);
    const now = clock.now();
    const key = nameKey(query.name);
    if (key.length === 0) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['name must contain letters']);
    const matches = this.store!.inForceByName(key, now).filter((e) => {
      const year = birthYearOf(e);
      return query.birthYear === undefined || year === undefined || year === query.birthYear;
    });
    // Neutral outside the site: a ban that does not apply here is not revealed, not even as a
    // match (another office's decision is that office's), so `match` equals `appliesHere`.
    const here = matches.filter((e) => appliesTo(e, siteId));
    const result: CheckResult = { match: here.length > 0, appliesHere: here.length > 0 };
    if (here.length > 0) result.until = new Date(Math.max(...here.map((e) => e.validTo))).toISOString();
    this.store!.audit({
      at: now, username: user.username, role: user.role, siteId, action: 'check', reason: reason.slice(0, 500),
      entryId: here.length > 0 ? here.map((e) => e.id).join(',') : undefined, matched: result.match, appliesHere: result.appliesHere,
    });
    logger.info({ username: user.username, siteId, matched: result.match, appliesHere: result.appliesHere }, 'banned clients register checked');
    return result;
  }

  /** Entries not yet expired that the user may see (one of their sites, or every office). */
  list(user: UserConfig): BannedClient[] {
    const { clock } = this.need();
    const entries = this.store!.notExpired(clock.now()).filter((e) => this.mayManage(user, e));
    this.store!.audit({ at: clock.now(), username: user.username, role: user.role, action: 'list' });
    return entries;
  }

  read(user: UserConfig, id: string): BannedClient {
    const entry = this.visible(user, id);
    this.store!.audit({ at: this.need().clock.now(), username: user.username, role: user.role, action: 'read', entryId: id });
    return entry;
  }

  create(user: UserConfig, input: EntryInput): BannedClient {
    const { clock, logger } = this.need();
    const now = clock.now();
    this.validate(user, input, now);
    const entry: BannedClient = { id: randomUUID(), ...fields(input), createdBy: `user:${user.username}`, createdAt: now };
    this.store!.insert(entry);
    this.store!.audit({ at: now, username: user.username, role: user.role, action: 'create', entryId: entry.id });
    logger.info({ entryId: entry.id, username: user.username, sites: entry.sites }, 'banned client entry created');
    this.scheduleSweep();
    return entry;
  }

  edit(user: UserConfig, id: string, input: EntryInput): BannedClient {
    const { clock, logger } = this.need();
    const now = clock.now();
    const before = this.visible(user, id);
    // An entry that also applies at offices not the user's is those offices' decision too.
    if (!this.mayWrite(user, before.sites)) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['change a ban that also applies at offices that are not yours']);
    this.validate(user, input, now);
    const entry: BannedClient = { ...before, ...fields(input), updatedBy: `user:${user.username}`, updatedAt: now };
    if (!this.store!.update(entry)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`entry ${id}`]);
    this.store!.audit({ at: now, username: user.username, role: user.role, action: 'edit', entryId: id });
    logger.info({ entryId: id, username: user.username }, 'banned client entry edited');
    this.scheduleSweep();
    return entry;
  }

  /** The decision was lifted: the entry is erased now. */
  remove(user: UserConfig, id: string): void {
    const { clock, logger } = this.need();
    const entry = this.visible(user, id);
    if (!this.mayWrite(user, entry.sites)) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['erase a ban that also applies at offices that are not yours']);
    this.store!.remove(id);
    this.store!.audit({ at: clock.now(), username: user.username, role: user.role, action: 'delete', entryId: id });
    logger.info({ entryId: id, username: user.username }, 'banned client entry erased (decision lifted)');
  }

  auditLog(from: number, to: number, limit: number): AuditEntry[] {
    return this.store!.auditLog(from, to, limit);
  }

  /** Entries stored, expired or not (tests, metrics). */
  count(): number {
    return this.store!.count();
  }

  async settled(): Promise<void> {
    await this.timers?.idle();
  }

  /** Writing needs every office the entry applies to: `*` (every office) only for users of every site. */
  mayWrite(user: UserConfig, sites: string[]): boolean {
    return user.sites.includes('*') || sites.every((s) => s !== '*' && user.sites.includes(s));
  }

  mayManage(user: UserConfig, entry: Pick<BannedClient, 'sites'>): boolean {
    return user.sites.includes('*') || entry.sites.includes('*') || entry.sites.some((s) => user.sites.includes(s));
  }

  /** Erases ended decisions and old audit rows, then sleeps until the next decision ends (at most an hour). */
  private sweep(): void {
    const { clock, logger } = this.need();
    const now = clock.now();
    const erased = this.store!.eraseExpired(now);
    for (const id of erased) this.store!.audit({ at: now, username: 'system', role: 'system', action: 'erase', entryId: id });
    const pruned = this.store!.pruneAudit(now - AUDIT_RETENTION_DAYS * DAY_MS);
    if (erased.length + pruned > 0) logger.info({ erased: erased.length, auditRowsPruned: pruned }, 'banned clients register: ended decisions erased');
    this.scheduleSweep();
  }

  private scheduleSweep(): void {
    const now = this.need().clock.now();
    const next = Math.min(this.store!.nextExpiry() ?? Number.POSITIVE_INFINITY, now + HOUR_MS);
    this.timers!.at('sweep', Math.max(next, now), async () => this.sweep());
  }

  private visible(user: UserConfig, id: string): BannedClient {
    const entry = this.store!.get(id);
    if (!entry || !this.mayManage(user, entry)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`entry ${id}`]);
    return entry;
  }

  private validate(user: UserConfig, input: EntryInput, now: number): void {
    const { directory } = this.need();
    const problems: string[] = [];
    if (nameKey(input.name).length === 0) problems.push('name must contain letters');
    if (input.birthYear === undefined && input.birthDate === undefined) problems.push('give birthYear or birthDate');
    if (input.birthYear !== undefined && input.birthDate !== undefined && Number(input.birthDate.slice(0, 4)) !== input.birthYear) problems.push('birthYear and birthDate disagree');
    if (input.birthDate !== undefined && Number.isNaN(Date.parse(input.birthDate))) problems.push('birthDate is not a date');
    if (!(input.from < input.to)) problems.push('from must be before to');
    if (input.to <= now) problems.push('to must be in the future: an ended decision is not registered');
    const unknown = input.sites.filter((s) => s !== '*' && !directory.site(s));
    if (unknown.length > 0) problems.push(`unknown sites: ${unknown.join(', ')}`);
    if (input.sites.includes('*') && input.sites.length > 1) problems.push('sites: "*" stands alone');
    if (problems.length > 0) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [problems.join('; ')]);
    // The deciding office is one's own: an entry applies only at its author's sites (`*` only
    // for users of every site), never at another office that did not decide it.
    const foreign = input.sites.filter((s) => !this.mayWrite(user, [s]));
    if (foreign.length > 0) throw new TryggError('TRYGG_SRV_FORBIDDEN', [`register a ban for offices that are not yours (${foreign.join(', ')})`]);
  }

  private need(): FeatureContext {
    if (!this.ctx || !this.store) throw new TryggError('TRYGG_SRV_INTERNAL');
    return this.ctx;
  }
}

function appliesTo(entry: BannedClient, siteId: string): boolean {
  return entry.sites.includes('*') || entry.sites.includes(siteId);
}

function fields(input: EntryInput): Pick<BannedClient, 'name' | 'birthYear' | 'birthDate' | 'sites' | 'decision' | 'validFrom' | 'validTo'> {
  return {
    name: input.name.trim(), birthYear: input.birthYear ?? (input.birthDate ? Number(input.birthDate.slice(0, 4)) : undefined), birthDate: input.birthDate,
    sites: [...new Set(input.sites)], decision: input.decision, validFrom: input.from, validTo: input.to,
  };
}

export const bannedClientsFeature: FeatureFactory = () => new BannedClientsFeature();
