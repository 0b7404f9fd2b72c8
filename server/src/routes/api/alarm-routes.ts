import { alarmApi, type AlarmActionBody, type AlarmListQuery, type IdParams } from '@trygg/protocol';
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
import { formatAlarmCursor, parseAlarmCursor } from './alarm-cursor';

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
  app.get<{ Querystring: AlarmListQuery }>('/api/v1/alarms', { preHandler: responder, schema: alarmApi.list }, async (request) => {
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

  app.get<{ Params: IdParams }>('/api/v1/alarms/:id', { preHandler: responder, schema: alarmApi.get }, async (request) => {
    const alarm = await visibleAlarm(currentUser(request), request.params.id);
    const timeline = (await store.alarmEvents(alarm.id)).map(({ seq, event }) => ({ seq, ...event, at: new Date(event.at).toISOString() }));
    const parties = new Map((directory.config.notifiers ?? []).map((n) => [n.id, n.party]));
    const sent = (await opts.sentFor?.(alarm.id) ?? []).map((n) => ({
      channel: n.channel, target: n.target, party: parties.get(n.target) ?? null, purpose: n.purpose,
      recipient: n.recipient.name ?? n.recipient.id, state: n.state, attempts: n.attempts, updatedAt: new Date(n.updatedAt).toISOString(),
    }));
    return { alarm: toAlarmResource(alarm, directory), timeline, sent };
  });

  const summaries = {
    acknowledge: 'Acknowledge an alarm (seen)', respond: 'Say "I\'m coming"', 'on-scene': 'Mark arrival at the scene',
    resolve: 'Resolve an alarm with its outcome (real, false, test)', cancel: 'Cancel an alarm',
  };
  const action = (name: 'acknowledge' | 'respond' | 'on-scene' | 'resolve' | 'cancel', role: 'responder' | 'security') => {
    app.post<{ Params: IdParams; Body: AlarmActionBody | undefined }>(`/api/v1/alarms/:id/${name}`, {
      preHandler: requireUser(sessions, role), schema: alarmApi.action(summaries[name]),
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
