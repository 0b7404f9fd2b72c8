import { visitApi, type IdParams, type VisitExtendBody, type VisitListQuery, type VisitStartBody } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { hasRole, type SessionService } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import { iso } from '../iso-time';
import { currentUser, requireUser } from '../routes/request-user';
import type { CheckInVisits } from './check-in-visits';
import type { Visit, VisitState } from './lone-work-store';

const STATE_FILTER: Record<string, VisitState[]> = { active: ['active'], missed: ['expiring', 'missed'], 'checked-out': ['checked-out'] };

/** The REST shape: `expiring` (alarm being raised) reads as `missed`; a position only once missed. */
export function toVisitResource(v: Visit) {
  return {
    id: v.id, siteId: v.siteId, deviceId: v.deviceId, person: v.person, address: v.address,
    startedBy: v.owner ?? `device:${v.deviceId}`, startedAt: iso(v.startedAt), until: iso(v.until),
    state: v.state === 'expiring' ? 'missed' : v.state, reminderSentAt: iso(v.reminderSentAt), missedAt: iso(v.missedAt),
    alarmId: v.alarmId, checkedOutAt: iso(v.checkedOutAt), checkedOutBy: v.checkedOutBy,
    ...(v.state === 'missed' && v.location ? { location: v.location, locatedAt: iso(v.locatedAt) } : {}),
  };
}

/**
 * `/api/v1/visits`: employees start, extend and check out their own visits; the security
 * contact and above may do so for anyone of their sites (a colleague checking someone out could
 * silence the only alarm they would get); responders and above list them.
 */
export async function visitRoutes(app: FastifyInstance, opts: { visits: CheckInVisits; directory: OfficeDirectory; sessions: SessionService }) {
  const { visits, directory, sessions } = opts;
  const employee = requireUser(sessions, 'employee');

  const manageable = (user: UserConfig, id: string): Visit => {
    const visit = visits.visit(id);
    // Someone else's visit answers like a missing one: its existence is not theirs to learn.
    if (!visit || !directory.userMayAccessSite(user, visit.siteId) || (visit.owner !== user.username && !hasRole(user, 'security'))) {
      throw new TryggError('TRYGG_SRV_NOT_FOUND', [`visit ${id}`]);
    }
    return visit;
  };
  const actor = (user: UserConfig) => `user:${user.username}`;

  app.post<{ Body: VisitStartBody }>('/api/v1/visits', { preHandler: employee, schema: visitApi.start }, async (request, reply) => {
    const user = currentUser(request);
    const own = user.sites.filter((s) => s !== '*');
    const siteId = request.body.siteId ?? (own.length === 1 && !user.sites.includes('*') ? own[0] : undefined);
    if (!siteId) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['siteId is required for users of several sites']);
    if (!directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    const { deviceId, person, address } = request.body;
    const visit = visits.start({ siteId, deviceId, owner: user.username, person, address, until: Date.parse(request.body.until), actor: actor(user) });
    return reply.code(201).send({ visit: toVisitResource(visit) });
  });

  app.post<{ Params: IdParams; Body: VisitExtendBody }>('/api/v1/visits/:id/extend', { preHandler: employee, schema: visitApi.extend }, async (request) => {
    const user = currentUser(request);
    manageable(user, request.params.id);
    return { visit: toVisitResource(visits.extend(request.params.id, Date.parse(request.body.until), actor(user))) };
  });

  app.post<{ Params: IdParams }>('/api/v1/visits/:id/checkout', { preHandler: employee, schema: visitApi.checkout }, async (request) => {
    const user = currentUser(request);
    manageable(user, request.params.id);
    return { visit: toVisitResource(visits.checkOut(request.params.id, actor(user))) };
  });

  app.get<{ Querystring: VisitListQuery }>('/api/v1/visits', { preHandler: requireUser(sessions, 'responder'), schema: visitApi.list }, async (request) => {
    const user = currentUser(request);
    const list = visits.list(request.query.state ? STATE_FILTER[request.query.state] : undefined, request.query.limit ?? 200);
    return { visits: list.filter((v) => directory.userMayAccessSite(user, v.siteId)).map(toVisitResource) };
  });
}
