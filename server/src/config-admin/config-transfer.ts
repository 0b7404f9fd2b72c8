import { isDeepStrictEqual } from 'node:util';
import type { Role, TryggConfig, UserConfig } from '../config/types';

/**
 * Export and import of the configuration file format, within the rights of the person doing it.
 *
 * Export never carries a secret: password hashes (users, gateways, device accounts), PIN hashes
 * (sites, devices) and secret-looking notifier settings are left out.
 *
 * Import can never change a secret: a user, gateway, device account, site or device that has
 * one keeps its stored hash or PIN; a different one in the file is refused. A user's password is
 * never set by an import: a new user gets UNSET_PASSWORD, which no password verifies, until an
 * administrator or manager sets one (PUT /api/v1/users/:username, the console's Users page).
 * Machine accounts and PINs may get their first hash from the file (a new gateway or device
 * account, a PIN where none was stored), as the site's own API already allows its manager;
 * without one, a new gateway or device account gets UNSET_PASSWORD too.
 *
 * An administrator imports the whole installation. Anyone else imports their own part: the
 * sites they belong to and the users they may manage (role not above their own, sites all
 * theirs). Everything else in the file must be as stored, and everything else stored is kept.
 */
export const UNSET_PASSWORD = 'scrypt$unset';

const roleRank: Record<Role, number> = { employee: 0, responder: 1, security: 2, manager: 3, admin: 4 };

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : []);

/** Notifier settings whose values are secrets, unless written as a `${secret:NAME}` / `${env:NAME}` reference. */
const SECRET_SETTING = /(password|secret|token|apikey|api_key|hmac|signingkey|^key$|credential)/i;
const REFERENCE = /^\$\{(secret|env):[A-Za-z0-9_]+\}$/;

function withoutSecretSettings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretSettings);
  if (!isRec(value)) return value;
  return Object.fromEntries(Object.entries(value)
    .filter(([k, v]) => !(SECRET_SETTING.test(k) && typeof v === 'string' && !REFERENCE.test(v)))
    .map(([k, v]) => [k, withoutSecretSettings(v)]));
}

function strip<T extends Rec>(item: T, keys: readonly string[]): T {
  const copy = { ...item };
  for (const k of keys) delete copy[k];
  return copy;
}

const PIN_KEYS = ['cancelPinHash', 'duressPinHash'] as const;

function siteWithoutSecrets(site: Rec): Rec {
  return {
    ...strip(site, PIN_KEYS),
    gateways: list(site.gateways).map((g) => strip(g, ['passwordHash'])),
    ...(site.deviceAccounts !== undefined && { deviceAccounts: list(site.deviceAccounts).map((a) => strip(a, ['passwordHash'])) }),
    devices: list(site.devices).map((d) => strip(d, PIN_KEYS)),
  };
}

export function isWholeInstallationImporter(user: UserConfig): boolean {
  return user.role === 'admin';
}

/** The users a non-admin may manage: role not above their own, every site one of theirs. */
function inScope(actor: UserConfig, user: Rec): boolean {
  if (isWholeInstallationImporter(actor)) return true;
  const role = user.role as Role;
  const sites = Array.isArray(user.sites) ? (user.sites as unknown[]) : [];
  return roleRank[role] !== undefined && roleRank[role] <= roleRank[actor.role]
    && sites.every((s) => typeof s === 'string' && s !== '*' && (actor.sites.includes('*') || actor.sites.includes(s)));
}

const ownsSite = (actor: UserConfig, siteId: unknown) => typeof siteId === 'string' && (actor.sites.includes('*') || actor.sites.includes(siteId));

/**
 * What `actor` may export: an administrator the whole installation, anyone else their own sites
 * and the users they manage. No secret in either.
 */
export function exportFor(actor: UserConfig, config: TryggConfig): Rec {
  const whole = isWholeInstallationImporter(actor);
  const sites = (config.sites as unknown as Rec[]).filter((s) => whole || ownsSite(actor, s.id)).map(siteWithoutSecrets);
  const users = (config.users as unknown as Rec[]).filter((u) => inScope(actor, u)).map((u) => strip(u, ['passwordHash']));
  if (!whole) return { version: config.version, sites, users };
  const rest = strip(config as unknown as Rec, ['sites', 'users', 'notifiers']);
  return {
    ...rest, sites, users,
    ...(config.notifiers !== undefined && { notifiers: config.notifiers.map((n) => withoutSecretSettings(n)) }),
  };
}

export interface ImportPlan {
  /** The configuration to validate and store: stored parts outside the importer's rights kept as they are. */
  candidate: unknown;
  /** What the importer may not change, as `path: message`; non-empty means refuse (403) and change nothing. */
  forbidden: string[];
}

/**
 * A secret in the file: absent means "keep the stored one"; the stored value is accepted (old
 * exports); a first value only where `firstAllowed` (machine accounts and PINs, never users).
 */
function keepSecret(item: Rec, stored: Rec | undefined, key: string, path: string, forbidden: string[], unset?: string, firstAllowed = true): void {
  const given = item[key];
  // A machine account still without a usable password may get its first one.
  const kept = firstAllowed && stored?.[key] === UNSET_PASSWORD ? undefined : stored?.[key];
  if (given !== undefined && given !== kept && (kept !== undefined || !firstAllowed)) {
    forbidden.push(`${path}.${key}: an import cannot set or change a password or PIN; set it in the console`);
    return;
  }
  if (given !== undefined) return;
  if (kept !== undefined) item[key] = kept;
  else if (unset !== undefined) item[key] = unset;
  else delete item[key];
}

