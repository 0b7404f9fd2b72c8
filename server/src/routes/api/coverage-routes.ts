import { deviceApi } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { Alarm } from '../../alarm/alarm-types';
import type { SessionService } from '../../auth/sessions';
import type { OfficeDirectory } from '../../config/office-directory';
import { resolveStepTargets } from '../../dispatch/step-router';
import type { ConsoleHub } from '../../ws/console-hub';
import { currentUser, requireUser } from '../request-user';

/**
 * Coverage before an alarm: for every room, who would an alarm from there reach right now? The
 * router walks the room's chain as it would for a real alarm (origin zone silent, presence-aware)
 * up to the first step that reaches someone. A room that reaches nobody is what a manager must
 * fix before it matters. For a short while after the server starts (ConsoleHub.startingUp) such a
 * room is `connecting` instead: its stations have not had the time to reconnect.
 */
export async function coverageRoutes(app: FastifyInstance, opts: { directory: OfficeDirectory; hub: ConsoleHub; sessions: SessionService }) {
  const { directory, hub, sessions } = opts;
  app.get('/api/v1/coverage', { preHandler: requireUser(sessions, 'responder'), schema: deviceApi.coverage }, async (request) => {
    const user = currentUser(request);
    const rooms = directory.allSites().filter((s) => directory.userMayAccessSite(user, s.id)).flatMap((site) =>
      site.rooms.map((room) => {
        const chain = directory.chainFor(site.id, room.zoneId);
        const probe: Alarm = {
          id: 'coverage', siteId: site.id, kind: 'panic', drill: false, roomId: room.id, zoneId: room.zoneId,
          chain: { chainId: chain.id, steps: chain.steps }, state: 'raised', raisedAt: 0, updatedAt: 0, pressCount: 1, responders: [],
          lastStep: -1, lastNotifiedStep: -1, nextStepDueAt: null, routedStations: [], version: 1,
        };
        for (let step = 0; step < chain.steps.length; step++) {
          const r = resolveStepTargets(directory, probe, step, hub);
          if (r.online.length > 0 || (r.notifications?.length ?? 0) > 0) {
            return {
              siteId: site.id, roomId: room.id, roomName: room.name, firstReachingStep: step, reachableStations: r.online,
              respondersOnline: hub.respondersAt(r.online), externalTargets: (r.notifications ?? []).map((n) => n.target), reachesNobody: false,
            };
          }
        }
        // Just after a restart the consoles are still reconnecting: "connecting", not a false "nobody".
        const connecting = hub.startingUp();
        return {
          siteId: site.id, roomId: room.id, roomName: room.name, firstReachingStep: null, reachableStations: [], respondersOnline: 0, externalTargets: [],
          reachesNobody: !connecting, ...(connecting && { connecting: true }),
        };
      }));
    return { rooms };
  });
}
