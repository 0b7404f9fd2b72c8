import { deviceApi, type DeviceTestRequest, type TestModeBody } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { DeviceConfig, SiteConfig, UserConfig } from '../config/types';
import { TryggError } from '../errors';
import type { FeatureContext } from '../features/feature';
import { currentUser, requireUser } from '../routes/request-user';
import type { SelfTest } from './self-test';
import type { SiteSupervision } from './supervision-settings';

type DeviceRequest = DeviceTestRequest;

/**
 * Self-test API: security contacts put a device in test mode (its presses are recorded as passed
 * tests, never alarms) and everyone on duty can read which devices are overdue for a test.
 */
export async function supervisionRoutes(app: FastifyInstance, deps: {
  ctx: FeatureContext;
  selfTest: SelfTest;
  settingsOf: (siteId: string) => SiteSupervision;
}) {
  const { ctx: { directory, sessions, clock, logger }, selfTest, settingsOf } = deps;

  /** The device among the user's sites; another site's device answers like a missing one. */
  const findDevice = (user: UserConfig, deviceId: string, siteId?: string): { site: SiteConfig; device: DeviceConfig } => {
    const found = directory.allSites()
      .filter((site) => (siteId === undefined || site.id === siteId) && directory.userMayAccessSite(user, site.id))
      .flatMap((site) => site.devices.filter((d) => d.id === deviceId).map((device) => ({ site, device })));
    if (found.length === 0) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`device ${deviceId}`]);
    if (found.length > 1) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`device ${deviceId} exists in several sites; add ?siteId=`]);
    return found[0]!;
  };

  app.post<DeviceRequest & { Body: TestModeBody | undefined }>('/api/v1/devices/:deviceId/test-mode', {
    preHandler: requireUser(sessions, 'security'), schema: deviceApi.startTestMode,
  }, async (request) => {
    const user = currentUser(request);
    const { site, device } = findDevice(user, request.params.deviceId, request.query.siteId);
    const minutes = request.body?.minutes ?? settingsOf(site.id).testModeMinutes;
    const now = clock.now();
    const until = selfTest.start(site.id, device.id, minutes, user.username, now);
    logger.info({ siteId: site.id, deviceId: device.id, until: new Date(until).toISOString(), by: user.username }, 'device test mode started');
    return selfTest.status(site.id, device.id, now);
  });

  app.delete<DeviceRequest>('/api/v1/devices/:deviceId/test-mode', {
    preHandler: requireUser(sessions, 'security'), schema: deviceApi.endTestMode,
  }, async (request) => {
    const user = currentUser(request);
    const { site, device } = findDevice(user, request.params.deviceId, request.query.siteId);
    const now = clock.now();
    if (selfTest.end(site.id, device.id, now)) logger.info({ siteId: site.id, deviceId: device.id, by: user.username }, 'device test mode ended');
    return selfTest.status(site.id, device.id, now);
  });

  app.get('/api/v1/device-tests', { preHandler: requireUser(sessions, 'responder'), schema: deviceApi.deviceTests }, async (request) => {
    const user = currentUser(request);
    const now = clock.now();
    const devices = directory.allSites()
      .filter((site) => directory.userMayAccessSite(user, site.id))
      .flatMap((site) => site.devices.map((d) => selfTest.status(site.id, d.id, now)));
    return { devices };
  });
}
