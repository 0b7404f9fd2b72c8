import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import type { Actor } from '../alarm/alarm-types';
import { hasRole } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { TryggError } from '../errors';
import type { Notifications } from '../notify/notification-center';
import type { StoredNotification } from '../notify/notification-store';
import type { ProviderReply } from '../notify/provider-reply';
import type { ConsoleConnection, ConsoleHub, FeatureConsoleMessage } from '../ws/console-hub';
import type { EvacuationMetrics } from './evacuation-metrics';
import { evacuationAlarmKey, evacuationRequests } from './evacuation-requests';
import type { EvacuationStore } from './evacuation-store';
import { evacuationTexts } from './evacuation-templates';
import {
  DEDUPE_PREFIX, evacuationDedupeKey, userRecipient,
  type Answer, type AnswerVia, type Evacuation, type EvacuationDelivery, type EvacuationPerson, type EvacuationTrigger,
} from './evacuation-types';
import { rollCallPerson, rollCallView, toConsoleEvacuation } from './evacuation-views';
import { personOf, planRecipients } from './recipients';
import { countRollCall, parseReply, rollCallState, samePhone, standingState } from './roll-call';

export interface StartRequest {
  siteId: string;
  drill?: boolean;
  message?: string;
  trigger: EvacuationTrigger;
  /** The person who started it (REST), or the fire input. */
  user?: UserConfig;
  deviceId?: string;
}

/**
 * Evacuations end to end (docs/evacuation.md): store, banner on every console of the site, the
 * evacuation alarm, messages on every channel to every person, and the roll call fed by console
 * buttons, SMS replies and voice keypresses. Store first, then tell — as for every alarm.
 */
export class EvacuationService {
  private readonly retries = new Map<string, { timer: TimerHandle; tries: number }>();
  private readonly outcomes: { dedupeKey: string; state: 'delivered' | 'failed'; detail?: string }[] = [];
  private stopped = false;

  constructor(private readonly deps: {
    store: EvacuationStore;
    directory: OfficeDirectory;
    alarms: AlarmService;
    hub: ConsoleHub;
    notifications: Notifications;
    clock: Clock;
    logger: Logger;
    metrics: EvacuationMetrics;
  }) {}

