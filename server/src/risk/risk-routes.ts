import { randomUUID } from 'node:crypto';
import { ID_PATTERN, riskAnswers } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import { currentUser, requireUser } from '../routes/request-user';
import { MEASURE_STATUSES, type Measure, type MeasureStatus, type RiskDb } from './risk-db';
import { buildRegister, measureView, type IncidentCounts } from './risk-register';
import { CONSEQUENCE_SCALE, LIKELIHOOD_SCALE, REPORT_EVENTS, REPORT_MEASURES, reportMeasure, SCALES_CITATION, type Consequence, type Likelihood, type MeasureKind } from './report-catalogue';
import { RISK_RULE } from './risk-rule';

const EVENT_IDS = REPORT_EVENTS.map((e) => e.id);
const siteParams = {
  type: 'object', required: ['siteId'], additionalProperties: false,
  properties: { siteId: { type: 'string', pattern: ID_PATTERN } },
} as const;
const eventParams = {
  type: 'object', required: ['siteId', 'eventId'], additionalProperties: false,
  properties: { siteId: { type: 'string', pattern: ID_PATTERN }, eventId: { type: 'string', pattern: ID_PATTERN } },
} as const;
const measureParams = {
  type: 'object', required: ['siteId', 'measureId'], additionalProperties: false,
  properties: { siteId: { type: 'string', pattern: ID_PATTERN }, measureId: { type: 'string', pattern: ID_PATTERN } },
} as const;
const scale = { type: 'integer', minimum: 1, maximum: 5 } as const;
const measureFields = {
  eventIds: { type: 'array', minItems: 1, maxItems: EVENT_IDS.length, uniqueItems: true, items: { enum: EVENT_IDS } },
  templateId: { enum: REPORT_MEASURES.map((m) => m.id) },
  text: { type: 'string', minLength: 1, maxLength: 1000 },
  kind: { enum: ['preventive', 'damage-limiting'] },
  owner: { type: ['string', 'null'], maxLength: 200 },
  status: { enum: MEASURE_STATUSES },
  due: { type: ['string', 'null'], format: 'date' },
} as const;

interface MeasureBody {
  eventIds?: string[]; templateId?: string; text?: string; kind?: MeasureKind; owner?: string | null; status?: MeasureStatus; due?: string | null;
}

/**
 * ROS risk register (docs/incidents-and-risk.md): the report's catalogue per site, editable by
 * security contacts and managers, with the level by the derived rule, the likelihood observed
 * from the site's own incident reports, and measures with owner and status.
 */
