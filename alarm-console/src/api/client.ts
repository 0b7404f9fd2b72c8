// The REST endpoints the console uses, one function each (server/src/routes/api/*.ts).
import { request } from './http';
import type {
  AlarmResource, ConfigVersion, CoverageRoom, DeviceStatus, SiteView, Station, TimelineEvent, User, UserView,
} from './types';

/** Collections of a site that the manager pages edit, each item keyed by `id`. */
export type Collection = 'zones' | 'rooms' | 'devices' | 'stations' | 'groups' | 'chains' | 'actionCards';

const enc = encodeURIComponent;

export const api = {
  session: () => request<{ user: User }>('GET', '/api/v1/session'),
  login: (username: string, password: string) => request<{ user: User }>('POST', '/api/v1/session', { username, password }),
  logout: () => request<unknown>('DELETE', '/api/v1/session'),

  stations: () => request<{ stations: Station[] }>('GET', '/api/v1/stations'),
  sites: () => request<{ sites: SiteView[] }>('GET', '/api/v1/sites'),
  site: (siteId: string) => request<{ site: SiteView }>('GET', `/api/v1/sites/${enc(siteId)}`),
  updateSite: (siteId: string, fields: Partial<SiteView>) => request<{ site: SiteView }>('PUT', `/api/v1/sites/${enc(siteId)}`, fields),

  addItem: (siteId: string, collection: Collection, item: object) =>
    request<{ item: unknown }>('POST', `/api/v1/sites/${enc(siteId)}/${collection}`, item),
  updateItem: (siteId: string, collection: Collection, id: string, item: object) =>
    request<{ item: unknown }>('PUT', `/api/v1/sites/${enc(siteId)}/${collection}/${enc(id)}`, item),
  deleteItem: (siteId: string, collection: Collection, id: string) =>
    request<unknown>('DELETE', `/api/v1/sites/${enc(siteId)}/${collection}/${enc(id)}`),

  users: () => request<{ users: UserView[] }>('GET', '/api/v1/users'),
  addUser: (user: UserView & { password?: string }) => request<{ user: UserView }>('POST', '/api/v1/users', user),
  updateUser: (username: string, user: UserView & { password?: string }) => request<{ user: UserView }>('PUT', `/api/v1/users/${enc(username)}`, user),
  deleteUser: (username: string) => request<unknown>('DELETE', `/api/v1/users/${enc(username)}`),

  exportConfig: () => request<string>('GET', '/api/v1/config?format=yaml', undefined, { text: true }),
  importConfig: (yaml: string) => request<{ version: number }>('PUT', '/api/v1/config', undefined, { raw: { body: yaml, contentType: 'application/yaml' } }),
  configHistory: () => request<{ versions: ConfigVersion[] }>('GET', '/api/v1/config/history'),

  devices: () => request<{ devices: DeviceStatus[] }>('GET', '/api/v1/devices'),
  alarms: (limit = 200) => request<{ alarms: AlarmResource[] }>('GET', `/api/v1/alarms?limit=${limit}`),
  alarm: (id: string) => request<{ alarm: AlarmResource; timeline: TimelineEvent[] }>('GET', `/api/v1/alarms/${enc(id)}`),
  coverage: () => request<{ rooms: CoverageRoom[] }>('GET', '/api/v1/coverage'),
};
