import { configApi, type Collection, type SiteFields, type UserBody as UserBodyShape } from '@trygg/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { stringify as stringifyYaml } from 'yaml';
import { hashPassword } from '../../auth/password';
import { PUBLISHED_PASSWORDS } from '../../auth/known-passwords';
import type { SessionService } from '../../auth/sessions';
import { ConfigError, type ConfigService } from '../../config-admin/config-service';
import { parseConfigDocument } from '../../config/load-config';
import { exportFor, isWholeInstallationImporter, planImport } from '../../config-admin/config-transfer';
import type { OfficeDirectory } from '../../config/office-directory';
import type { Role, SiteConfig, UserConfig } from '../../config/types';
import { TryggError } from '../../errors';
import { currentUser, requireUser } from '../request-user';

/** The site collections a manager edits (COLLECTIONS); each item is keyed by `id`. */
type Item = { id: string } & Record<string, unknown>;

const roleRank: Record<Role, number> = { employee: 0, responder: 1, security: 2, manager: 3, admin: 4 };

function withoutSecrets(user: UserConfig) {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

/** Sites as the console reads them: no password or PIN hash ever leaves the server this way. */
function siteView(site: SiteConfig) {
  const { cancelPinHash: _c, duressPinHash: _d, ...rest } = site;
  return {
    ...rest,
    gateways: site.gateways.map(({ passwordHash: _h, ...g }) => g),
    deviceAccounts: site.deviceAccounts?.map(({ passwordHash: _h, ...a }) => a),
    devices: site.devices.map(({ cancelPinHash: _cp, duressPinHash: _dp, ...d }) => d),
  };
}

/** Secrets an edit of an item keeps unless it names new ones (the console never sees them). */
const KEPT_SECRETS: Partial<Record<string, string[]>> = { gateways: ['passwordHash'], devices: ['cancelPinHash', 'duressPinHash'] };

/** A rejected change answers 400 with every problem, the same list the file would give. */
function rejected(reply: FastifyReply, err: unknown) {
  if (!(err instanceof ConfigError)) throw err;
  const e = new TryggError('TRYGG_SRV_CONFIG_REJECTED', [err.problems.slice(0, 5).join('; ')]);
  return reply.code(400).send({ code: e.code, message: e.message, problems: err.problems });
}

/**
 * Configuration in the console: sites, zones, rooms, devices, stations, groups, chains, users,
 * and import/export of the whole file format. Every change is validated like the file, stored
 * as a version with its author, and applied without restart (config-admin/config-service.ts).
 */
export async function configRoutes(app: FastifyInstance, opts: { config: ConfigService; directory: OfficeDirectory; sessions: SessionService }) {
  const { config, directory, sessions } = opts;
  const manager = requireUser(sessions, 'manager');
  const responder = requireUser(sessions, 'responder');

  const mustManage = (user: UserConfig, siteId: string) => {
    if (!directory.site(siteId) || !directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
  };
  // The whole configuration may be imported as YAML (the file format) as well as JSON.
  app.addContentTypeParser(['application/yaml', 'text/yaml'], { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  const actorOf = (user: UserConfig) => `user:${user.username}`;

  // Export: an administrator's is the whole installation, anyone else's their own sites and the
  // users they manage; never a password hash, PIN or secret (config-admin/config-transfer.ts).
  app.get('/api/v1/config', { preHandler: manager, schema: configApi.export }, async (request, reply) => {
    const exported = exportFor(currentUser(request), config.current());
    const format = (request.query as { format?: string }).format;
    if (format === 'yaml') return reply.type('application/yaml; charset=utf-8').send(stringifyYaml(exported));
    return exported;
  });

  // Import: only what the importer may change; stored secrets are kept, none can be set.
  app.put('/api/v1/config', { preHandler: manager, bodyLimit: 2 * 1024 * 1024, schema: configApi.import }, async (request, reply) => {
    const user = currentUser(request);
    let input: unknown = request.body;
    if (typeof input === 'string') {
      try {
        input = parseConfigDocument(input, 'import');
      } catch (err) {
        return rejected(reply, err);
      }
    }
    const plan = planImport(user, input, config.current());
    if (plan.forbidden.length > 0) {
      request.log.warn({ username: user.username, role: user.role, problems: plan.forbidden.slice(0, 20) }, 'configuration import refused');
      const e = new TryggError('TRYGG_SRV_IMPORT_FORBIDDEN', [plan.forbidden.slice(0, 3).join('; ')]);
      return reply.code(403).send({ code: e.code, message: e.message, problems: plan.forbidden });
    }
    try {
      const whole = isWholeInstallationImporter(user);
      const { version } = config.replaceWhole(plan.candidate, actorOf(user), whole ? 'imported whole configuration' : `imported sites ${user.sites.join(', ')}`);
      return { version };
    } catch (err) {
      return rejected(reply, err);
    }
  });

  app.get('/api/v1/config/history', { preHandler: manager, schema: configApi.history }, async () => ({ versions: config.history() }));

  // Everyone of a site reads its layout (rooms, floors, time zone) for their own forms; no secrets are in it.
  const employee = requireUser(sessions, 'employee');
  app.get('/api/v1/sites', { preHandler: employee, schema: configApi.sites }, async (request) => {
    const user = currentUser(request);
    return { sites: directory.allSites().filter((s) => directory.userMayAccessSite(user, s.id)).map(siteView) };
  });

  app.get<{ Params: { siteId: string } }>('/api/v1/sites/:siteId', { preHandler: employee, schema: configApi.site }, async (request) => {
    mustManage(currentUser(request), request.params.siteId);
    return { site: siteView(directory.site(request.params.siteId)!) };
  });

  app.post<{ Body: Record<string, unknown> }>('/api/v1/sites', { preHandler: requireUser(sessions, 'admin'), schema: configApi.createSite }, async (request, reply) => {
    const user = currentUser(request);
    // A new site may be just an id and a name: it starts with one zone and a chain to it, and
    // the manager builds the rest in the console.
    const body = request.body as Partial<SiteConfig> & { id: string; name: string };
    const site: SiteConfig = {
      zones: [{ id: 'main', name: 'Hovedsone' }],
      rooms: [], gateways: [], devices: [], stations: [], groups: [],
      chains: [{ id: 'standard', name: 'Standard', steps: [{ afterSeconds: 0, targets: [{ zone: 'main' }], until: 'acknowledged' }] }],
      defaultChain: 'standard',
      ...body,
    };
    try {
      config.change((draft) => { draft.sites.push(site); }, actorOf(user), `created site ${String(site.id)}`);
      return reply.code(201).send({ site: siteView(directory.site(site.id)!) });
    } catch (err) {
      return rejected(reply, err);
    }
  });

  // Site-level fields only (the collections have their own endpoints); unknown fields are
  // refused like on every other route, not silently dropped.
  app.put<{ Params: { siteId: string }; Body: SiteFields }>('/api/v1/sites/:siteId', { preHandler: manager, schema: configApi.editSite }, async (request, reply) => {
    const user = currentUser(request);
    const { siteId } = request.params;
    mustManage(user, siteId);
    const { name, address, entrance, timezone, defaultChain, technicalChain, neighbourAgreements } = request.body;
    try {
      config.change((draft) => {
        const site = draft.sites.find((s) => s.id === siteId)!;
        Object.assign(site, {
          name: name ?? site.name, address, entrance, timezone, defaultChain: defaultChain ?? site.defaultChain, technicalChain,
          // This site's side of its neighbour agreements (config/types.ts); kept unless given.
          neighbourAgreements: neighbourAgreements ?? site.neighbourAgreements,
        });
        if (site.neighbourAgreements === undefined) delete site.neighbourAgreements;
      }, actorOf(user), `edited site ${siteId}`);
      return { site: siteView(directory.site(siteId)!) };
    } catch (err) {
      return rejected(reply, err);
    }
  });

  app.delete<{ Params: { siteId: string } }>('/api/v1/sites/:siteId', { preHandler: requireUser(sessions, 'admin'), schema: configApi.deleteSite }, async (request, reply) => {
    const user = currentUser(request);
    mustManage(user, request.params.siteId);
    try {
      config.change((draft) => { draft.sites = draft.sites.filter((s) => s.id !== request.params.siteId); }, actorOf(user), `deleted site ${request.params.siteId}`);
      return { ok: true };
    } catch (err) {
      return rejected(reply, err);
    }
  });

  app.get<{ Params: { siteId: string; collection: Collection } }>('/api/v1/sites/:siteId/:collection', { preHandler: responder, schema: configApi.items }, async (request) => {
    mustManage(currentUser(request), request.params.siteId);
    return { items: (siteView(directory.site(request.params.siteId)!) as unknown as Record<Collection, unknown[]>)[request.params.collection] ?? [] };
  });

  app.post<{ Params: { siteId: string; collection: Collection }; Body: Item }>('/api/v1/sites/:siteId/:collection', { preHandler: manager, schema: configApi.addItem }, async (request, reply) => {
    const user = currentUser(request);
    const { siteId, collection } = request.params;
    mustManage(user, siteId);
    const item = request.body;
    try {
      config.change((draft) => {
        const site = draft.sites.find((s) => s.id === siteId)! as unknown as Record<Collection, Item[] | undefined>;
        (site[collection] ??= []).push(item);
      }, actorOf(user), `added ${collection} ${String(item?.id)} to ${siteId}`);
      return reply.code(201).send({ item });
    } catch (err) {
      return rejected(reply, err);
    }
  });

  app.put<{ Params: { siteId: string; collection: Collection; id: string }; Body: Item }>('/api/v1/sites/:siteId/:collection/:id', { preHandler: manager, schema: configApi.editItem }, async (request, reply) => {
    const user = currentUser(request);
    const { siteId, collection, id } = request.params;
    mustManage(user, siteId);
    try {
      config.change((draft) => {
        const site = draft.sites.find((s) => s.id === siteId)! as unknown as Record<Collection, Item[] | undefined>;
        const list = (site[collection] ??= []);
        const index = list.findIndex((x) => x.id === id);
        if (index < 0) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`${collection} ${id}`]);
        // Gateways keep their password hash, devices their PIN hashes, unless new ones are given.
        const previous = list[index]!;
        const kept = Object.fromEntries((KEPT_SECRETS[collection] ?? []).filter((k) => previous[k] !== undefined).map((k) => [k, previous[k]]));
        list[index] = { ...kept, ...request.body };
      }, actorOf(user), `edited ${collection} ${id} in ${siteId}`);
      return { item: request.body };
    } catch (err) {
      return rejected(reply, err);
    }
  });

  app.delete<{ Params: { siteId: string; collection: Collection; id: string } }>('/api/v1/sites/:siteId/:collection/:id', { preHandler: manager, schema: configApi.deleteItem }, async (request, reply) => {
    const user = currentUser(request);
    const { siteId, collection, id } = request.params;
    mustManage(user, siteId);
    try {
      config.change((draft) => {
        const site = draft.sites.find((s) => s.id === siteId)! as unknown as Record<Collection, Item[]>;
        const list = site[collection] ?? [];
        site[collection] = list.filter((x) => x.id !== id);
        if (site[collection].length === list.length) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`${collection} ${id}`]);
      }, actorOf(user), `deleted ${collection} ${id} from ${siteId}`);
      return { ok: true };
    } catch (err) {
      return rejected(reply, err);
    }
  });

  // Users: a manager sees and edits the users of their sites, never above their own role.
  const mayTouchUser = (actor: UserConfig, target: Pick<UserConfig, 'role' | 'sites'>) =>
    actor.role === 'admin' || (roleRank[target.role] <= roleRank[actor.role] && target.sites.every((s) => s !== '*' && directory.userMayAccessSite(actor, s)));

  app.get('/api/v1/users', { preHandler: manager, schema: configApi.users }, async (request) => {
    const user = currentUser(request);
    return { users: directory.config.users.filter((u) => mayTouchUser(user, u) || u.sites.some((s) => directory.userMayAccessSite(user, s))).map(withoutSecrets) };
  });

  type UserBody = UserBodyShape;

  const saveUser = async (body: UserBody, reply: FastifyReply, actor: UserConfig, existing?: UserConfig) => {
    const { password, ...fields } = body;
    if (!mayTouchUser(actor, fields) || (existing && !mayTouchUser(actor, existing))) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['give that role or those sites']);
    if (!existing && !password) return rejected(reply, new ConfigError('user', ['password: a new user needs a password (at least 8 characters)']));
    // The README prints these: an account given one is as good as open (issue 10, known passwords).
    if (password && PUBLISHED_PASSWORDS.includes(password)) return rejected(reply, new ConfigError('user', ['password: a published demo password cannot be used']));
    const passwordHash = password ? await hashPassword(password) : existing!.passwordHash;
    try {
      config.change((draft) => {
        const next: UserConfig = { ...fields, passwordHash };
        if (existing) draft.users = draft.users.map((u) => (u.username === existing.username ? next : u));
        else draft.users.push(next);
      }, actorOf(actor), `${existing ? 'edited' : 'created'} user ${fields.username}`);
      return reply.code(existing ? 200 : 201).send({ user: withoutSecrets({ ...fields, passwordHash }) });
    } catch (err) {
      return rejected(reply, err);
    }
  };

  app.post<{ Body: UserBody }>('/api/v1/users', { preHandler: manager, schema: configApi.createUser }, async (request, reply) =>
    saveUser(request.body, reply, currentUser(request)));

  app.put<{ Params: { username: string }; Body: UserBody }>('/api/v1/users/:username', { preHandler: manager, schema: configApi.editUser }, async (request, reply) => {
    const existing = directory.user(request.params.username);
    if (!existing) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`user ${request.params.username}`]);
    return saveUser(request.body, reply, currentUser(request), existing);
  });

  app.delete<{ Params: { username: string } }>('/api/v1/users/:username', { preHandler: manager, schema: configApi.deleteUser }, async (request, reply) => {
    const actor = currentUser(request);
    const existing = directory.user(request.params.username);
    if (!existing) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`user ${request.params.username}`]);
    if (!mayTouchUser(actor, existing) || existing.username === actor.username) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['delete that user']);
    try {
      config.change((draft) => { draft.users = draft.users.filter((u) => u.username !== existing.username); }, actorOf(actor), `deleted user ${existing.username}`);
      return { ok: true };
    } catch (err) {
      return rejected(reply, err);
    }
  });
}
