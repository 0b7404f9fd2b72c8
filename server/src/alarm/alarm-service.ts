import { randomUUID } from 'node:crypto';
import { NO_ALARM_ID, type AlarmKind, type Clock, type DeviceCommand, type DeviceCommandAction, type DeviceEvent, type Receipt, type ResolveOutcome } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { OfficeDirectory } from '../config/office-directory';
import { resolveStepTargets } from '../dispatch/step-router';
import { EscalationScheduler } from '../escalation/escalation-scheduler';
import { TryggError } from '../errors';
import type { Metrics } from '../metrics/metrics';
import type { DeviceEventRecord, Store } from '../store/store';
import type { ConsoleHub } from '../ws/console-hub';
import { decide } from './alarm-engine';
import { snapshotChain } from './chain-snapshot';
import type { Actor, Alarm, AlarmCommand, AlarmDetail, AlarmEvent, DecideContext, Decision, StepNotification } from './alarm-types';
import type { ChainConfig, DeviceConfig } from '../config/types';
import type { CancelDecision, DeviceEventHandler } from './device-event-handler';
import { cancelConfirmationAction, confirmationFor, pressConfirmationAction, type Confirmation } from './device-confirmation';
import { asPanicFeedback, panicStationOf } from './station-panic';

/** How far back a restart re-checks closed alarms for restore messages (see replayRestores). */
const RESTORE_REPLAY_MS = 24 * 3_600_000;

/** Where effects leave the server besides the consoles (MQTT in production, a recorder in tests). */
export interface AlarmOutbound {
  sendDeviceCommand(siteId: string, gatewayId: string, command: DeviceCommand): void;
  publishAlarmState(alarm: Alarm): void;
}

/** Messages beyond the consoles; the notifications feature implements it (notify/). */
export interface NotificationPort {
  /** `step`: the step index, `<index>.<repeat>` for a repeated loud step, or 'restore'. */
  send(alarm: Alarm, step: number | string, notifications: StepNotification[]): void;
}

export interface RaiseRequest {
  siteId: string;
  kind: AlarmKind;
  drill?: boolean;
  roomId?: string;
  /** When there is no room (a console without one): the zone, so its silence rule still holds. */
  zoneId?: string;
  deviceId?: string;
  /** One open alarm per key: a second raise with the same key folds into the first. */
  dedupeKey?: string;
  detail?: AlarmDetail;
  /** A chain other than the room's (e.g. an elevated-risk meeting's faster chain). */
  chainId?: string;
}

/** Told after every committed change of an alarm (e.g. the incidents feature watches resolutions). */
export type AlarmChangeListener = (alarm: Alarm, events: AlarmEvent[]) => void;

/**
 * A per-room rule consulted when an alarm is raised (elevated-risk meeting, running drill).
 * Synchronous and fast: on the device path it runs inside the store transaction.
 */
export type RoomOverride<T> = (siteId: string, roomId: string, now: number) => T | undefined;

export type UserCommand =
  | { type: 'acknowledge' }
  | { type: 'respond' }
  | { type: 'on-scene' }
  | { type: 'resolve'; outcome: ResolveOutcome }
  | { type: 'cancel' };

/**
 * The edge around the pure engine: load, decide, commit (store before telling), then carry out
 * the effects — console pop-ups, device feedback, state publication, escalation timers.
 */
export class AlarmService {
  readonly scheduler: EscalationScheduler;
  private readonly handlers: DeviceEventHandler[] = [];
  private readonly changeListeners: AlarmChangeListener[] = [];
  private notifications?: NotificationPort;
  private chainOverride?: RoomOverride<string>;
  private drillOverride?: RoomOverride<boolean>;

  constructor(private readonly deps: {
    store: Store;
    directory: OfficeDirectory;
    clock: Clock;
    hub: ConsoleHub;
    outbound: AlarmOutbound;
    metrics: Metrics;
    logger: Logger;
  }) {
    this.scheduler = new EscalationScheduler(deps.clock, (id) => this.escalate(id), deps.logger);
  }

  setNotificationPort(port: NotificationPort): void {
    this.notifications = port;
  }

  /** Alarms from a room use the chain this names (an id of the site's chains) instead of the zone's, e.g. during an elevated-risk meeting. */
  setChainOverride(override: RoomOverride<string> | undefined): void {
    this.chainOverride = override;
  }

  /** Alarms from a room are drills while this says true (a running drill of that room); an explicit `drill` in a raise wins. */
  setDrillOverride(override: RoomOverride<boolean> | undefined): void {
    this.drillOverride = override;
  }