export async function riskRoutes(app: FastifyInstance, deps: {
  directory: OfficeDirectory; sessions: SessionService; now: () => number; db: RiskDb; counts: IncidentCounts;
}) {
  const { directory, sessions, now, db, counts } = deps;
  const anyone = requireUser(sessions, 'employee');
  const security = requireUser(sessions, 'security');

  /** A site the user belongs to; any other answers like a missing one. */
  const site = (user: UserConfig, siteId: string): string => {
    if (!directory.site(siteId) || !directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    return siteId;
  };

  app.get('/api/v1/risk/catalogue', { preHandler: anyone, schema: riskAnswers.catalogue }, async () => ({
    events: REPORT_EVENTS, measures: REPORT_MEASURES, likelihoodScale: LIKELIHOOD_SCALE, consequenceScale: CONSEQUENCE_SCALE,
    scalesCitation: SCALES_CITATION, rule: RISK_RULE,
  }));

  app.get<{ Params: { siteId: string } }>('/api/v1/sites/:siteId/risk-register', { preHandler: anyone, schema: { ...riskAnswers.register, params: siteParams } }, async (request) => {
    const siteId = site(currentUser(request), request.params.siteId);
    return buildRegister(siteId, now(), db.edits(siteId), db.measures(siteId), counts);
  });

  app.put<{ Params: { siteId: string; eventId: string }; Body: { likelihood: Likelihood; consequence: Consequence; note?: string } }>('/api/v1/sites/:siteId/risk-register/events/:eventId', {
    preHandler: security,
    schema: {
      ...riskAnswers.editEvent,
      params: eventParams,
      body: {
        type: 'object', additionalProperties: false, required: ['likelihood', 'consequence'],
        properties: { likelihood: scale, consequence: scale, note: { type: 'string', maxLength: 1000 } },
      },
    },
  }, async (request) => {
    const user = currentUser(request);
    const siteId = site(user, request.params.siteId);
    const { eventId } = request.params;
    if (!EVENT_IDS.includes(eventId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`risk event ${eventId}`]);
    const { likelihood, consequence, note } = request.body;
    db.putEdit({ siteId, eventId, likelihood, consequence, ...(note !== undefined ? { note } : {}), updatedBy: user.username, updatedAt: now() });
    request.log.info({ siteId, eventId, likelihood, consequence, by: user.username }, 'risk register event edited');
    return buildRegister(siteId, now(), db.edits(siteId), db.measures(siteId), counts).events.find((e) => e.id === eventId);
  });

  /** Back to the report's values. */
  app.delete<{ Params: { siteId: string; eventId: string } }>('/api/v1/sites/:siteId/risk-register/events/:eventId', {
    preHandler: security, schema: { ...riskAnswers.resetEvent, params: eventParams },
  }, async (request) => {
    const user = currentUser(request);
    const siteId = site(user, request.params.siteId);
    const { eventId } = request.params;
    if (!EVENT_IDS.includes(eventId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`risk event ${eventId}`]);
    if (db.dropEdit(siteId, eventId)) request.log.info({ siteId, eventId, by: user.username }, 'risk register event reset to the report');
    return buildRegister(siteId, now(), db.edits(siteId), db.measures(siteId), counts).events.find((e) => e.id === eventId);
  });

  app.get<{ Params: { siteId: string } }>('/api/v1/sites/:siteId/risk-measures', { preHandler: anyone, schema: { ...riskAnswers.measures, params: siteParams } }, async (request) => {
    const siteId = site(currentUser(request), request.params.siteId);
    return { measures: db.measures(siteId).map(measureView) };
  });

  app.post<{ Params: { siteId: string }; Body: MeasureBody }>('/api/v1/sites/:siteId/risk-measures', {
    preHandler: security,
    schema: { ...riskAnswers.addMeasure, params: siteParams, body: { type: 'object', additionalProperties: false, required: ['eventIds'], properties: measureFields } },
  }, async (request, reply) => {
    const user = currentUser(request);
    const siteId = site(user, request.params.siteId);
    const body = request.body;
    const template = body.templateId ? reportMeasure(body.templateId) : undefined;
    if (!template && !body.text) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['a measure needs a templateId from the report or its own text']);
    if (!template && !body.kind) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['a measure of its own text needs kind (preventive or damage-limiting)']);
    const at = now();
    const measure: Measure = {
      id: randomUUID(), siteId, eventIds: body.eventIds!, kind: body.kind ?? template!.kind,
      ...(template ? { templateId: template.id } : {}),
      text: body.text ? { nn: body.text, en: body.text } : template!.text,
      ...(body.owner ? { owner: body.owner } : {}), status: body.status ?? 'proposed', ...(body.due ? { due: body.due } : {}),
      createdBy: user.username, createdAt: at, updatedBy: user.username, updatedAt: at,
    };
    db.putMeasure(measure);
    request.log.info({ siteId, measureId: measure.id, templateId: measure.templateId, by: user.username }, 'risk measure added');
    return reply.code(201).send(measureView(measure));
  });

  app.patch<{ Params: { siteId: string; measureId: string }; Body: MeasureBody }>('/api/v1/sites/:siteId/risk-measures/:measureId', {
    preHandler: security,
    schema: { ...riskAnswers.changeMeasure, params: measureParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: measureFields } },
  }, async (request) => {
    const user = currentUser(request);
    const siteId = site(user, request.params.siteId);
    const existing = db.measure(siteId, request.params.measureId);
    if (!existing) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`measure ${request.params.measureId}`]);
    const b = request.body;
    const template = b.templateId ? reportMeasure(b.templateId) : undefined;
    const next: Measure = {
      ...existing,
      ...(b.eventIds ? { eventIds: b.eventIds } : {}),
      ...(template ? { templateId: template.id, text: template.text, kind: template.kind } : {}),
      ...(b.text ? { text: { nn: b.text, en: b.text } } : {}),
      ...(b.kind ? { kind: b.kind } : {}),
      ...(b.status ? { status: b.status } : {}),
      updatedBy: user.username, updatedAt: now(),
    };
    if (b.owner !== undefined) { if (b.owner) next.owner = b.owner; else delete next.owner; }
    if (b.due !== undefined) { if (b.due) next.due = b.due; else delete next.due; }
    db.putMeasure(next);
    request.log.info({ siteId, measureId: next.id, status: next.status, by: user.username }, 'risk measure changed');
    return measureView(next);
  });

  app.delete<{ Params: { siteId: string; measureId: string } }>('/api/v1/sites/:siteId/risk-measures/:measureId', {
    preHandler: security, schema: { ...riskAnswers.deleteMeasure, params: measureParams },
  }, async (request, reply) => {
    const user = currentUser(request);
    const siteId = site(user, request.params.siteId);
    if (!db.deleteMeasure(siteId, request.params.measureId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`measure ${request.params.measureId}`]);
    request.log.info({ siteId, measureId: request.params.measureId, by: user.username }, 'risk measure removed');
    return reply.code(204).send();
  });
}