function byKey(items: Rec[], key: string): Map<unknown, Rec> {
  return new Map(items.map((i) => [i[key], i]));
}

/** Puts the stored secrets into the file's sites (matched by id) and users (by username). */
function mergeSecrets(file: Rec, stored: TryggConfig, forbidden: string[]): void {
  const storedSites = byKey(stored.sites as unknown as Rec[], 'id');
  list(file.sites).forEach((site, i) => {
    const before = storedSites.get(site.id);
    const at = `sites.${i}`;
    for (const k of PIN_KEYS) keepSecret(site, before, k, at, forbidden);
    const gateways = byKey(list(before?.gateways), 'id');
    list(site.gateways).forEach((g, j) => keepSecret(g, gateways.get(g.id), 'passwordHash', `${at}.gateways.${j}`, forbidden, UNSET_PASSWORD));
    const accounts = byKey(list(before?.deviceAccounts), 'username');
    list(site.deviceAccounts).forEach((a, j) => keepSecret(a, accounts.get(a.username), 'passwordHash', `${at}.deviceAccounts.${j}`, forbidden, UNSET_PASSWORD));
    const devices = byKey(list(before?.devices), 'id');
    list(site.devices).forEach((d, j) => { for (const k of PIN_KEYS) keepSecret(d, devices.get(d.id), k, `${at}.devices.${j}`, forbidden); });
  });
  const storedUsers = byKey(stored.users as unknown as Rec[], 'username');
  list(file.users).forEach((u, i) => keepSecret(u, storedUsers.get(u.username), 'passwordHash', `users.${i}`, forbidden, UNSET_PASSWORD, false));
  // Secret notifier settings left out of an export are the stored ones.
  const storedNotifiers = byKey((stored.notifiers ?? []) as unknown as Rec[], 'id');
  list(file.notifiers).forEach((n) => {
    const before = storedNotifiers.get(n.id);
    if (isRec(n.settings) && isRec(before?.settings)) n.settings = withStoredSecrets(n.settings, before.settings);
  });
}

function withStoredSecrets(given: Rec, stored: Rec): Rec {
  const out: Rec = { ...given };
  for (const [k, v] of Object.entries(stored)) {
    if (out[k] === undefined && SECRET_SETTING.test(k) && typeof v === 'string' && !REFERENCE.test(v)) out[k] = v;
    else if (isRec(out[k]) && isRec(v)) out[k] = withStoredSecrets(out[k] as Rec, v);
  }
  return out;
}

/**
 * Plans an import of `input` (parsed YAML/JSON, not yet validated) by `actor` over `stored`.
 * Validation of the result (schema, references, dry run) is the caller's, as for every change.
 */
export function planImport(actor: UserConfig, input: unknown, stored: TryggConfig): ImportPlan {
  const forbidden: string[] = [];
  if (!isRec(input)) return { candidate: input, forbidden };
  const file = structuredClone(input);
  mergeSecrets(file, stored, forbidden);
  if (isWholeInstallationImporter(actor)) return { candidate: file, forbidden };

  // Installation-wide settings are an administrator's: the file may leave them out or repeat them.
  for (const [key, value] of Object.entries(file)) {
    if (key === 'version' || key === 'sites' || key === 'users') continue;
    if (!isDeepStrictEqual(value, (stored as unknown as Rec)[key])) forbidden.push(`${key}: installation-wide settings are changed by an administrator only`);
  }
  const storedSites = stored.sites as unknown as Rec[];
  const fileSites = list(file.sites);
  fileSites.forEach((site, i) => {
    if (!ownsSite(actor, site.id)) forbidden.push(`sites.${i} (${String(site.id)}): not one of your sites`);
    else if (!storedSites.some((s) => s.id === site.id)) forbidden.push(`sites.${i} (${String(site.id)}): a new site is created by an administrator`);
  });
  for (const site of storedSites) {
    if (ownsSite(actor, site.id) && !fileSites.some((s) => s.id === site.id)) forbidden.push(`sites: ${String(site.id)} is missing; a site is deleted by an administrator`);
  }

  const storedUsers = stored.users as unknown as Rec[];
  const fileUsers = list(file.users);
  const storedByName = byKey(storedUsers, 'username');
  fileUsers.forEach((user, i) => {
    const before = storedByName.get(user.username);
    const at = `users.${i} (${String(user.username)})`;
    if (before && !inScope(actor, before)) {
      // Not the importer's to manage: may be repeated as it is, never changed.
      if (!isDeepStrictEqual(user, before)) forbidden.push(`${at}: you may not change this user (role or sites beyond yours)`);
      return;
    }
    if (!inScope(actor, user)) {
      forbidden.push(roleRank[user.role as Role] > roleRank[actor.role]
        ? `${at}: role ${String(user.role)} is above yours`
        : `${at}: sites ${JSON.stringify(user.sites)} are not all yours`);
    }
  });
  for (const user of storedUsers) {
    if (user.username === actor.username && !fileUsers.some((u) => u.username === actor.username)) forbidden.push(`users: ${actor.username} is missing; you cannot delete yourself`);
  }
  if (forbidden.length > 0) return { candidate: file, forbidden };

  // The importer's part from the file, the rest as stored, in the stored order.
  const fileSiteById = byKey(fileSites, 'id');
  const sites = storedSites.map((s) => fileSiteById.get(s.id) ?? s);
  const kept = storedUsers.filter((u) => !inScope(actor, u));
  const keptNames = new Set(kept.map((u) => u.username));
  const users = [...kept, ...fileUsers.filter((u) => !keptNames.has(u.username))];
  return { candidate: { ...(stored as unknown as Rec), version: file.version ?? stored.version, sites, users }, forbidden };
}
