import { ALARM_STATES } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { AlarmService, UserCommand } from '../../alarm/alarm-service';
import type { Alarm } from '../../alarm/alarm-types';
import { toAlarmResource } from '../../alarm/alarm-view';
import type { SessionService } from '../../auth/sessions';
import type { OfficeDirectory } from '../../config/office-directory';
import type { UserConfig } from '../../config/types';
import { TryggError } from '../../errors';
import type { Store } from '../../store/store';
import type { StoredNotification } from '../../notify/notification-store';
import { currentUser, requireUser } from '../request-user';
import { ALARM_CURSOR_PATTERN, formatAlarmCursor, parseAlarmCursor } from './alarm-cursor';

const idParams = {
  type: 'object', required: ['id'], additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } },
} as const;

/** A user sees an alarm of their own sites, or one routed to a console of their sites (neighbour help). */
export function maySeeAlarm(directory: OfficeDirectory, user: UserConfig, alarm: Alarm): boolean {
  if (directory.userMayAccessSite(user, alarm.siteId)) return true;
  return alarm.routedStations.some((id) => {
    const found = directory.station(id);
    return found !== undefined && directory.userMayAccessSite(user, found.site.id);
  });
}

export async function alarmRoutes(app: FastifyInstance, opts: {
  store: Store; alarms: AlarmService; directory: OfficeDirectory; sessions: SessionService;
  /** What has been sent beyond the consoles, for the action card ("police already told"). */
  sentFor?: (alarmId: string) => Promise<StoredNotification[]>;
}) {
  const { store, alarms, directory, sessions } = opts;
  const responder = requireUser(sessions, 'responder');

  const visibleAlarm = async (user: UserConfig, id: string): Promise<Alarm> => {
    const alarm = await store.getAlarm(id);
    // Someone else's alarm answers like a missing one: its existence is not theirs to learn.
    if (!alarm || !maySeeAlarm(directory, user, alarm)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`alarm ${id}`]);
    return alarm;
  };

  // History: newest first, a page at a time (`next` is the `before` of the following page). Read
  // through store.readHistory, which keeps the query off the thread that handles presses.
  app.get<{ Querystring: { state?: string; limit?: number; before?: string } }>('/api/v1/alarms', {
    preHandler: responder,
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          state: { enum: ['open', ...ALARM_STATES] }, limit: { type: 'integer', minimum: 1, maximum: 1000 },
          before: { type: 'string', pattern: ALARM_CURSOR_PATTERN },
        },
      },
    },
  }, async (request) => {
    const user = currentUser(request);
    const page = await store.readHistory({
      state: request.query.state as 'open' | undefined, limit: request.query.limit ?? 100,
      ...(request.query.before ? { before: parseAlarmCursor(request.query.before) } : {}),
    });
    return {
      alarms: page.alarms.filter((a) => maySeeAlarm(directory, user, a)).map((a) => toAlarmResource(a, directory)),
      ...(page.next ? { next: formatAlarmCursor(page.next) } : {}),
    };
  });

  app.get<{ Params: { id: string } }>('/api/v1/alarms/:id', { preHandler: responder, schema: { params: idParams } }, async (request) => {
    const alarm = await visibleAlarm(currentUser(request), request.params.id);
    const timeline = (await store.alarmEvents(alarm.id)).map(({ seq, event }) => ({ seq, ...event, at: new Date(event.at).toISOString() }));
    const parties = new Map((directory.config.notifiers ?? []).map((n) => [n.id, n.party]));
    const sent = (await opts.sentFor?.(alarm.id) ?? []).map((n) => ({
      channel: n.channel, target: n.target, party: parties.get(n.target) ?? null, purpose: n.purpose,
      recipient: n.recipient.name ?? n.recipient.id, state: n.state, attempts: n.attempts, updatedAt: new Date(n.updatedAt).toISOString(),
    }));
    return { alarm: toAlarmResource(alarm, directory), timeline, sent };
  });

  const action = (name: 'acknowledge' | 'respond' | 'on-scene' | 'resolve' | 'cancel', role: 'responder' | 'security') => {
    app.post<{ Params: { id: string }; Body: { outcome?: 'real' | 'false' | 'test' } | undefined }>(`/api/v1/alarms/:id/${name}`, {
      preHandler: requireUser(sessions, role),
      schema: {
        params: idParams,
        body: {
          type: ['object', 'null'], additionalProperties: false,
          properties: { outcome: { enum: ['real', 'false', 'test'] } },
        },
      },
    }, async (request) => {
      const user = currentUser(request);
      await visibleAlarm(user, request.params.id);
      const command: UserCommand = name === 'resolve' ? { type: 'resolve', outcome: request.body?.outcome ?? 'real' } : { type: name };
      const alarm = await alarms.act(request.params.id, command, { type: 'user', username: user.username, name: user.name });
      return { alarm: toAlarmResource(alarm, directory) };
    });
  };
  action('acknowledge', 'responder');
  action('respond', 'responder');
  action('on-scene', 'responder');
  action('resolve', 'responder');
  action('cancel', 'security');
}