  /** A notification failed for good: record it and let the chain go on at once. */
  async deliveryFailed(alarmId: string, step: number, target: string, error: string): Promise<void> {
    const decision = await this.deps.store.updateAlarm(alarmId, (alarm) => decide(alarm, { type: 'delivery-failed', step, target, error }, this.context()));
    if (decision && decision.events.length > 0) {
      this.deps.logger.error({ alarmId, step, target, error }, 'notification failed for good; escalating');
      this.carryOut(decision);
    }
  }

  onAlarmChanged(listener: AlarmChangeListener): void {
    this.changeListeners.push(listener);
  }

  addDeviceEventHandler(handler: DeviceEventHandler): void {
    this.handlers.push(handler);
  }

  /**
   * Ingest of one validated device event: dedupe by eventId, raise or fold, commit, then tell.
   * Returns the receipt the gateway waits for; it is only sent after the commit.
   */
  async handleDeviceEvent(event: DeviceEvent, receivedAt: number): Promise<Receipt> {
    const { directory, store, metrics, logger } = this.deps;
    const device = directory.device(event.siteId, event.deviceId);
    if (!device) {
      metrics.eventsRejected.inc({ reason: 'unknown-device' });
      logger.warn({ eventId: event.eventId, siteId: event.siteId, deviceId: event.deviceId }, 'event rejected: unknown device');
      return { v: 1, eventId: event.eventId, status: 'rejected', reason: 'unknown-device' };
    }
    const record: DeviceEventRecord = {
      eventId: event.eventId, siteId: event.siteId, gatewayId: event.gatewayId, deviceId: event.deviceId, kind: event.kind, seq: event.seq,
      at: event.at, receivedAt,
      ...(this.handlers.length > 0 && (event.until !== undefined || event.location !== undefined || event.battery !== undefined)
        ? { pendingDetail: { until: event.until, location: event.location, battery: event.battery } } : {}),
    };
    const ctx = this.context();
    let claimed = false;
    let openAlarmId: string | undefined;
    const outcome = await store.recordDeviceEvent(record, (open): Decision | null => {
      claimed = false;
      openAlarmId = open?.id;
      if (event.kind === 'press') {
        if (open) return decide(open, { type: 'press', sourceEventId: event.eventId }, ctx);
        claimed = this.handlers.some((h) => h.claimPress?.(event, device) ?? false);
        record.claimed = claimed;
        if (claimed) return null;
        const room = directory.room(event.siteId, device.roomId ?? event.location?.roomId);
        const zoneId = room?.zoneId;
        const chain = this.chainForRoom(event.siteId, zoneId, room?.id);
        return decide(null, {
          type: 'raise',
          origin: {
            id: randomUUID(), siteId: event.siteId, kind: device.type === 'portable' ? 'personal' : 'panic',
            drill: this.roomOverride(this.drillOverride, event.siteId, room?.id) ?? false,
            deviceId: device.id, roomId: room?.id, zoneId, sourceEventId: event.eventId,
            ...snapshotChain(directory, event.siteId, chain, device.type === 'portable' ? 'personal' : 'panic'),
          },
        }, ctx);
      }
      const actor: Actor = { type: 'device', deviceId: device.id };
      if (event.kind === 'cancel' && open) {
        const verdict = this.cancelVerdict(event, device);
        if (verdict === 'ignore') return null; // wrong PIN: recorded, the alarm goes on
        return decide(open, verdict === 'duress' ? { type: 'duress-cancel', actor } : { type: 'cancel', actor }, ctx);
      }
      if (event.kind === 'location' && open && event.location) return decide(open, { type: 'locate', location: event.location }, ctx);
      return null; // anything else is recorded here and handled by the device event handlers
    });
    if (outcome.duplicate) {
      metrics.eventsDuplicate.inc();
      logger.info({ eventId: event.eventId, alarmId: outcome.alarmId }, 'duplicate device event');
      // A re-send: its first confirmation may have been lost, and the device repeats until it hears one.
      const confirm = confirmationFor(event);
      if (confirm) await this.confirmDuplicate(event, device, confirm, outcome.alarmId);
      return { v: 1, eventId: event.eventId, status: 'duplicate', ...(outcome.alarmId ? { alarmId: outcome.alarmId } : {}) };
    }
    const decision = outcome.decision;
    if (decision) {
      const first = decision.events[0];
      if (first?.type === 'raised') {
        metrics.alarmsRaised.inc({ site: decision.alarm.siteId, kind: decision.alarm.kind });
        logger.info({ alarmId: decision.alarm.id, deviceId: device.id, roomId: decision.alarm.roomId, eventId: event.eventId }, 'alarm raised');
      } else if (first?.type === 'press-folded') {
        metrics.pressesFolded.inc({ site: decision.alarm.siteId });
        logger.info({ alarmId: decision.alarm.id, pressCount: decision.alarm.pressCount }, 'repeated press folded into open alarm');
      }
    }
    const confirm = confirmationFor(event);
    const confirmed = decision ? this.carryOut(decision, receivedAt, confirm) : false;
    // Stored, but no alarm effect spoke to the device (a claimed press, a refused or idle cancel).
    if (confirm && !confirmed) {
      const action = event.kind === 'press' ? 'received' : cancelConfirmationAction(this.cancelVerdict(event, device));
      this.sendConfirmation(device, confirm, action, decision?.alarm.id ?? openAlarmId);
    }
    await this.runHandlers(event, device, { alarmId: decision?.alarm.id, claimed });
    return { v: 1, eventId: event.eventId, status: 'stored', ...(decision ? { alarmId: decision.alarm.id } : {}) };
  }

