import { deviceApi } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../../auth/sessions';
import type { OfficeDirectory } from '../../config/office-directory';
import type { Store } from '../../store/store';
import { currentUser, requireUser } from '../request-user';

/** Devices with last-seen, and the console stations a user may bind a console to. */
export async function directoryRoutes(app: FastifyInstance, opts: { store: Store; directory: OfficeDirectory; sessions: SessionService }) {
  const { store, directory, sessions } = opts;

  app.get('/api/v1/devices', { preHandler: requireUser(sessions, 'responder'), schema: deviceApi.devices }, async (request) => {
    const user = currentUser(request);
    const seen = new Map((await store.listDevicesSeen()).map((s) => [`${s.siteId}/${s.deviceId}`, s]));
    const devices = directory.allSites()
      .filter((site) => directory.userMayAccessSite(user, site.id))
      .flatMap((site) => site.devices.map((d) => {
        const s = seen.get(`${site.id}/${d.id}`);
        return {
          id: d.id, siteId: site.id, name: d.name, type: d.type, roomId: d.roomId, gatewayId: d.gatewayId,
          lastSeenAt: s ? new Date(s.lastSeenAt).toISOString() : null, battery: s?.battery ?? null,
        };
      }));
    return { devices };
  });

  app.get('/api/v1/stations', { preHandler: requireUser(sessions, 'employee'), schema: deviceApi.stations }, async (request) => {
    const user = currentUser(request);
    const stations = directory.allSites()
      .filter((site) => directory.userMayAccessSite(user, site.id))
      .flatMap((site) => site.stations.map((s) => ({ id: s.id, name: s.name, siteId: site.id, zoneId: s.zoneId })));
    return { stations };
  });
}
