import { BannedClientInput, safetyWorkAnswers } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../../auth/sessions';
import type { OfficeDirectory } from '../../config/office-directory';
import { TryggError } from '../../errors';
import { iso } from '../../iso-time';
import { currentUser, requireUser } from '../../routes/request-user';
import { AUDIT_RETENTION_DAYS, LAWFUL_USE_NOTICE } from './banned-client-rules';
import type { BannedClientsFeature, EntryInput } from './banned-clients-feature';
import type { AuditEntry, BannedClient } from './banned-client-store';

const idPattern = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: idPattern } } as const;
const time = { type: 'string', format: 'date-time', maxLength: 40 } as const;
const name = BannedClientInput.properties.name;
const birthYear = BannedClientInput.properties.birthYear;
/** The minimum to recognise a person and the decision: nothing else is accepted (protocol/src/api/safety-work.ts). */
const entryBody = BannedClientInput;

type EntryBody = Omit<EntryInput, 'from' | 'to'> & { from: string; to: string };

function toResource(e: BannedClient) {
  return {
    id: e.id, name: e.name, birthYear: e.birthYear, birthDate: e.birthDate, sites: e.sites, decision: e.decision,
    from: iso(e.validFrom), to: iso(e.validTo), createdBy: e.createdBy, createdAt: iso(e.createdAt), updatedBy: e.updatedBy, updatedAt: iso(e.updatedAt),
  };
}

function toAuditResource(a: AuditEntry) {
  return { ...a, at: new Date(a.at).toISOString() };
}

/**
 * `/api/v1/banned-clients`: employees (reception) check a name with a reason; security contacts
 * and above list, create, edit and erase entries; managers read the audit trail. Every answer
 * carries the lawful-use notice.
 */
export async function bannedClientRoutes(app: FastifyInstance, opts: { register: BannedClientsFeature; directory: OfficeDirectory; sessions: SessionService }) {
  const { register, directory, sessions } = opts;
  const employee = requireUser(sessions, 'employee');
  const security = requireUser(sessions, 'security');
  const manager = requireUser(sessions, 'manager');
  const notice = LAWFUL_USE_NOTICE;
  const input = (body: EntryBody): EntryInput => ({ ...body, from: Date.parse(body.from), to: Date.parse(body.to) });

  app.post<{ Body: { siteId?: string; name: string; birthYear?: number; reason?: string } }>('/api/v1/banned-clients/check', {
    preHandler: employee,
    schema: {
      ...safetyWorkAnswers.checkBanned,
      body: {
        type: 'object', additionalProperties: false, required: ['name'],
        // `reason` is checked in the handler, to answer TRYGG_SRV_REASON_REQUIRED rather than a schema error.
        properties: { siteId: idPattern, name, birthYear, reason: { type: 'string', maxLength: 500 } },
      },
    },
  }, async (request) => {
    const user = currentUser(request);
    const own = user.sites.filter((s) => s !== '*');
    const siteId = request.body.siteId ?? (own.length === 1 && !user.sites.includes('*') ? own[0] : undefined);
    if (!siteId) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['siteId (the office where you check) is required for users of several sites']);
    if (!directory.site(siteId) || !directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    const { name: who, birthYear: year, reason } = request.body;
    return { ...register.check(user, siteId, { name: who, birthYear: year, reason }), notice };
  });

  app.get('/api/v1/banned-clients', { preHandler: security, schema: safetyWorkAnswers.bannedList }, async (request) => {
    return { entries: register.list(currentUser(request)).map(toResource), notice };
  });

  app.get<{ Querystring: { from?: string; to?: string; limit?: number } }>('/api/v1/banned-clients/audit', {
    preHandler: manager,
    schema: {
      ...safetyWorkAnswers.bannedAudit,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { from: time, to: time, limit: { type: 'integer', minimum: 1, maximum: 5000 } },
      },
    },
  }, async (request) => {
    const user = currentUser(request);
    const to = request.query.to ? Date.parse(request.query.to) : Number.MAX_SAFE_INTEGER;
    const from = request.query.from ? Date.parse(request.query.from) : 0;
    // System rows (erasures) name no person and no site: every manager sees them.
    const mine = (a: AuditEntry) => user.sites.includes('*') || a.username === 'system'
      || (a.siteId !== undefined && directory.userMayAccessSite(user, a.siteId))
      || (directory.user(a.username)?.sites ?? []).some((s) => s !== '*' && directory.userMayAccessSite(user, s));
    const rows = register.auditLog(from, to, request.query.limit ?? 500).filter(mine);
    return { audit: rows.map(toAuditResource), retentionDays: AUDIT_RETENTION_DAYS };
  });

  app.get<{ Params: { id: string } }>('/api/v1/banned-clients/:id', { preHandler: security, schema: { ...safetyWorkAnswers.bannedEntry, params: idParams } }, async (request) => {
    return { entry: toResource(register.read(currentUser(request), request.params.id)), notice };
  });

  app.post<{ Body: EntryBody }>('/api/v1/banned-clients', { preHandler: security, schema: { ...safetyWorkAnswers.bannedCreate, body: entryBody } }, async (request, reply) => {
    return reply.code(201).send({ entry: toResource(register.create(currentUser(request), input(request.body))), notice });
  });

  app.put<{ Params: { id: string }; Body: EntryBody }>('/api/v1/banned-clients/:id', { preHandler: security, schema: { ...safetyWorkAnswers.bannedEdit, params: idParams, body: entryBody } }, async (request) => {
    return { entry: toResource(register.edit(currentUser(request), request.params.id, input(request.body))), notice };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/banned-clients/:id', { preHandler: security, schema: { ...safetyWorkAnswers.bannedDelete, params: idParams } }, async (request) => {
    register.remove(currentUser(request), request.params.id);
    return { ok: true, notice };
  });

}
