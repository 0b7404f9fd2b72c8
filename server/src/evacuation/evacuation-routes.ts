import { evacuationApi, type EvacuationListQuery, type EvacuationStartBody, type IdParams, type PersonAnswerBody, type PersonAnswerParams, type SiteParams } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import { currentUser, requireUser } from '../routes/request-user';
import type { EvacuationService } from './evacuation-service';
import type { Evacuation } from './evacuation-types';
import { toEvacuationResource } from './evacuation-views';

/**
 * `/api/v1/.../evacuations`. Starting, ending and reading the roll call take a security contact
 * (tryggleiksperson) or above — the people the emergency plan makes responsible for evacuation
 * and drills; anyone at the site may answer for themselves. Another site's evacuation answers
 * like a missing one.
 */
export async function evacuationRoutes(app: FastifyInstance, opts: { service: EvacuationService; directory: OfficeDirectory; sessions: SessionService }) {
  const { service, directory, sessions } = opts;
  const security = requireUser(sessions, 'security');
  const visible = (user: UserConfig, id: string): Evacuation => {
    const evacuation = service.get(id);
    if (!directory.userMayAccessSite(user, evacuation.siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`evacuation ${id}`]);
    return evacuation;
  };

  app.post<{ Params: SiteParams; Body: EvacuationStartBody }>('/api/v1/sites/:siteId/evacuations', { preHandler: security, schema: evacuationApi.start }, async (request, reply) => {
    const user = currentUser(request);
    const { siteId } = request.params;
    if (!directory.site(siteId) || !directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    const { evacuation, created } = await service.start({ siteId, drill: request.body?.drill, message: request.body?.message, trigger: 'user', user });
    // A second start returns the running one (200), whoever started it and whether drill or not.
    return reply.code(created ? 201 : 200).send({ created, ...service.rollCall(evacuation.id) });
  });

  app.get<{ Querystring: EvacuationListQuery }>('/api/v1/evacuations', { preHandler: security, schema: evacuationApi.list }, async (request) => {
    const user = currentUser(request);
    const list = service.list(request.query.limit ?? 50)
      .filter((e) => directory.userMayAccessSite(user, e.siteId) && (!request.query.state || e.state === request.query.state));
    return { evacuations: list.map(toEvacuationResource) };
  });

  // The live roll call: poll it (consoles of security contacts also get `roll-call` pushes).
  app.get<{ Params: IdParams }>('/api/v1/evacuations/:id', { preHandler: security, schema: evacuationApi.rollCall }, async (request) => {
    visible(currentUser(request), request.params.id);
    return service.rollCall(request.params.id);
  });

  app.post<{ Params: IdParams }>('/api/v1/evacuations/:id/end', { preHandler: security, schema: evacuationApi.end }, async (request) => {
    const user = currentUser(request);
    visible(user, request.params.id);
    await service.end(request.params.id, user);
    return service.rollCall(request.params.id);
  });

  // "I'm safe" for oneself, from a phone's browser or any client of the API.
  app.post<{ Params: IdParams }>('/api/v1/evacuations/:id/safe', {
    preHandler: requireUser(sessions, 'employee'), schema: evacuationApi.safe,
  }, async (request) => {
    const user = currentUser(request);
    visible(user, request.params.id);
    const person = service.answer(request.params.id, user, 'safe', 'app');
    return { username: person.username, state: 'safe', safeAt: new Date(person.answeredAt!).toISOString() };
  });

  // The roll-call leader at the assembly point ticks someone off (or marks them as needing help).
  app.post<{ Params: PersonAnswerParams; Body: PersonAnswerBody }>('/api/v1/evacuations/:id/people/:username/answer', { preHandler: security, schema: evacuationApi.answerFor }, async (request) => {
    const user = currentUser(request);
    visible(user, request.params.id);
    const target = directory.user(request.params.username) ?? { username: request.params.username };
    const person = service.answer(request.params.id, target, request.body?.answer ?? 'safe', 'marked');
    request.log.info({ evacuationId: request.params.id, username: person.username, by: user.username }, 'roll call: marked by the leader');
    return { username: person.username, answer: person.answer, via: person.via };
  });
}
