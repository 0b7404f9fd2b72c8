import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import { currentUser, requireUser } from '../routes/request-user';
import type { EvacuationService } from './evacuation-service';
import type { Evacuation } from './evacuation-types';
import { toEvacuationResource } from './evacuation-views';

const ID = { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: ID } } as const;
const noBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;

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

  app.post<{ Params: { siteId: string }; Body: { drill?: boolean; message?: string } | null }>('/api/v1/sites/:siteId/evacuations', {
    preHandler: security,
    schema: {
      params: { type: 'object', required: ['siteId'], additionalProperties: false, properties: { siteId: { type: 'string', maxLength: 64 } } },
      body: {
        type: ['object', 'null'], additionalProperties: false,
        properties: { drill: { type: 'boolean' }, message: { type: 'string', maxLength: 300 } },
      },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    const { siteId } = request.params;
    if (!directory.site(siteId) || !directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    const { evacuation, created } = await service.start({ siteId, drill: request.body?.drill, message: request.body?.message, trigger: 'user', user });
    // A second start returns the running one (200), whoever started it and whether drill or not.
    return reply.code(created ? 201 : 200).send({ created, ...service.rollCall(evacuation.id) });
  });

  app.get<{ Querystring: { state?: 'running' | 'ended'; limit?: number } }>('/api/v1/evacuations', {
    preHandler: security,
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { state: { enum: ['running', 'ended'] }, limit: { type: 'integer', minimum: 1, maximum: 500 } },
      },
    },
  }, async (request) => {
    const user = currentUser(request);
    const list = service.list(request.query.limit ?? 50)
      .filter((e) => directory.userMayAccessSite(user, e.siteId) && (!request.query.state || e.state === request.query.state));
    return { evacuations: list.map(toEvacuationResource) };
  });

  // The live roll call: poll it (consoles of security contacts also get `roll-call` pushes).
  app.get<{ Params: { id: string } }>('/api/v1/evacuations/:id', { preHandler: security, schema: { params: idParams } }, async (request) => {
    visible(currentUser(request), request.params.id);
    return service.rollCall(request.params.id);
  });

  app.post<{ Params: { id: string } }>('/api/v1/evacuations/:id/end', { preHandler: security, schema: { params: idParams, body: noBody } }, async (request) => {
    const user = currentUser(request);
    visible(user, request.params.id);
    await service.end(request.params.id, user);
    return service.rollCall(request.params.id);
  });

  // "I'm safe" for oneself, from a phone's browser or any client of the API.
  app.post<{ Params: { id: string } }>('/api/v1/evacuations/:id/safe', {
    preHandler: requireUser(sessions, 'employee'), schema: { params: idParams, body: noBody },
  }, async (request) => {
    const user = currentUser(request);
    visible(user, request.params.id);
    const person = service.answer(request.params.id, user, 'safe', 'app');
    return { username: person.username, state: 'safe', safeAt: new Date(person.answeredAt!).toISOString() };
  });

  // The roll-call leader at the assembly point ticks someone off (or marks them as needing help).
  app.post<{ Params: { id: string; username: string }; Body: { answer?: 'safe' | 'needs-help' } | null }>('/api/v1/evacuations/:id/people/:username/answer', {
    preHandler: security,
    schema: {
      params: { type: 'object', required: ['id', 'username'], additionalProperties: false, properties: { id: ID, username: { type: 'string', maxLength: 64 } } },
      body: { type: ['object', 'null'], additionalProperties: false, properties: { answer: { enum: ['safe', 'needs-help'] } } },
    },
  }, async (request) => {
    const user = currentUser(request);
    visible(user, request.params.id);
    const target = directory.user(request.params.username) ?? { username: request.params.username };
    const person = service.answer(request.params.id, target, request.body?.answer ?? 'safe', 'marked');
    request.log.info({ evacuationId: request.params.id, username: person.username, by: user.username }, 'roll call: marked by the leader');
    return { username: person.username, answer: person.answer, via: person.via };
  });
}
