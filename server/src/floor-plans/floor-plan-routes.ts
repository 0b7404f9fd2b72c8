import { floorPlanApi } from '@trygg/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { SessionService } from '../auth/sessions';
import { ConfigError, type ConfigService } from '../config-admin/config-service';
import type { OfficeDirectory } from '../config/office-directory';
import type { Clock } from '@trygg/protocol';
import { TryggError } from '../errors';
import { currentUser, requireUser } from '../routes/request-user';
import { FLOOR_PLAN_CONTENT_TYPES, floorPlanKind, MAX_FLOOR_PLAN_BYTES, tooLarge } from './floor-plan-file';
import type { FloorPlanStore } from './floor-plan-store';
import { renderPdfFirstPage } from './pdf-first-page';

export const FLOOR_PLAN_URL_PREFIX = '/api/v1/floor-plans/';


/**
 * A served plan is shown by the console as an `<img>`, where an SVG can neither run script nor
 * load anything. Opened on its own (a link, a new tab) it would be a document of our origin:
 * `sandbox` gives it a unique origin with scripts off, and `default-src 'none'` lets it load
 * nothing but its own inline styles. That is why SVG is not sanitised: the browser enforces
 * this, where a sanitiser has to parse exactly as the browser does to be right.
 */
export const FLOOR_PLAN_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/**
 * Floor plans uploaded in the console: `PUT /api/v1/sites/:siteId/floor-plans/:floor` with the
 * file as the body (PNG, SVG, or a PDF whose first page becomes a PNG), stored in the database
 * and set as that floor's plan in a new configuration version; `DELETE` removes the floor's plan;
 * `GET /api/v1/floor-plans/:file` serves an image to the users of its site.
 */
export async function floorPlanRoutes(app: FastifyInstance, opts: {
  store: FloorPlanStore; config: ConfigService; directory: OfficeDirectory; sessions: SessionService; clock: Clock;
  /** The PDF renderer; a test may name a missing one. */
  pdftoppm?: string;
}): Promise<void> {
  const { store, config, directory, sessions, clock } = opts;
  // Any upload arrives as bytes: its type is decided by its content (floor-plan-file.ts), not its Content-Type.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_FLOOR_PLAN_BYTES }, (_req, body, done) => done(null, body));

  const changeConfig = (edit: Parameters<ConfigService['change']>[0], actor: string, note: string) => {
    try {
      return config.change(edit, actor, note);
    } catch (err) {
      if (err instanceof ConfigError) throw new TryggError('TRYGG_SRV_CONFIG_REJECTED', [err.problems.slice(0, 5).join('; ')]);
      throw err;
    }
  };

  app.put<{ Params: { siteId: string; floor: string } }>('/api/v1/sites/:siteId/floor-plans/:floor', {
    preHandler: requireUser(sessions, 'manager'), schema: floorPlanApi.upload, bodyLimit: MAX_FLOOR_PLAN_BYTES,
    // Over the limit, fastify stops reading: say so with the floor plan's own code and the limit.
    errorHandler: (error: FastifyError, request) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw tooLarge(Number(request.headers['content-length'] ?? MAX_FLOOR_PLAN_BYTES + 1));
      throw error;
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    const { siteId, floor } = request.params;
    if (!directory.site(siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    const body = request.body;
    if (!Buffer.isBuffer(body)) throw new TryggError('TRYGG_SRV_FLOOR_PLAN_TYPE', ['no file in the request body']);
    const kind = floorPlanKind(body);
    const image = kind === 'pdf' ? await renderPdfFirstPage(body, opts.pdftoppm) : body;
    // What the renderer made is checked like an upload.
    if (kind === 'pdf' && floorPlanKind(image) !== 'png') throw new TryggError('TRYGG_SRV_FLOOR_PLAN_PDF', ['the renderer did not produce a PNG']);
    const contentType = FLOOR_PLAN_CONTENT_TYPES[kind === 'svg' ? 'svg' : 'png'];
    const id = store.save(siteId, contentType, image, clock.now(), user.username, kind);
    const floorPlan = { floor, image: `${FLOOR_PLAN_URL_PREFIX}${id}` };
    const { version } = changeConfig((draft) => {
      const site = draft.sites.find((s) => s.id === siteId)!;
      site.floorPlans = [...(site.floorPlans ?? []).filter((p) => p.floor !== floor), floorPlan];
    }, `user:${user.username}`, `uploaded the floor plan of floor ${floor} in ${siteId} (${kind})`);
    request.log.info({ siteId, floor, kind, bytes: body.byteLength, storedBytes: image.byteLength, image: id, version, username: user.username }, 'floor plan uploaded');
    return reply.code(201).send({ floorPlan, converted: kind === 'pdf' ? 'first page of the PDF as PNG' : undefined, version });
  });

  app.delete<{ Params: { siteId: string; floor: string } }>('/api/v1/sites/:siteId/floor-plans/:floor', {
    preHandler: requireUser(sessions, 'manager'), schema: floorPlanApi.remove,
  }, async (request) => {
    const user = currentUser(request);
    const { siteId, floor } = request.params;
    if (!directory.site(siteId)?.floorPlans?.some((p) => p.floor === floor)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`floor plan of floor ${floor}`]);
    const { version } = changeConfig((draft) => {
      const site = draft.sites.find((s) => s.id === siteId)!;
      site.floorPlans = site.floorPlans!.filter((p) => p.floor !== floor);
      if (site.floorPlans.length === 0) delete site.floorPlans;
    }, `user:${user.username}`, `removed the floor plan of floor ${floor} in ${siteId}`);
    return { ok: true as const, version };
  });

  app.get<{ Params: { file: string } }>(`${FLOOR_PLAN_URL_PREFIX}:file`, {
    preHandler: requireUser(sessions, 'employee'), schema: floorPlanApi.image,
  }, async (request, reply) => {
    const plan = store.get(request.params.file);
    // Another office's plan is as absent as one that never was.
    if (!plan || !directory.userMayAccessSite(currentUser(request), plan.siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', ['floor plan']);
    return reply
      .header('content-type', plan.contentType)
      .header('content-security-policy', FLOOR_PLAN_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `inline; filename="floor-plan.${plan.id.slice(-3)}"`)
      // The name is the content's hash: it never changes, so browsers keep it.
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(plan.bytes);
  });
}
