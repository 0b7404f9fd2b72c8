// The REST endpoints the console uses, one function each (server/src/routes/api/*.ts).
import { request } from './http';
import type {
  AlarmResource, BannedAuditEntry, BannedCheckResult, BannedClientEntry, BannedClientInput, Bilingual, ConfigVersion, CoverageRoom, DeviceStatus,
  Drill, DrillKind, DrillReport, Incident, IncidentCatalogue, IncidentInput, IncidentStatus, IncidentSummary, Meeting, MeetingChecklist,
  MeetingReason, MonthStatistics, RiskCatalogue, RiskEvent, RiskMeasure, RiskRegister, RollCall, SiteView, Station, StationCredential, TimelineEvent,
  SessionUser as User, UserView, SentItem, LoginLockout } from '@trygg/protocol';

/** Collections of a site that the manager pages edit, each item keyed by `id`. */
export type Collection = 'zones' | 'rooms' | 'devices' | 'stations' | 'groups' | 'chains' | 'actionCards';

const enc = encodeURIComponent;

export const api = {
  session: () => request<{ user: User }>('GET', '/api/v1/session'),
  login: (username: string, password: string) => request<{ user: User }>('POST', '/api/v1/session', { username, password }),
  logout: () => request<unknown>('DELETE', '/api/v1/session'),
  logoutEverywhere: () => request<{ endedSessions: number }>('POST', '/api/v1/session/logout-all'),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<{ endedSessions: number }>('POST', '/api/v1/session/password', { currentPassword, newPassword }),

  stations: () => request<{ stations: Station[] }>('GET', '/api/v1/stations'),
  // Enrolled station PCs (docs/stations.md): the station cookie is HttpOnly, these routes use it.
  thisStation: () => request<{ station: Station; credentialId: string; enrolledAt: number }>('GET', '/api/v1/this-station'),
  forgetThisStation: () => request<{ ok: true }>('DELETE', '/api/v1/this-station'),
  enrolStation: (stationId: string, label?: string) =>
    request<{ credential: StationCredential }>('POST', `/api/v1/stations/${enc(stationId)}/enrol`, label ? { label } : {}),
  stationCredentials: () => request<{ credentials: StationCredential[] }>('GET', '/api/v1/station-credentials'),
  revokeStationCredential: (id: string) => request<{ credential: StationCredential }>('DELETE', `/api/v1/station-credentials/${enc(id)}`),
  sites: () => request<{ sites: SiteView[] }>('GET', '/api/v1/sites'),
  site: (siteId: string) => request<{ site: SiteView }>('GET', `/api/v1/sites/${enc(siteId)}`),
  updateSite: (siteId: string, fields: Partial<SiteView>) => request<{ site: SiteView }>('PUT', `/api/v1/sites/${enc(siteId)}`, fields),
  createSite: (fields: { id: string; name: string; timezone?: string }) => request<{ site: SiteView }>('POST', '/api/v1/sites', fields),
  deleteSite: (siteId: string) => request<unknown>('DELETE', `/api/v1/sites/${enc(siteId)}`),
  /** The server decides the type from the file's bytes; PDF becomes a PNG of its first page. */
  uploadFloorPlan: (siteId: string, floor: string, file: Blob) => request<{ floorPlan: { floor: string; image: string }; converted?: string }>(
    'PUT', `/api/v1/sites/${enc(siteId)}/floor-plans/${enc(floor)}`, undefined, { raw: { body: file, contentType: file.type || 'application/octet-stream' } }),
  deleteFloorPlan: (siteId: string, floor: string) => request<unknown>('DELETE', `/api/v1/sites/${enc(siteId)}/floor-plans/${enc(floor)}`),

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
  loginLockouts: () => request<{ lockouts: LoginLockout[] }>('GET', '/api/v1/login-lockouts'),
  liftLoginLockout: (username: string) => request<{ ok: true; wasLocked: boolean }>('DELETE', `/api/v1/login-lockouts/${enc(username)}`),

  exportConfig: () => request<string>('GET', '/api/v1/config?format=yaml', undefined, { text: true }),
  importConfig: (yaml: string) => request<{ version: number }>('PUT', '/api/v1/config', undefined, { raw: { body: yaml, contentType: 'application/yaml' } }),
  configHistory: () => request<{ versions: ConfigVersion[] }>('GET', '/api/v1/config/history'),

  devices: () => request<{ devices: DeviceStatus[] }>('GET', '/api/v1/devices'),
  /** One history page, newest first; `before` is the `next` of the page above it. */
  alarms: (limit = 200, before?: string) =>
    request<{ alarms: AlarmResource[]; next?: string }>('GET', `/api/v1/alarms?limit=${limit}${before ? `&before=${enc(before)}` : ''}`),
  alarm: (id: string) => request<{ alarm: AlarmResource; timeline: TimelineEvent[]; sent?: SentItem[] }>('GET', `/api/v1/alarms/${enc(id)}`),
  coverage: () => request<{ rooms: CoverageRoom[] }>('GET', '/api/v1/coverage'),

  // ---- safety work (docs/incidents-and-risk.md, docs/drills-meetings-banned-clients.md, docs/evacuation.md)
  incidentCatalogue: () => request<IncidentCatalogue>('GET', '/api/v1/incidents/catalogue'),
  incidents: (siteId?: string) => request<{ incidents: IncidentSummary[] }>('GET', `/api/v1/incidents?limit=500${siteId ? `&siteId=${enc(siteId)}` : ''}`),
  incident: (id: string) => request<Incident>('GET', `/api/v1/incidents/${enc(id)}`),
  createIncident: (siteId: string, input: IncidentInput) => request<Incident>('POST', '/api/v1/incidents', { siteId, ...input }),
  updateIncident: (id: string, input: IncidentInput) => request<Incident>('PATCH', `/api/v1/incidents/${enc(id)}`, input),
  moveIncident: (id: string, to: 'review' | 'close', note?: string) =>
    request<Incident>('POST', `/api/v1/incidents/${enc(id)}/${to}`, note ? { note } : {}),
  incidentAudit: (id: string) => request<{ entries: { at: string; username: string; action: string; via: string }[] }>('GET', `/api/v1/incidents/${enc(id)}/audit`),
  reviewQueue: (siteId: string) =>
    request<{ counts: Record<Exclude<IncidentStatus, 'closed'>, number>; incidents: IncidentSummary[] }>('GET', `/api/v1/sites/${enc(siteId)}/incidents/review-queue`),
  /** A plain link: the browser downloads it with the session cookie. */
  incidentExportHref: (siteId: string, format: 'csv' | 'json') => `/api/v1/sites/${enc(siteId)}/incidents/export?format=${format}`,

  riskRegister: (siteId: string) => request<RiskRegister>('GET', `/api/v1/sites/${enc(siteId)}/risk-register`),
  riskCatalogue: () => request<RiskCatalogue>('GET', '/api/v1/risk/catalogue'),
  editRiskEvent: (siteId: string, eventId: string, body: { likelihood: number; consequence: number; note?: string }) =>
    request<RiskEvent>('PUT', `/api/v1/sites/${enc(siteId)}/risk-register/events/${enc(eventId)}`, body),
  resetRiskEvent: (siteId: string, eventId: string) => request<RiskEvent>('DELETE', `/api/v1/sites/${enc(siteId)}/risk-register/events/${enc(eventId)}`),
  addMeasure: (siteId: string, body: { eventIds: string[]; templateId?: string; text?: string; kind?: RiskMeasure['kind']; owner?: string | null; status?: RiskMeasure['status'] }) =>
    request<RiskMeasure>('POST', `/api/v1/sites/${enc(siteId)}/risk-measures`, body),
  updateMeasure: (siteId: string, id: string, body: { owner?: string | null; status?: RiskMeasure['status'] }) =>
    request<RiskMeasure>('PATCH', `/api/v1/sites/${enc(siteId)}/risk-measures/${enc(id)}`, body),
  deleteMeasure: (siteId: string, id: string) => request<unknown>('DELETE', `/api/v1/sites/${enc(siteId)}/risk-measures/${enc(id)}`),

  drills: (siteId: string) => request<{ drills: Drill[] }>('GET', `/api/v1/sites/${enc(siteId)}/drills`),
  planDrill: (siteId: string, body: { roomId?: string; kind: DrillKind; at?: string; durationMinutes?: number; note?: string }) =>
    request<{ drill: Drill }>('POST', `/api/v1/sites/${enc(siteId)}/drills`, body),
  endDrill: (id: string) => request<{ drill: Drill }>('POST', `/api/v1/drills/${enc(id)}/end`, {}),
  drillReport: (id: string) => request<DrillReport>('GET', `/api/v1/drills/${enc(id)}/report`),
  statistics: (siteId: string) => request<{ months: MonthStatistics[] }>('GET', `/api/v1/sites/${enc(siteId)}/statistics`),

  meetings: (active = false) => request<{ meetings: Meeting[] }>('GET', `/api/v1/meetings${active ? '?active=true' : ''}`),
  meeting: (id: string) => request<{ meeting: Meeting; checklist?: MeetingChecklist }>('GET', `/api/v1/meetings/${enc(id)}`),
  registerMeeting: (body: { siteId?: string; roomId: string; from?: string; to: string; reason: MeetingReason }) =>
    request<{ meeting: Meeting; checklist: MeetingChecklist }>('POST', '/api/v1/meetings', body),
  closeMeeting: (id: string) => request<{ meeting: Meeting }>('POST', `/api/v1/meetings/${enc(id)}/close`, {}),

  checkBannedClient: (body: { siteId?: string; name: string; birthYear?: number; reason: string }) =>
    request<BannedCheckResult>('POST', '/api/v1/banned-clients/check', body),
  bannedClients: () => request<{ entries: BannedClientEntry[]; notice: Bilingual }>('GET', '/api/v1/banned-clients'),
  addBannedClient: (entry: BannedClientInput) => request<{ entry: BannedClientEntry }>('POST', '/api/v1/banned-clients', entry),
  updateBannedClient: (id: string, entry: BannedClientInput) => request<{ entry: BannedClientEntry }>('PUT', `/api/v1/banned-clients/${enc(id)}`, entry),
  deleteBannedClient: (id: string) => request<unknown>('DELETE', `/api/v1/banned-clients/${enc(id)}`),
  bannedClientsAudit: () => request<{ audit: BannedAuditEntry[]; retentionDays: number }>('GET', '/api/v1/banned-clients/audit?limit=500'),

  evacuations: () => request<{ evacuations: RollCall['evacuation'][] }>('GET', '/api/v1/evacuations?limit=20'),
  evacuation: (id: string) => request<RollCall>('GET', `/api/v1/evacuations/${enc(id)}`),
  startEvacuation: (siteId: string, body: { drill: boolean; message?: string }) =>
    request<RollCall & { created: boolean }>('POST', `/api/v1/sites/${enc(siteId)}/evacuations`, body),
  endEvacuation: (id: string) => request<RollCall>('POST', `/api/v1/evacuations/${enc(id)}/end`, {}),
  markSafe: (id: string, username: string, answer: 'safe' | 'needs-help') =>
    request<unknown>('POST', `/api/v1/evacuations/${enc(id)}/people/${enc(username)}/answer`, { answer }),
};