  /**
   * Runs the features' handlers for a stored event, then marks it handled. Until marked, a
   * restarted server runs them again (resume), so a crash between the commit and a handler
   * (a man-down pre-alarm, a fire input's evacuation) loses nothing; handlers are idempotent.
   */
  private async runHandlers(event: DeviceEvent, device: DeviceConfig, outcome: { alarmId?: string; claimed: boolean }): Promise<void> {
    for (const handler of this.handlers) {
      if (!handler.afterStored) continue;
      // A failing feature must not cost the receipt: the event is stored, the alarm is told.
      await handler.afterStored(event, device, outcome)
        .catch((err: unknown) => this.deps.logger.error({ err, handler: handler.name, eventId: event.eventId }, 'device event handler failed'));
    }
    await this.deps.store.markDeviceEventHandled(event.eventId, this.deps.clock.now());
  }

  /** After a restart: hand the features every event a crash kept from them. */
  private async resumeUnhandled(): Promise<number> {
    let count = 0;
    for (;;) {
      const batch = await this.deps.store.unhandledDeviceEvents(500);
      if (batch.length === 0) return count;
      for (const r of batch) {
        const device = this.deps.directory.device(r.siteId, r.deviceId);
        const event = {
          v: 1 as const, eventId: r.eventId, siteId: r.siteId, gatewayId: r.gatewayId, deviceId: r.deviceId,
          kind: r.kind as DeviceEvent['kind'], seq: r.seq, at: r.at,
          ...(r.pendingDetail?.until !== undefined ? { until: r.pendingDetail.until } : {}),
          ...(r.pendingDetail?.location !== undefined ? { location: r.pendingDetail.location as DeviceEvent['location'] } : {}),
          ...(r.pendingDetail?.battery !== undefined ? { battery: r.pendingDetail.battery } : {}),
        };
        if (device) await this.runHandlers(event, device, { alarmId: r.alarmId, claimed: r.claimed ?? false });
        else await this.deps.store.markDeviceEventHandled(r.eventId, this.deps.clock.now());
        count++;
      }
    }
  }

  /** A re-sent press or cancel: confirm it again, saying what its alarm is now. */
  private async confirmDuplicate(event: DeviceEvent, device: DeviceConfig, confirm: Confirmation, alarmId: string | undefined): Promise<void> {
    try {
      const action = event.kind === 'press'
        ? pressConfirmationAction(alarmId ? await this.deps.store.getAlarm(alarmId) : undefined)
        : cancelConfirmationAction(this.cancelVerdict(event, device));
      this.sendConfirmation(device, confirm, action, alarmId);
    } catch (err) {
      // The event is stored; the device re-sends and the next duplicate tries again.
      this.deps.logger.error({ err, eventId: event.eventId }, 'confirming a re-sent device message failed');
    }
  }

  private sendConfirmation(device: DeviceConfig, confirm: Confirmation, action: DeviceCommandAction, alarmId: string | undefined): void {
    const { outbound, clock, metrics, logger } = this.deps;
    try {
      outbound.sendDeviceCommand(confirm.siteId, confirm.gatewayId, {
        v: 1, commandId: randomUUID(), deviceId: device.id, alarmId: alarmId ?? NO_ALARM_ID, action, at: new Date(clock.now()).toISOString(), msgId: confirm.msgId,
      });
    } catch (err) {
      logger.error({ err, deviceId: device.id, msgId: confirm.msgId }, 'sending a confirmation to the device failed');
    }
  }