  /** Starts one, or returns the site's running evacuation (one per site). */
  async start(request: StartRequest): Promise<{ evacuation: Evacuation; created: boolean }> {
    const { store, directory, hub, clock, logger, metrics } = this.deps;
    const site = directory.site(request.siteId);
    if (!site) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${request.siteId}`]);
    const running = store.runningForSite(site.id);
    if (running) return { evacuation: running, created: false };

    const id = randomUUID();
    const drill = request.drill ?? false;
    const startedAt = clock.now();
    const online = hub.connectedUsers(site.id).flatMap((c) => (c.user ? [c.user] : []));
    const plan = planRecipients({ evacuationId: id, siteId: site.id, drill, users: directory.config.users, notifiers: directory.config.notifiers ?? [], online });
    const message = request.message?.trim() || undefined;
    const { evacuation, created } = store.startOrGetRunning({
      id, siteId: site.id, drill, state: 'running', trigger: request.trigger, startedAt, texts: evacuationTexts(site, message),
      startedBy: request.user ? `user:${request.user.username}` : `device:${request.deviceId}`, deviceId: request.deviceId, message,
    }, plan.people, plan.deliveries.map((d) => ({ ...d, evacuationId: id, state: 'pending' as const, updatedAt: startedAt })));
    if (!created) return { evacuation, created };
    metrics.started.inc({ trigger: request.trigger, drill: String(drill) });
    logger.warn({ evacuationId: id, siteId: site.id, drill, trigger: request.trigger, startedBy: evacuation.startedBy, people: plan.people.length, messages: plan.deliveries.length }, 'EVACUATION STARTED');

    // Everyone must leave: every console of the site, whatever the routing or the origin zone.
    for (const conn of hub.broadcast(site.id, { type: 'evacuation', evacuation: toConsoleEvacuation(evacuation) })) this.consoleReached(evacuation, conn);
    const withAlarm = await this.raiseAlarm(evacuation);
    await this.fanOut(withAlarm);
    const fanoutMs = clock.now() - startedAt;
    store.setFanout(id, fanoutMs);
    metrics.fanout.observe({ drill: String(drill) }, fanoutMs / 1000);
    logger.info({ evacuationId: id, fanoutMs }, 'evacuation fan-out stored and dispatched');
    this.pushRollCall(evacuation);
    return { evacuation: store.get(id)!, created: true };
  }

  async end(id: string, user: UserConfig): Promise<Evacuation> {
    const { store, hub, clock, logger } = this.deps;
    const evacuation = this.get(id);
    if (!store.end(id, clock.now(), `user:${user.username}`)) return evacuation;
    this.retries.get(id)?.timer.cancel();
    this.retries.delete(id);
    hub.broadcast(evacuation.siteId, { type: 'evacuation-ended', id });
    const counts = rollCallView(evacuation, store.people(id), store.deliveries(id)).counts;
    logger.warn({ evacuationId: id, endedBy: user.username, counts }, 'evacuation ended');
    for (const state of ['needs-help', 'unanswered', 'unreached'] as const) this.deps.metrics.unaccounted.set({ site: evacuation.siteId, state }, 0);
    if (evacuation.alarmId) {
      const actor: Actor = { type: 'user', username: user.username, name: user.name };
      await this.deps.alarms.act(evacuation.alarmId, { type: 'resolve', outcome: evacuation.drill ? 'test' : 'real' }, actor)
        .catch((err: unknown) => logger.info({ err, alarmId: evacuation.alarmId }, 'evacuation alarm not resolved (closed already?)'));
    }
    return store.get(id)!;
  }

  get(id: string): Evacuation {
    const evacuation = this.deps.store.get(id);
    if (!evacuation) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`evacuation ${id}`]);
    return evacuation;
  }

  rollCall(id: string) {
    const e = this.get(id);
    return rollCallView(e, this.deps.store.people(id), this.deps.store.deliveries(id));
  }

  list(limit: number): Evacuation[] {
    return this.deps.store.recent(limit);
  }

  /** Records an answer (the latest wins: "safe" after "help" means they got out). */
  answer(evacuationId: string, user: Pick<UserConfig, 'username'> & Partial<UserConfig>, answer: Answer, via: AnswerVia): EvacuationPerson {
    const { store, clock, logger, metrics, hub } = this.deps;
    const evacuation = this.get(evacuationId);
    if (!store.person(evacuationId, user.username)) {
      if (!user.name) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`person ${user.username} in evacuation ${evacuationId}`]);
      store.addPerson(personOf(evacuationId, user as UserConfig));
    }
    store.answer(evacuationId, user.username, answer, via, clock.now());
    metrics.answers.inc({ via, answer });
    const person = store.person(evacuationId, user.username)!;
    if (answer === 'needs-help') logger.error({ evacuationId, username: user.username, via }, 'EVACUATION: PERSON NEEDS HELP');
    else logger.info({ evacuationId, username: user.username, via }, 'roll call: safe');
    // A late answer (after the end) is kept for the record, but brings no banner back.
    if (evacuation.state !== 'running') return person;
    hub.broadcast(evacuation.siteId, { type: 'evacuation', evacuation: toConsoleEvacuation(evacuation, person) }, (u) => u?.username === user.username);
    this.pushRollCall(evacuation, person);
    return person;
  }

  /** Console "I'm safe" (hub.handleFeatureMessages). */
  onConsoleMessage = async (conn: ConsoleConnection, message: FeatureConsoleMessage): Promise<void> => {
    const evacuation = this.deps.store.get(message.evacuationId);
    const siteId = this.deps.directory.station(conn.stationId)?.site.id;
    if (!evacuation || !conn.user || evacuation.siteId !== siteId) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`evacuation ${message.evacuationId}`]);
    this.answer(evacuation.id, conn.user, 'safe', 'console');
  };

  /** A console came online: show the running evacuation, and count its user in. */
  onConsoleAttach = (conn: ConsoleConnection, siteId: string): void => {
    const evacuation = this.deps.store.runningForSite(siteId);
    if (!evacuation) return;
    const person = conn.user ? this.consoleReached(evacuation, conn) : undefined;
    conn.send({ type: 'evacuation', evacuation: toConsoleEvacuation(evacuation, person) });
  };

  /** SMS reply or voice keypress: found by the notification replied to, else by an unambiguous phone number. */
  onReply = (reply: ProviderReply): void => {
    const answer = parseReply(reply);
    const via: AnswerVia = reply.channel === 'voice' ? 'voice' : 'sms';
    const { store, logger } = this.deps;
    const replied = reply.notificationId ? store.deliveryByNotification(reply.notificationId) : undefined;
    const matches: { evacuationId: string; username: string }[] = [];
    if (replied?.recipientId.startsWith('user:')) {
      matches.push({ evacuationId: replied.evacuationId, username: replied.recipientId.slice('user:'.length) });
    } else {
      for (const e of store.running()) {
        const found = store.people(e.id).filter((p) => samePhone(p.phone, reply.from));
        // Two people sharing a number: marking either safe could be wrong for the other.
        if (found.length === 1) matches.push({ evacuationId: e.id, username: found[0]!.username });
        else if (found.length > 1) logger.warn({ evacuationId: e.id, people: found.length }, 'roll-call reply from a number several people share: not counted');
      }
    }
    if (matches.length === 0) return void logger.info({ channel: reply.channel, withNotification: !!reply.notificationId }, 'reply matches no evacuation');
    if (!answer) return void logger.warn({ channel: reply.channel, evacuations: matches.map((m) => m.evacuationId) }, 'roll-call reply not understood; not counted');
    for (const m of matches) this.answer(m.evacuationId, { username: m.username }, answer, via);
  };

  /**
   * Delivery outcome of one of our notifications (Notifications.onOutcome). Outcomes are written
   * in one transaction per turn of the event loop: 1000 fsyncs for 1000 receipts would slow the
   * fan-out they report on. The dispatcher's store holds the truth meanwhile; a resume re-reads it.
   */
  onOutcome = (n: StoredNotification, outcome: 'delivered' | 'failed', detail?: string): void => {
    if (!n.dedupeKey.startsWith(DEDUPE_PREFIX) || this.stopped) return;
    this.outcomes.push({ dedupeKey: n.dedupeKey, state: outcome, detail });
    if (this.outcomes.length === 1) setImmediate(() => this.flushOutcomes());
  };

  /** Writes the queued outcomes; pushes the roll call for each person whose state moved (e.g. to unreached). */
  flushOutcomes(): void {
    const batch = this.outcomes.splice(0);
    if (batch.length === 0 || this.stopped) return;
    const { store, clock, logger } = this.deps;
    let before: EvacuationDelivery[];
    try {
      before = store.recordOutcomes(batch, clock.now());
    } catch (err) {
      return void logger.error({ err, outcomes: batch.length }, 'recording evacuation delivery outcomes failed');
    }
    const touched = new Map<string, EvacuationDelivery[]>();
    for (const d of before) {
      if (!d.recipientId.startsWith('user:')) continue;
      const key = `${d.evacuationId}\n${d.recipientId}`;
      touched.set(key, [...(touched.get(key) ?? []), d]);
    }
    for (const [key, earlier] of touched) {
      const [evacuationId, recipientId] = key.split('\n') as [string, string];
      const evacuation = store.get(evacuationId);
      const person = evacuation && store.person(evacuationId, recipientId.slice('user:'.length));
      if (!evacuation || !person || evacuation.state !== 'running') continue;
      const deliveries = store.deliveriesOf(evacuationId, recipientId);
      const was = new Map<string, EvacuationDelivery>();
      for (const d of earlier) if (!was.has(d.dedupeKey)) was.set(d.dedupeKey, d); // the first is the state before the batch
      if (rollCallState(person, deliveries) !== rollCallState(person, deliveries.map((d) => was.get(d.dedupeKey) ?? d))) this.pushRollCall(evacuation, person);
    }
  }

  /** After a restart: the alarm of each running evacuation, and every message not yet settled. */
  async resume(): Promise<number> {
    const running = this.deps.store.running();
    for (const e of running) await this.fanOut(await this.raiseAlarm(e), { pendingOnly: true });
    if (running.length > 0) this.deps.logger.warn({ evacuations: running.map((e) => e.id) }, 'resumed running evacuations');
    return running.length;
  }

  /** Writes what is queued, then takes nothing more (the store is closed next). */
  stop(): void {
    this.flushOutcomes();
    this.stopped = true;
    for (const r of this.retries.values()) r.timer.cancel();
    this.retries.clear();
  }

  private async raiseAlarm(e: Evacuation): Promise<Evacuation> {
    if (e.alarmId) return e;
    const { alarms, directory, store, logger } = this.deps;
    try {
      const device = e.deviceId ? directory.device(e.siteId, e.deviceId) : undefined;
      const who = e.startedBy.startsWith('user:') ? directory.user(e.startedBy.slice(5))?.name ?? e.startedBy : device?.name ?? e.startedBy;
      const { alarm } = await alarms.raise({
        siteId: e.siteId, kind: 'evacuation', drill: e.drill, deviceId: device?.id, roomId: device?.roomId,
        dedupeKey: evacuationAlarmKey(e.id), detail: { note: [who, e.message].filter(Boolean).join(': ').slice(0, 300) },
      });
      store.setAlarm(e.id, alarm.id);
      const starter = e.startedBy.startsWith('user:') ? directory.user(e.startedBy.slice(5)) : undefined;
      if (starter && alarm.state === 'raised') {
        // Whoever started it is in charge: the alarm is owned, its chain and loud step stop. A
        // fire input's alarm stays unowned and escalates until a security contact takes it.
        const actor: Actor = { type: 'user', username: starter.username, name: starter.name };
        await alarms.act(alarm.id, { type: 'acknowledge' }, actor)
          .then(() => alarms.act(alarm.id, { type: 'on-scene' }, actor))
          .catch((err: unknown) => logger.warn({ err, alarmId: alarm.id }, 'evacuation alarm not taken by its starter'));
      }
      return { ...e, alarmId: alarm.id };
    } catch (err) {
      // The evacuation goes on without it: people must still be told.
      logger.error({ err, evacuationId: e.id }, 'raising the evacuation alarm failed');
      return e;
    }
  }

  /** Hands the messages to the dispatcher (stored, deduplicated by key); on a store failure, tries again. */
  private async fanOut(e: Evacuation, options: { pendingOnly?: boolean } = {}): Promise<void> {
    const { store, directory, notifications, clock, logger } = this.deps;
    const deliveries = store.deliveries(e.id).filter((d) => !options.pendingOnly || d.state === 'pending');
    const requests = evacuationRequests(e, directory.site(e.siteId), store.people(e.id), deliveries, directory.config.notifiers ?? []);
    if (requests.length === 0) return;
    try {
      const receipts = await notifications.dispatch(requests);
      const settled = (s: string) => (s === 'delivered' || s === 'failed' ? s : 'pending');
      store.recordReceipts(receipts.map((r) => ({ dedupeKey: r.dedupeKey, notificationId: r.id, state: settled(r.state) })), clock.now());
      this.retries.delete(e.id);
    } catch (err) {
      const tries = (this.retries.get(e.id)?.tries ?? 0) + 1;
      const delay = Math.min(60_000, 1000 * 2 ** (tries - 1));
      logger.error({ err, evacuationId: e.id, tries, retryInMs: delay }, 'storing evacuation messages failed; trying again');
      this.retries.set(e.id, {
        tries,
        timer: clock.setTimer(delay, () => {
          const now = store.get(e.id);
          if (now?.state === 'running') void this.fanOut(now, { pendingOnly: true });
        }),
      });
    }
  }

  /** A console of this user shows the banner: they count as reached (and are on the roll call). */
  private consoleReached(e: Evacuation, conn: ConsoleConnection): EvacuationPerson | undefined {
    const user = conn.user;
    if (!user) return undefined;
    const { store, clock } = this.deps;
    const added = store.addPerson(personOf(e.id, user));
    const recipientId = userRecipient(user.username);
    const reached = store.addDelivery({
      evacuationId: e.id, recipientId, channel: 'console', target: 'console', state: 'delivered', updatedAt: clock.now(),
      dedupeKey: evacuationDedupeKey(e.id, 'console', recipientId),
    });
    const person = store.person(e.id, user.username);
    if ((added || reached) && person && e.fanoutMs !== undefined) this.pushRollCall(e, person);
    return person;
  }

  /** Roll-call counts (and the person who changed) to consoles of security contacts and above. */
  private pushRollCall(e: Evacuation, person?: EvacuationPerson): void {
    const { store, hub, metrics } = this.deps;
    const counts = countRollCall(store.standing(e.id).map((s) => standingState(s.answer, s.live)));
    if (e.state === 'running') {
      metrics.unaccounted.set({ site: e.siteId, state: 'needs-help' }, counts.needsHelp);
      metrics.unaccounted.set({ site: e.siteId, state: 'unanswered' }, counts.unanswered);
      metrics.unaccounted.set({ site: e.siteId, state: 'unreached' }, counts.unreached);
    }
    const changed = person && rollCallPerson(person, store.deliveriesOf(e.id, userRecipient(person.username)));
    hub.broadcast(e.siteId, {
      type: 'roll-call', evacuationId: e.id, counts,
      ...(changed ? { person: { username: changed.username, name: changed.name, state: changed.state, via: changed.via, safeAt: changed.safeAt } } : {}),
    }, (u) => !!u && hasRole(u, 'security'));
  }
}
