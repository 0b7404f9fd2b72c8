import { peopleApi } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import { TryggError } from '../errors';
import { currentUser, requireUser } from '../routes/request-user';
import type { PersonData } from './person-data';

/**
 * `/api/v1/people/:username/export` and `/erase`: administrators only, and only for users whose
 * sites are all theirs (an administrator of one site cannot reach a colleague elsewhere).
 */
export async function personRoutes(app: FastifyInstance, opts: { people: PersonData; directory: OfficeDirectory; sessions: SessionService }) {
  const { people, directory, sessions } = opts;
  const admin = requireUser(sessions, 'admin');

  const mayReach = (actorName: string, username: string) => {
    const actor = directory.user(actorName);
    const target = directory.rawConfig.users.find((u) => u.username === username);
    // An unknown user and one out of reach answer alike: whether someone exists elsewhere is not theirs to learn.
    if (!actor || !target) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`user ${username}`]);
    const sites = target.sites.includes('*') ? directory.allSites().map((s) => s.id) : target.sites;
    const reachable = target.sites.includes('*') ? actor.sites.includes('*') : sites.every((id) => directory.userMayAccessSite(actor, id));
    if (!reachable) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`user ${username}`]);
  };

  app.get<{ Params: { username: string } }>('/api/v1/people/:username/export', { preHandler: admin, schema: peopleApi.export }, async (request, reply) => {
    const user = currentUser(request);
    mayReach(user.username, request.params.username);
    const data = await people.export(request.params.username, user.username);
    return reply
      .header('content-disposition', `attachment; filename="trygg-person-${request.params.username}.json"`)
      .header('cache-control', 'no-store')
      .send(data);
  });

  app.post<{ Params: { username: string } }>('/api/v1/people/:username/erase', { preHandler: admin, schema: peopleApi.erase }, async (request) => {
    const user = currentUser(request);
    mayReach(user.username, request.params.username);
    return people.erase(request.params.username, user.username);
  });
}