  /** Safety rule "covert duress": one handler seeing the duress PIN wins; then any refusal; else a plain cancel. */
  private cancelVerdict(event: DeviceEvent, device: DeviceConfig): CancelDecision {
    const verdicts = this.handlers.map((h) => h.cancelDecision?.(event, device) ?? (h.isDuressCancel?.(event, device) ? 'duress' : 'cancel'));
    return verdicts.includes('duress') ? 'duress' : verdicts.includes('ignore') ? 'ignore' : 'cancel';
  }

  /**
   * Raises an alarm no device event carries: technical (supervision), lone work (missed
   * check-out, man-down), console panic button, API. Stored before anyone is told, like every alarm.
   */
  async raise(request: RaiseRequest): Promise<{ alarm: Alarm; created: boolean }> {
    const { directory, store, metrics, logger } = this.deps;
    if (!directory.site(request.siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${request.siteId}`]);
    const room = directory.room(request.siteId, request.roomId);
    const zoneId = room?.zoneId ?? request.zoneId;
    const chain = request.kind === 'technical'
      ? directory.technicalChainFor(request.siteId)
      : request.chainId
        ? directory.chain(request.siteId, request.chainId) ?? directory.chainFor(request.siteId, zoneId)
        : this.chainForRoom(request.siteId, zoneId, room?.id);
    const ctx = this.context();
    // A technical alarm is about a device, not from it: it takes no device link (the device is
    // its `detail.technical.subject`), so it never holds the device's one open alarm and a press
    // or a man-down on that device raises its own alarm (docs/lone-work.md, "One device, several causes").
    const deviceId = request.kind === 'technical' ? undefined : request.deviceId;
    const decision = await store.recordAlarm(request.siteId, request.dedupeKey, (open) => {
      if (open && request.dedupeKey !== undefined && open.dedupeKey === request.dedupeKey) {
        return decide(open, { type: 'press', sourceEventId: request.dedupeKey }, ctx);
      }
      if (open) {
        // The same cause again (a retry after a crash): already attached, nothing new to tell.
        if (request.dedupeKey !== undefined && open.causes?.some((c) => c.dedupeKey === request.dedupeKey)) return { events: [], effects: [], alarm: open };
        // Another cause on a device with an open alarm: attached to it and escalated at once.
        return decide(open, {
          type: 'add-cause',
          cause: { kind: request.kind, at: ctx.now, dedupeKey: request.dedupeKey, ...(request.detail ? { detail: request.detail } : {}) },
        }, ctx);
      }
      return decide(null, {
        type: 'raise',
        origin: {
          id: randomUUID(), siteId: request.siteId, kind: request.kind, drill: request.drill ?? (request.kind !== 'technical' && (this.roomOverride(this.drillOverride, request.siteId, room?.id) ?? false)),
          deviceId, roomId: room?.id, zoneId, dedupeKey: request.dedupeKey, detail: request.detail,
          ...snapshotChain(directory, request.siteId, chain, request.kind),
        },
      }, ctx);
    }, deviceId);
    if (!decision) throw new Error('raise decided nothing');
    const created = decision.events[0]?.type === 'raised';
    if (created) {
      metrics.alarmsRaised.inc({ site: request.siteId, kind: request.kind });
      logger.info({ alarmId: decision.alarm.id, kind: request.kind, roomId: decision.alarm.roomId, dedupeKey: request.dedupeKey, detail: request.detail }, 'alarm raised');
    } else if (decision.events[0]?.type === 'cause-added') {
      metrics.alarmsRaised.inc({ site: request.siteId, kind: request.kind });
      logger.warn({ alarmId: decision.alarm.id, kind: request.kind, deviceId, dedupeKey: request.dedupeKey, detail: request.detail }, 'new cause attached to the device\'s open alarm; escalated at once');
    }
    this.carryOut(decision);
    return { alarm: decision.alarm, created };
  }

  /** Resolves the open alarm holding `dedupeKey` (a technical cause that went away by itself). */
  async clearByKey(siteId: string, dedupeKey: string, outcome: ResolveOutcome = 'cleared'): Promise<Alarm | undefined> {
    const open = await this.deps.store.findOpenAlarmByKey(siteId, dedupeKey);
    if (!open) return undefined;
    this.deps.logger.info({ alarmId: open.id, dedupeKey }, 'alarm cleared by its cause');
    return this.act(open.id, { type: 'resolve', outcome }, { type: 'system' });
  }

  /** A person acts on an alarm (console or REST). Throws TryggError for unknown or closed alarms. */
  async act(alarmId: string, command: UserCommand, actor: Actor): Promise<Alarm> {
    const engineCommand: AlarmCommand = command.type === 'resolve' ? { type: 'resolve', actor, outcome: command.outcome } : { type: command.type, actor };
    const decision = await this.deps.store.updateAlarm(alarmId, (alarm) => decide(alarm, engineCommand, this.context()));
    if (!decision) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`alarm ${alarmId}`]);
    if (decision.events.length > 0) {
      this.deps.logger.info({ alarmId, action: command.type, actor, state: decision.alarm.state }, 'alarm changed by user');
      this.carryOut(decision);
    }
    return decision.alarm;
  }

  async escalate(alarmId: string): Promise<void> {
    const decision = await this.deps.store.updateAlarm(alarmId, (alarm) => decide(alarm, { type: 'escalate' }, this.context()));
    if (decision && decision.events.length > 0) this.carryOut(decision);
    else if (decision) this.scheduler.sync(decision.alarm);
  }

  /** After a restart: re-arm every stored deadline; overdue steps fire at once. */
  async resume(): Promise<number> {
    const pending = await this.deps.store.alarmsWithPendingSteps();
    this.scheduler.resume(pending);
    if (pending.length > 0) this.deps.logger.info({ alarms: pending.length }, 'resumed open escalations');
    const handled = await this.resumeUnhandled();
    if (handled > 0) this.deps.logger.warn({ events: handled }, 'device events handed to their features again after a restart');
    const steps = await this.replayStepNotifications();
    if (steps > 0) this.deps.logger.info({ steps }, 'notifications of open alarms\' recorded steps handed to the notification center again');
    const restores = await this.replayRestores();
    if (restores > 0) this.deps.logger.info({ alarms: restores }, 'restore messages of recently closed alarms handed to the notification center again');
    return pending.length;
  }

  /**
   * A chain step is committed with the alarm, but the messages it names (guards, police, phones)
   * are stored by the notification center just after; a crash in between left the step recorded
   * and its messages never stored (found by the fault-injection harness). At start every open
   * alarm's recorded steps are handed to the notification center again. The dispatcher keeps one
   * message per alarm, step, channel and recipient, so what was stored is not sent twice.
   */
  private async replayStepNotifications(): Promise<number> {
    if (!this.notifications) return 0;
    let steps = 0;
    for (const alarm of await this.deps.store.listAlarms({ state: 'open', limit: 100_000 })) {
      for (const { event } of await this.deps.store.alarmEvents(alarm.id)) {
        if (event.type !== 'step-notified' || !event.notifications?.length) continue;
        this.notifications.send(alarm, event.repeat ? `${event.step}.${event.repeat}` : event.step, event.notifications);
        steps++;
      }
    }
    return steps;
  }

  /**
   * The same crash window on close: the resolve or cancel is committed, the restore messages to
   * the external parties that were told (guards, the alarm receiving centre) are stored just
   * after. At start, every alarm closed in the last day that told someone outside gets its
   * restore handed to the notification center again; the dispatcher's dedupe key (alarm,
   * 'restore', channel, recipient) keeps a stored restore from going twice. A day is well
   * inside the shortest notification retention (7 days), so the dedupe record is still there.
   */
  private async replayRestores(): Promise<number> {
    if (!this.notifications) return 0;
    let alarms = 0;
    for (const alarm of await this.deps.store.alarmsClosedSince(this.deps.clock.now() - RESTORE_REPLAY_MS)) {
      if (!alarm.notifiedExternal?.length) continue;
      this.notifications.send(alarm, 'restore', alarm.notifiedExternal);
      alarms++;
    }
    return alarms;
  }

  stop(): void {
    this.scheduler.stop();
  }

  /** The zone's (else the site's) chain, unless the room override names another chain of the site. */
  private chainForRoom(siteId: string, zoneId: string | undefined, roomId: string | undefined): ChainConfig {
    const overrideId = this.roomOverride(this.chainOverride, siteId, roomId);
    const override = overrideId ? this.deps.directory.chain(siteId, overrideId) : undefined;
    if (overrideId && !override) this.deps.logger.error({ siteId, roomId, chainId: overrideId }, 'room chain override names no chain of the site; using the zone chain');
    return override ?? this.deps.directory.chainFor(siteId, zoneId);
  }

  /** A failing override must never cost an alarm: it counts as "no override". */
  private roomOverride<T>(override: RoomOverride<T> | undefined, siteId: string, roomId: string | undefined): T | undefined {
    if (!override || roomId === undefined) return undefined;
    try {
      return override(siteId, roomId, this.deps.clock.now());
    } catch (err) {
      this.deps.logger.error({ err, siteId, roomId }, 'room override failed; ignored');
      return undefined;
    }
  }

  private context(): DecideContext {
    const { directory, hub, clock } = this.deps;
    return { now: clock.now(), resolveStep: (alarm, step) => resolveStepTargets(directory, alarm, step, hub) };
  }

  /**
   * Carries out a committed decision. With `confirm` (the device message that led to it), the
   * device feedback to that device carries the message's msgId: it is the confirmation the device
   * waits for. Returns whether it went out.
   */
  private carryOut(decision: Decision, receivedAt?: number, confirm?: Confirmation): boolean {
    let confirmed = false;
    const { hub, outbound, metrics, logger, directory, clock } = this.deps;
    const { alarm } = decision;
    for (const event of decision.events) {
      if (event.type === 'step-notified') metrics.escalationSteps.inc({ outcome: 'notified' });
      if (event.type === 'step-skipped') {
        metrics.escalationSteps.inc({ outcome: 'skipped' });
        logger.warn({ alarmId: alarm.id, step: event.step, reason: event.reason, stations: event.stations }, 'escalation step skipped');
      }
      if (event.type === 'step-notified') logger.info({ alarmId: alarm.id, step: event.step, stations: event.stations, online: event.online }, 'escalation step notified');
    }
    for (const effect of decision.effects) {
      try {
        switch (effect.type) {
          case 'popup': {
            const sent = hub.popup(alarm, effect.stations);
            if (sent > 0 && receivedAt !== undefined) metrics.notificationLatency.observe({ channel: 'console' }, (clock.now() - receivedAt) / 1000);
            break;
          }
          case 'update':
            hub.update(alarm);
            break;
          case 'clear':
            hub.clear(alarm);
            break;
          case 'device-feedback': {
            // A console's panic button gets what a hardware button's LED would show, at its station only.
            const station = panicStationOf(alarm);
            const panicFeedback = asPanicFeedback(effect.action);
            if (station !== undefined && panicFeedback) {
              hub.toStation(station, { type: 'panic-feedback', alarmId: alarm.id, action: panicFeedback });
              break;
            }
            const device = alarm.deviceId ? directory.device(alarm.siteId, alarm.deviceId) : undefined;
            if (!device) break;
            const confirming = confirm !== undefined && !confirmed;
            outbound.sendDeviceCommand(alarm.siteId, confirming ? confirm.gatewayId : device.gatewayId, {
              v: 1, commandId: randomUUID(), deviceId: device.id, alarmId: alarm.id, action: effect.action, at: new Date(clock.now()).toISOString(),
              ...(confirming ? { msgId: confirm.msgId } : {}),
            });
            if (confirming) confirmed = true;
            break;
          }
          case 'notify':
          case 'restore':
            if (!this.notifications) {
              logger.error({ alarmId: alarm.id, targets: effect.notifications.map((n) => n.target) }, 'no notification channel is running; messages not sent');
              break;
            }
            this.notifications.send(alarm, effect.type === 'restore' ? 'restore' : effect.repeat ? `${effect.step}.${effect.repeat}` : effect.step, effect.notifications);
            break;
          case 'reached-nobody':
            metrics.alarmsReachedNobody.inc();
            logger.error({ alarmId: alarm.id, siteId: alarm.siteId, roomId: alarm.roomId }, 'ALARM REACHED NOBODY: no step of the chain had anyone online');
            break;
        }
      } catch (err) {
        // The alarm is committed; a failing channel must not stop the others.
        logger.error({ err, alarmId: alarm.id, effect: effect.type }, 'effect failed');
      }
    }
    this.scheduler.sync(alarm);
    try {
      outbound.publishAlarmState(alarm);
    } catch (err) {
      logger.error({ err, alarmId: alarm.id }, 'publishing alarm state failed');
    }
    for (const listener of this.changeListeners) {
      try {
        listener(alarm, decision.events);
      } catch (err) {
        logger.error({ err, alarmId: alarm.id }, 'alarm change listener failed');
      }
    }
    return confirmed;
  }
}
