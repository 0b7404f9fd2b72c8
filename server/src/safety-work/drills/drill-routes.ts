import type { Clock } from '@trygg/protocol';
import { safetyWorkAnswers } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../../auth/sessions';
import type { OfficeDirectory } from '../../config/office-directory';
import type { UserConfig } from '../../config/types';
import { TryggError } from '../../errors';
import { iso } from '../../iso-time';
import { currentUser, requireUser } from '../../routes/request-user';
import { DEFAULT_DRILL_MINUTES, MAX_DRILL_MINUTES } from './drill-limits';
import type { DrillsFeature } from './drills-feature';
import { DRILL_KINDS, type Drill, type DrillKind } from './drill-store';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 1100;
const idPattern = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;
const siteParams = { type: 'object', required: ['siteId'], additionalProperties: false, properties: { siteId: idPattern } } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: idPattern } } as const;
const time = { type: 'string', format: 'date-time', maxLength: 40 } as const;

export function toDrillResource(d: Drill, alarmIds: string[]) {
  return {
    id: d.id, siteId: d.siteId, roomId: d.roomId, kind: d.kind, state: d.state, note: d.note,
    plannedAt: iso(d.plannedAt), startedAt: iso(d.startedAt), endsAt: iso(d.startedAt !== undefined ? d.startedAt + d.durationMs : d.plannedAt + d.durationMs),
    durationMinutes: d.durationMs / 60_000, endedAt: iso(d.endedAt), endedBy: d.endedBy, createdBy: d.createdBy, createdAt: iso(d.createdAt), alarmIds,
  };
}

/**
 * `/api/v1/.../drills` and statistics: the security contact and above plan, start, end and read
 * drills and the response-time statistics of their sites. Drills of other sites answer like
 * missing ones.
 */
export async function drillRoutes(app: FastifyInstance, opts: { drills: DrillsFeature; directory: OfficeDirectory; sessions: SessionService; clock: Clock }) {
  const { drills, directory, sessions, clock } = opts;
  const security = requireUser(sessions, 'security');
  const actor = (user: UserConfig) => `user:${user.username}`;
  const mustAccess = (user: UserConfig, siteId: string) => {
    if (!directory.site(siteId) || !directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
  };
  const visible = (user: UserConfig, id: string): Drill => {
    const drill = drills.get(id);
    if (!drill || !directory.userMayAccessSite(user, drill.siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`drill ${id}`]);
    return drill;
  };
  const resource = (d: Drill) => toDrillResource(d, drills.alarmIds(d.id));

  app.post<{ Params: { siteId: string }; Body: { at?: string; roomId?: string; kind?: DrillKind; durationMinutes?: number; note?: string } }>('/api/v1/sites/:siteId/drills', {
    preHandler: security,
    schema: {
      ...safetyWorkAnswers.planDrill,
      params: siteParams,
      body: {
        type: ['object', 'null'], additionalProperties: false,
        properties: {
          at: time, roomId: idPattern, kind: { enum: DRILL_KINDS },
          durationMinutes: { type: 'integer', minimum: 1, maximum: MAX_DRILL_MINUTES }, note: { type: 'string', maxLength: 300 },
        },
      },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    mustAccess(user, request.params.siteId);
    const body = request.body ?? {};
    const drill = await drills.plan({
      siteId: request.params.siteId, roomId: body.roomId, kind: body.kind ?? 'panic', at: body.at === undefined ? undefined : Date.parse(body.at),
      durationMinutes: body.durationMinutes ?? DEFAULT_DRILL_MINUTES, note: body.note, actor: actor(user),
    });
    return reply.code(201).send({ drill: resource(drill) });
  });

  app.get<{ Params: { siteId: string } }>('/api/v1/sites/:siteId/drills', { preHandler: security, schema: { ...safetyWorkAnswers.drills, params: siteParams } }, async (request) => {
    mustAccess(currentUser(request), request.params.siteId);
    return { drills: drills.list(request.params.siteId).map(resource) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/drills/:id', { preHandler: security, schema: { ...safetyWorkAnswers.drill, params: idParams } }, async (request) => {
    return { drill: resource(visible(currentUser(request), request.params.id)) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/drills/:id/end', {
    preHandler: security,
    schema: { ...safetyWorkAnswers.endDrill, params: idParams, body: { type: ['object', 'null'], additionalProperties: false, properties: {} } },
  }, async (request) => {
    const user = currentUser(request);
    visible(user, request.params.id);
    return { drill: resource(drills.end(request.params.id, actor(user))) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/drills/:id/report', { preHandler: security, schema: { ...safetyWorkAnswers.drillReport, params: idParams } }, async (request) => {
    visible(currentUser(request), request.params.id);
    const report = await drills.report(request.params.id);
    return { ...report, drill: resource(report.drill) };
  });

  app.get<{ Params: { siteId: string }; Querystring: { from?: string; to?: string } }>('/api/v1/sites/:siteId/statistics', {
    preHandler: security,
    schema: { ...safetyWorkAnswers.statistics, params: siteParams, querystring: { type: 'object', additionalProperties: false, properties: { from: time, to: time } } },
  }, async (request) => {
    mustAccess(currentUser(request), request.params.siteId);
    const to = request.query.to ? Date.parse(request.query.to) : clock.now();
    const from = request.query.from ? Date.parse(request.query.from) : to - 365 * DAY_MS;
    if (!(from < to)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['from must be before to']);
    if (to - from > MAX_RANGE_DAYS * DAY_MS) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`at most ${MAX_RANGE_DAYS} days at a time`]);
    return {
      siteId: request.params.siteId, from: new Date(from).toISOString(), to: new Date(to).toISOString(),
      definitions: {
        secondsToAcknowledge: 'raise -> first acknowledgement (or first "I\'m coming")',
        secondsToResponding: 'raise -> first "I\'m coming"',
        secondsToOnScene: 'raise -> arrival marked by a responder (on-scene); alarms without it are not counted',
        falseAlarmRate: 'alarms resolved as false / all non-drill alarms of people (technical excluded)',
      },
      months: drills.statistics(request.params.siteId, from, to),
    };
  });
}
