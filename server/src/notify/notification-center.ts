import type { Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { NotificationPort } from '../alarm/alarm-service';
import type { Alarm, StepNotification } from '../alarm/alarm-types';
import type { OfficeDirectory } from '../config/office-directory';
import { NotificationDispatcher, type DispatchReceipt, type NotificationRequest } from './dispatcher';
import type { NotificationStore, StoredNotification } from './notification-store';
import type { Notifier, NotificationSubject } from './notifier';
import { buildNotifier, type BuildContext } from './notifier-factory';
import { NotifierSet, type NotifierSetChange } from './notifier-set';
import { FakeProvider } from './notifiers/fake-provider/fake-provider';
import { HttpProviderNotifier } from './notifiers/http-provider/http-provider';
import { SmppNotifier, type DeliveryReportListener } from './notifiers/smpp/smpp-notifier';
import { SiaDc09Notifier } from './notifiers/sia-dc09/sia-dc09-notifier';
import type { ProviderReply } from './provider-reply';
import { fannedOutByEvacuation } from '../evacuation/evacuation-requests';

export type OutcomeListener = (n: StoredNotification, outcome: 'delivered' | 'failed', detail?: string) => void;

/** What features see of notifications (evacuation, incidents ...). */
export interface Notifications {
  dispatch(requests: NotificationRequest[]): Promise<DispatchReceipt[]>;
  onReply(listener: (reply: ProviderReply) => void): void;
  onOutcome(listener: OutcomeListener): void;
  listByAlarm(alarmId: string): Promise<StoredNotification[]>;
}

const DC09_CONDITIONS: Record<string, 'device-offline' | 'low-battery' | 'tamper' | 'gateway-down'> = {
  'device-offline': 'device-offline', 'low-battery': 'low-battery', tamper: 'tamper', 'gateway-offline': 'gateway-down',
};

/**
 * The outbound side of the alarm engine: builds the configured notifiers, runs the dispatcher
 * (stored before sent, deduped, retried, recorded), turns chain steps into notifications, and
 * turns a permanent failure into escalation (`onPermanentFailure`).
 */
export class NotificationCenter implements NotificationPort, Notifications {
  private readonly dispatcher: NotificationDispatcher;
  private readonly notifiers: NotifierSet;
  private readonly changeListeners: ((change: NotifierSetChange) => void)[] = [];
  private readonly replyListeners: ((reply: ProviderReply) => void)[] = [];
  private readonly outcomeListeners: OutcomeListener[] = [];

  constructor(private readonly deps: {
    directory: OfficeDirectory;
    store: NotificationStore;
    clock: Clock;
    logger: Logger;
    secrets: Record<string, string>;
    dataDir?: string;
    /** Staff logged in at the site's consoles now (what a 112 operator asks: how many people). */
    peopleOnSite?: (siteId: string) => number;
    /** A notification failed for good: the chain must go on at once. */
    onPermanentFailure(n: StoredNotification, error: string): Promise<void>;
  }) {
    const build: BuildContext = {
      clock: deps.clock, logger: deps.logger, secrets: deps.secrets, dataDir: deps.dataDir,
      classify: (n) => ({ duress: n.subject.duress, condition: n.subject.technical ? DC09_CONDITIONS[n.subject.technical.cause] : undefined }),
    };
    this.notifiers = new NotifierSet((config) => buildNotifier(config, build), deps.logger, (_id, notifier) => {
      if (notifier instanceof FakeProvider || notifier instanceof SmppNotifier) notifier.onReply((reply) => this.reply(reply));
      if (notifier instanceof SmppNotifier || notifier instanceof HttpProviderNotifier) notifier.onDeliveryReport((report) => void this.handsetReport(report));
      if (notifier instanceof HttpProviderNotifier) notifier.onReply((reply) => this.reply(reply));
      notifier.start?.();
    });
    this.notifiers.apply(deps.directory.config.notifiers ?? [], { throwOnFailure: true });
    // A configuration change applies to the next notification without a restart (notifier-set.ts).
    deps.directory.onReplace(() => {
      const change = this.notifiers.apply(deps.directory.config.notifiers ?? []);
      for (const l of this.changeListeners) l(change);
    });
    const routers = this.notifiers.routers;
    this.dispatcher = new NotificationDispatcher({
      store: deps.store, notifiers: routers, clock: deps.clock, logger: deps.logger,
      retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 8 },
      onPermanentFailure: async (n, error) => {
        for (const l of this.outcomeListeners) l(n, 'failed', error);
        await deps.onPermanentFailure(n, error);
      },
      onDelivered: (n) => {
        for (const l of this.outcomeListeners) l(n, 'delivered');
      },
    });
  }

  notifier(id: string): Notifier | undefined {
    return this.notifiers.get(id);
  }

  /** An HTTP SMS/voice provider by notifier id, for its callbacks (replies, delivery reports). */
  httpProvider(id: string): HttpProviderNotifier | undefined {
    const notifier = this.notifiers.get(id);
    return notifier instanceof HttpProviderNotifier ? notifier : undefined;
  }

  /** ARC receivers are watched with NULL messages (the feature wires their link supervisor). */
  arcNotifiers(): SiaDc09Notifier[] {
    return this.notifiers.all().filter((n): n is SiaDc09Notifier => n instanceof SiaDc09Notifier);
  }

  /** After a configuration change rebuilt notifiers (link supervision follows the new ones). */
  onNotifiersChanged(listener: (change: NotifierSetChange) => void): void {
    this.changeListeners.push(listener);
  }

  async start(): Promise<void> {
    await this.dispatcher.resume();
  }

  async stop(): Promise<void> {
    await this.dispatcher.stop();
    await this.notifiers.close();
  }

  dispatch(requests: NotificationRequest[]): Promise<DispatchReceipt[]> {
    return this.dispatcher.dispatch(requests);
  }

  onReply(listener: (reply: ProviderReply) => void): void {
    this.replyListeners.push(listener);
  }

  onOutcome(listener: OutcomeListener): void {
    this.outcomeListeners.push(listener);
  }

  listByAlarm(alarmId: string): Promise<StoredNotification[]> {
    return this.deps.store.listByAlarm(alarmId);
  }

  /** NotificationPort: a chain step (or the restore on close) as stored notifications. */
  send(alarm: Alarm, step: number | string, notifications: StepNotification[]): void {
    const subject = { ...subjectOf(alarm, this.deps.directory), ...(this.deps.peopleOnSite ? { peopleOnSite: this.deps.peopleOnSite(alarm.siteId) } : {}) };
    // One CAP alert per receiver for an evacuation: its fan-out sends them (evacuation-requests.ts).
    const own = step !== 'restore' && fannedOutByEvacuation(alarm)
      ? notifications.filter((n) => n.channel !== 'cap') : notifications;
    const requests: NotificationRequest[] = own.map((n) => ({
      alarmId: alarm.id, step, channel: n.channel, target: n.target, purpose: step === 'restore' ? 'restore' : 'alarm',
      subject: step === 'restore' ? { ...subject, state: alarm.state } : subject, recipient: n.recipient,
    }));
    this.dispatcher.dispatch(requests).catch((err: unknown) =>
      this.deps.logger.error({ err, alarmId: alarm.id, step }, 'storing notifications failed'));
  }

  /**
   * A delivery receipt from the handset's operator, recorded on the notification it is about. A
   * message that never reached the phone counts as failed for the features that follow
   * outcomes (an evacuation's "unreached").
   */
  private async handsetReport(report: Parameters<DeliveryReportListener>[0]): Promise<void> {
    const { logger, store } = this.deps;
    try {
      const n = await store.recordHandsetReport(report.channel, report.messageId, { state: report.state, detail: report.detail, at: report.at });
      if (!n) return void logger.info({ channel: report.channel, providerRef: report.messageId }, 'delivery receipt for no stored notification');
      logger.info({ notificationId: n.id, alarmId: n.alarmId, state: report.state, detail: report.detail }, 'delivery receipt');
      if (report.state === 'failed' && n.handset?.state === 'failed') for (const l of this.outcomeListeners) l(n, 'failed', `not delivered to the phone: ${report.detail}`);
    } catch (err) {
      logger.error({ err, providerRef: report.messageId }, 'recording a delivery receipt failed');
    }
  }

  private reply(reply: ProviderReply): void {
    for (const l of this.replyListeners) {
      try {
        l(reply);
      } catch (err) {
        this.deps.logger.error({ err }, 'reply listener failed');
      }
    }
  }
}

export function subjectOf(alarm: Alarm, directory: OfficeDirectory): NotificationSubject {
  const site = directory.site(alarm.siteId);
  const room = directory.room(alarm.siteId, alarm.roomId);
  return {
    alarmId: alarm.id, kind: alarm.kind, state: alarm.state, drill: alarm.drill,
    site: { id: alarm.siteId, name: site?.name ?? alarm.siteId, address: site?.address, entrance: site?.entrance, timezone: site?.timezone },
    ...(room ? { room: { id: room.id, name: room.name, floor: room.floor } } : {}),
    ...(alarm.deviceId ? { deviceId: alarm.deviceId } : {}),
    ...(alarm.detail?.person ? { person: alarm.detail.person } : {}),
    ...(alarm.detail?.location ? { location: alarm.detail.location } : {}),
    ...(alarm.duress ? { duress: true } : {}),
    ...(alarm.detail?.technical ? { technical: alarm.detail.technical } : {}),
    raisedAt: new Date(alarm.raisedAt).toISOString(),
  };
}
