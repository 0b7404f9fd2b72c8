import type { Clock } from '@trygg/protocol';
import { safetyWorkAnswers } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { hasRole, type SessionService } from '../../auth/sessions';
import type { OfficeDirectory } from '../../config/office-directory';
import type { UserConfig } from '../../config/types';
import { TryggError } from '../../errors';
import { iso } from '../../iso-time';
import { currentUser, requireUser } from '../../routes/request-user';
import { CHECKLIST_SOURCE, MEETING_CHECKLIST, standbyNotice } from './checklist';
import type { MeetingsFeature } from './meetings-feature';
import { MEETING_REASONS, type Meeting, type MeetingReason } from './meeting-store';

const idPattern = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: idPattern } } as const;
const time = { type: 'string', format: 'date-time', maxLength: 40 } as const;

/**
 * `/api/v1/meetings`: an employee registers and closes their own elevated-risk meetings (the
 * security contact and above may close anyone's of their sites); responders and above see every
 * meeting of their sites, with a standby notice while one is on. No client data is taken.
 */
export async function meetingRoutes(app: FastifyInstance, opts: { meetings: MeetingsFeature; directory: OfficeDirectory; sessions: SessionService; clock: Clock }) {
  const { meetings, directory, sessions, clock } = opts;
  const employee = requireUser(sessions, 'employee');

  const resource = (m: Meeting) => {
    const now = clock.now();
    const site = directory.site(m.siteId);
    const roomName = directory.room(m.siteId, m.roomId)?.name ?? m.roomId;
    const state = m.state === 'expiring' || m.state === 'missed' ? 'missed' : m.state === 'closed' ? 'closed' : m.startsAt > now ? 'planned' : 'active';
    return {
      id: m.id, siteId: m.siteId, roomId: m.roomId, roomName, owner: m.owner, reason: m.reason, state,
      from: iso(m.startsAt), to: iso(m.endsAt), createdAt: iso(m.createdAt), closedAt: iso(m.closedAt), closedBy: m.closedBy,
      missedAt: iso(m.missedAt), alarmId: m.alarmId, chainId: meetings.chainFor(m.siteId)?.id ?? null,
      ...(m.closedAt === undefined && m.startsAt <= now ? { standby: standbyNotice(roomName, m.endsAt, site?.timezone ?? 'Europe/Oslo') } : {}),
    };
  };
  /** Own meetings, or any of the user's sites for responders and above; others answer like missing ones. */
  const maySee = (user: UserConfig, m: Meeting) => directory.userMayAccessSite(user, m.siteId) && (m.owner === user.username || hasRole(user, 'responder'));
  const visible = (user: UserConfig, id: string) => {
    const m = meetings.get(id);
    if (!m || !maySee(user, m)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`meeting ${id}`]);
    return m;
  };

  app.post<{ Body: { siteId?: string; roomId: string; from?: string; to: string; reason: MeetingReason } }>('/api/v1/meetings', {
    preHandler: employee,
    schema: {
      ...safetyWorkAnswers.planMeeting,
      body: {
        type: 'object', additionalProperties: false, required: ['roomId', 'to', 'reason'],
        properties: { siteId: idPattern, roomId: idPattern, from: time, to: time, reason: { enum: MEETING_REASONS } },
      },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    const own = user.sites.filter((s) => s !== '*');
    const siteId = request.body.siteId ?? (own.length === 1 && !user.sites.includes('*') ? own[0] : undefined);
    if (!siteId) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['siteId is required for users of several sites']);
    if (!directory.site(siteId) || !directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    const { roomId, reason } = request.body;
    const meeting = meetings.register({
      siteId, roomId, reason, owner: user.username,
      from: request.body.from ? Date.parse(request.body.from) : clock.now(), to: Date.parse(request.body.to),
    });
    const chain = meetings.chainFor(siteId);
    return reply.code(201).send({
      meeting: resource(meeting),
      checklist: { source: CHECKLIST_SOURCE, items: MEETING_CHECKLIST },
      chain: chain ? { id: chain.id, name: chain.name } : null,
    });
  });

  app.get<{ Querystring: { active?: boolean; siteId?: string; limit?: number } }>('/api/v1/meetings', {
    preHandler: employee,
    schema: {
      ...safetyWorkAnswers.meetings,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { active: { type: 'boolean' }, siteId: idPattern, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
      },
    },
  }, async (request) => {
    const user = currentUser(request);
    const { active, siteId, limit } = request.query;
    const list = active ? meetings.active() : meetings.list(limit ?? 200);
    return { meetings: list.filter((m) => maySee(user, m) && (siteId === undefined || m.siteId === siteId)).map(resource) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/meetings/:id', { preHandler: employee, schema: { ...safetyWorkAnswers.meeting, params: idParams } }, async (request) => {
    const user = currentUser(request);
    const meeting = visible(user, request.params.id);
    return { meeting: resource(meeting), ...(meeting.owner === user.username ? { checklist: { source: CHECKLIST_SOURCE, items: MEETING_CHECKLIST } } : {}) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/meetings/:id/close', {
    preHandler: employee,
    schema: { ...safetyWorkAnswers.closeMeeting, params: idParams, body: { type: ['object', 'null'], additionalProperties: false, properties: {} } },
  }, async (request) => {
    const user = currentUser(request);
    const meeting = visible(user, request.params.id);
    if (meeting.owner !== user.username && !hasRole(user, 'security')) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['close the meeting of someone else']);
    return { meeting: resource(meetings.close(meeting.id, `user:${user.username}`)) };
  });
}
