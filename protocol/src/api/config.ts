import { Type, type Static } from 'typebox';
import { answers, Language, Ok, Role, SiteParams } from './common';
import { ActionCard, Chain, Device, GatewayView, Group, Room, SiteView, StationConfig, Zone } from './site';

/** A user as a manager sees them: never a password hash. */
export const UserView = Type.Object({
  username: Type.String(), name: Type.String(), role: Role, sites: Type.Array(Type.String()),
  phone: Type.Optional(Type.String()), email: Type.Optional(Type.String()), language: Type.Optional(Language),
}, { additionalProperties: false });
export type UserView = Static<typeof UserView>;
export const UserBody = Type.Object({
  username: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 200 }), role: Role,
  sites: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }),
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
  phone: Type.Optional(Type.String({ maxLength: 30 })), email: Type.Optional(Type.String({ maxLength: 200 })), language: Type.Optional(Language),
}, { additionalProperties: false });
export type UserBody = Static<typeof UserBody>;

export const ConfigVersion = Type.Object({
  version: Type.Integer(),
  at: Type.Number({ description: 'When it was stored (epoch milliseconds)' }),
  actor: Type.String({ description: '`user:<username>`, `file`, ...' }),
  note: Type.String(),
  startedOk: Type.Boolean({ description: 'False: the server failed to start on it and runs an earlier version' }),
}, { additionalProperties: false });
export type ConfigVersion = Static<typeof ConfigVersion>;

/** Site-level fields a manager edits (the collections have their own endpoints). */
export const SiteFields = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200 })), address: Type.Optional(Type.String({ maxLength: 300 })), entrance: Type.Optional(Type.String({ maxLength: 300 })),
  timezone: Type.Optional(Type.String({ maxLength: 64 })), defaultChain: Type.Optional(Type.String({ maxLength: 64 })), technicalChain: Type.Optional(Type.String({ maxLength: 64 })),
  neighbourAgreements: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
}, { additionalProperties: false });
export type SiteFields = Static<typeof SiteFields>;

/**
 * A new site: an id and a name at least; anything else of the file's site format may come
 * along. The configuration's own validation (the same as the file's) decides, and answers every
 * problem (TRYGG_SRV_CONFIG_REJECTED).
 */
export const NewSite = Type.Object({ id: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 200 }) }, { additionalProperties: true });

export const COLLECTIONS = ['zones', 'rooms', 'devices', 'stations', 'groups', 'chains', 'gateways', 'actionCards'] as const;
export type Collection = (typeof COLLECTIONS)[number];
export const CollectionParams = Type.Object({ siteId: Type.String({ maxLength: 64 }), collection: Type.Enum(COLLECTIONS) }, { additionalProperties: false });
export const CollectionItemParams = Type.Object({ siteId: Type.String({ maxLength: 64 }), collection: Type.Enum(COLLECTIONS), id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
/** An item of a site collection, in the file's format; checked by the configuration's validation. */
export const CollectionItem = Type.Object({ id: Type.Optional(Type.String()) }, { additionalProperties: true });
/** Any item of a collection as answered: one of the site's item shapes (no secrets). */
export const CollectionItemView = Type.Union([Zone, Room, Device, StationConfig, Group, Chain, GatewayView, ActionCard]);

/**
 * The configuration file's format (`version`, `sites`, `users`, `notifiers` ...), as exported
 * and imported; the file's schema (docs/operator-guide.md) is the contract for its inside.
 */
export const ConfigDocument = Type.Object({ version: Type.Literal(1), sites: Type.Array(Type.Object({}, { additionalProperties: true })) }, { additionalProperties: true });
export const ConfigQuery = Type.Object({ format: Type.Optional(Type.Enum(['json', 'yaml'])) }, { additionalProperties: false });

const UsernameParams = Type.Object({ username: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
const SiteAnswer = Type.Object({ site: SiteView }, { additionalProperties: false });
const UserAnswer = Type.Object({ user: UserView }, { additionalProperties: false });
const ItemAnswer = Type.Object({ item: Type.Object({ id: Type.String() }, { additionalProperties: true }) }, { additionalProperties: false });

const tags = ['configuration'];
export const configApi = {
  export: {
    tags, summary: 'Export the configuration you may see (JSON, or YAML with ?format=yaml); never a secret', querystring: ConfigQuery,
    response: answers({ 200: ConfigDocument }),
  },
  import: {
    tags, summary: 'Import a configuration (JSON or YAML): only what you may change; stored secrets are kept',
    response: answers({ 200: Type.Object({ version: Type.Integer() }, { additionalProperties: false }) }),
  },
  history: { tags, summary: 'Stored configuration versions', response: answers({ 200: Type.Object({ versions: Type.Array(ConfigVersion) }, { additionalProperties: false }) }) },
  sites: { tags, summary: 'The user\'s sites', response: answers({ 200: Type.Object({ sites: Type.Array(SiteView) }, { additionalProperties: false }) }) },
  site: { tags, summary: 'A site', params: SiteParams, response: answers({ 200: SiteAnswer }) },
  createSite: { tags, summary: 'Create a site (an id and a name are enough)', body: NewSite, response: answers({ 201: SiteAnswer }) },
  editSite: { tags, summary: 'Edit a site\'s own fields', params: SiteParams, body: SiteFields, response: answers({ 200: SiteAnswer }) },
  deleteSite: { tags, summary: 'Delete a site', params: SiteParams, response: answers({ 200: Ok }) },
  items: {
    tags, summary: 'A collection of a site (zones, rooms, devices, stations, groups, chains, gateways, action cards)', params: CollectionParams,
    response: answers({ 200: Type.Object({ items: Type.Array(CollectionItemView) }, { additionalProperties: false }) }),
  },
  addItem: { tags, summary: 'Add an item to a site collection', params: CollectionParams, body: CollectionItem, response: answers({ 201: ItemAnswer }) },
  editItem: { tags, summary: 'Replace an item of a site collection', params: CollectionItemParams, body: CollectionItem, response: answers({ 200: ItemAnswer }) },
  deleteItem: { tags, summary: 'Delete an item of a site collection', params: CollectionItemParams, response: answers({ 200: Ok }) },
  users: { tags, summary: 'Users a manager sees', response: answers({ 200: Type.Object({ users: Type.Array(UserView) }, { additionalProperties: false }) }) },
  createUser: { tags, summary: 'Create a user (never above your own role or sites)', body: UserBody, response: answers({ 201: UserAnswer }) },
  editUser: { tags, summary: 'Edit a user', params: UsernameParams, body: UserBody, response: answers({ 200: UserAnswer }) },
  deleteUser: { tags, summary: 'Delete a user', params: UsernameParams, response: answers({ 200: Ok }) },
} as const;
