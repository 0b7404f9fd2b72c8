import { ID_PATTERN, incidentAnswers, incidentFields, NoteBody } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import { currentUser, requireUser } from '../routes/request-user';
import { toCsv } from './csv';
import { CATEGORY_IDS, CAUSE_FACTOR_IDS, INCIDENT_CATALOGUE } from './incident-catalogue';
import type { IncidentInput, IncidentService } from './incident-service';
import type { IncidentStatus } from './incident-types';
import { CSV_HEADER, incidentCsvRow, incidentResource, incidentSummary } from './incident-views';

const id = { type: 'string', pattern: ID_PATTERN } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id } } as const;
const siteParams = { type: 'object', required: ['siteId'], additionalProperties: false, properties: { siteId: id } } as const;
const time = { type: 'string', format: 'date-time', maxLength: 40 } as const;
const STATUSES: IncidentStatus[] = ['new', 'reviewed', 'closed'];

/** The fields of a report, shared by create and change (protocol/src/api/incidents.ts), with this catalogue's ids. */
const fields = incidentFields(CATEGORY_IDS, CAUSE_FACTOR_IDS);
const noteBody = NoteBody;
/** A report with a long narrative is larger than the server's default body limit. */
const BODY_LIMIT = 64 * 1024;

/**
 * Incident reports (avvik), docs/incidents-and-risk.md. Employees report and see their own;
 * security contacts and managers see and review every report of their sites. Every answer that
 * shows a report is logged (incident_audit); reports of others answer 404 like missing ones.
 */
export async function incidentRoutes(app: FastifyInstance, deps: { service: IncidentService; directory: OfficeDirectory; sessions: SessionService; now: () => number }) {
  const { service, directory, sessions, now } = deps;
  const anyone = requireUser(sessions, 'employee');
  const security = requireUser(sessions, 'security');

  app.get('/api/v1/incidents/catalogue', { preHandler: anyone, schema: incidentAnswers.catalogue }, async () => INCIDENT_CATALOGUE);

  app.post<{ Body: IncidentInput & { siteId: string; occurredAt: string; category: string } }>('/api/v1/incidents', {
    preHandler: anyone, bodyLimit: BODY_LIMIT,
    schema: { ...incidentAnswers.create, body: { type: 'object', additionalProperties: false, required: ['siteId', 'occurredAt', 'category'], properties: { siteId: id, ...fields } } },
  }, async (request, reply) => {
    const { siteId, ...input } = request.body;
    const incident = service.create(currentUser(request), siteId, input);
    return reply.code(201).send(incidentResource(incident, directory));
  });

  app.get<{ Querystring: { siteId?: string; status?: IncidentStatus; from?: string; to?: string; limit?: number } }>('/api/v1/incidents', {
    preHandler: anyone,
    schema: {
      ...incidentAnswers.list,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { siteId: id, status: { enum: STATUSES }, from: time, to: time, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
      },
    },
  }, async (request) => {
    const q = request.query;
    const list = service.list(currentUser(request), {
      siteId: q.siteId, status: q.status ? [q.status] : undefined, limit: q.limit ?? 200,
      fromMs: q.from ? Date.parse(q.from) : undefined, toMs: q.to ? Date.parse(q.to) : undefined,
    });
    return { incidents: list.map((i) => incidentSummary(i, directory, now())) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/incidents/:id', { preHandler: anyone, schema: incidentAnswers.get }, async (request) =>
    incidentResource(service.read(currentUser(request), request.params.id), directory));

  app.patch<{ Params: { id: string }; Body: IncidentInput }>('/api/v1/incidents/:id', {
    preHandler: anyone, bodyLimit: BODY_LIMIT,
    schema: { ...incidentAnswers.change, params: idParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields } },
  }, async (request) => incidentResource(service.update(currentUser(request), request.params.id, request.body), directory));

  for (const [path, to] of [['review', 'reviewed'], ['close', 'closed']] as const) {
    app.post<{ Params: { id: string }; Body: { note?: string } | null }>(`/api/v1/incidents/:id/${path}`, {
      preHandler: security, schema: { ...incidentAnswers[path], params: idParams, body: noteBody },
    }, async (request) => incidentResource(service.transition(currentUser(request), request.params.id, to, request.body?.note), directory));
  }

  app.get<{ Params: { id: string } }>('/api/v1/incidents/:id/audit', { preHandler: requireUser(sessions, 'manager'), schema: incidentAnswers.audit }, async (request) => ({
    entries: service.auditOf(currentUser(request), request.params.id).map((e) => ({ at: new Date(e.at).toISOString(), username: e.username, action: e.action, via: e.via })),
  }));

  app.get<{ Params: { siteId: string } }>('/api/v1/sites/:siteId/incidents/review-queue', { preHandler: security, schema: incidentAnswers.reviewQueue }, async (request) => {
    const { siteId } = request.params;
    const queue = service.reviewQueue(currentUser(request), siteId);
    return {
      siteId,
      asOf: new Date(now()).toISOString(),
      counts: { new: queue.filter((i) => i.status === 'new').length, reviewed: queue.filter((i) => i.status === 'reviewed').length },
      incidents: queue.map((i) => incidentSummary(i, directory, now())),
    };
  });

  app.get<{ Params: { siteId: string }; Querystring: { format?: 'csv' | 'json'; from?: string; to?: string } }>('/api/v1/sites/:siteId/incidents/export', {
    preHandler: security,
    schema: {
      ...incidentAnswers.export,
      params: siteParams,
      querystring: { type: 'object', additionalProperties: false, properties: { format: { enum: ['csv', 'json'] }, from: time, to: time } },
    },
  }, async (request, reply) => {
    const { siteId } = request.params;
    const { format = 'json', from, to } = request.query;
    const list = service.export(currentUser(request), siteId, from ? Date.parse(from) : undefined, to ? Date.parse(to) : undefined);
    const stamp = new Date(now()).toISOString().slice(0, 10);
    reply.header('cache-control', 'no-store');
    reply.header('content-disposition', `attachment; filename="incidents-${siteId}-${stamp}.${format}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(CSV_HEADER, list.map(incidentCsvRow)));
    return { siteId, exportedAt: new Date(now()).toISOString(), incidents: list.map((i) => incidentResource(i, directory)) };
  });

  app.get<{ Params: { siteId: string } }>('/api/v1/sites/:siteId/incidents/leader-copies', { preHandler: requireUser(sessions, 'manager'), schema: incidentAnswers.leaderCopies }, async (request) => ({
    copies: service.leaderCopies(currentUser(request), request.params.siteId)
      .map((c) => ({
        incidentId: c.incidentId, recipient: c.recipient, channel: c.channel, state: c.state, createdAt: new Date(c.createdAt).toISOString(),
        notificationId: c.notificationId ?? null, dispatchedAt: c.dispatchedAt === undefined ? null : new Date(c.dispatchedAt).toISOString(),
      })),
  }));
}
