import type { TimerHandle } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { Feature, FeatureContext, FeatureFactory } from '../features/feature';
import { RiskDb } from '../risk/risk-db';
import type { IncidentCounts } from '../risk/risk-register';
import { riskRoutes } from '../risk/risk-routes';
import { category } from './incident-catalogue';
import { incidentRoutes } from './incident-routes';
import { IncidentService, startsReport } from './incident-service';
import { IncidentsDb } from './incidents-db';

const DAY_MS = 86_400_000;
/** Resolutions at or after this time are known to have been looked at (restart catch-up starts here). */
const OBSERVED_UNTIL = 'alarms-observed-until';

/**
 * Incident reporting (avvik) and the ROS risk register (docs/incidents-and-risk.md).
 *
 * Resolutions are observed through AlarmService.onAlarmChanged (called after each commit): a
 * real or false alarm that is resolved gets a draft report. A restart catches up on resolutions
 * it may have missed since the previous run, so a draft is not lost to a crash. A daily job on
 * the clock erases personal fields after each site's retention period.
 */
export class IncidentsFeature implements Feature {
  readonly name = 'incidents';
  private ctx!: FeatureContext;
  private db!: IncidentsDb;
  private riskDb!: RiskDb;
  private service!: IncidentService;
  private timer?: TimerHandle;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  async start(ctx: FeatureContext): Promise<void> {
    this.ctx = ctx;
    this.db = new IncidentsDb(ctx.dbFile);
    this.riskDb = new RiskDb(ctx.dbFile);
    this.service = new IncidentService({
      db: this.db, directory: ctx.directory, store: ctx.store, clock: ctx.clock, logger: ctx.logger, notifications: ctx.notifications,
    });
    const startedAt = ctx.clock.now();
    ctx.alarms.onAlarmChanged((alarm, events) => {
      if (this.stopped || !events.some((e) => e.type === 'resolved') || !startsReport(alarm)) return;
      this.enqueue(() => this.service.draftFromAlarm(alarm.id).then(() => undefined), alarm.id);
    });
    await this.catchUp();
    this.db.setMeta(OBSERVED_UNTIL, String(startedAt));
    if (!(ctx.directory.config.notifiers ?? []).some((n) => n.channel === 'email' && !n.party)) {
      ctx.logger.info('no e-mail notifier configured: leader copies of new reports are recorded and listed in Trygg, not e-mailed');
    }
    this.daily();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.queue;
    await this.service?.settled();
    this.db?.close();
    this.riskDb?.close();
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    const now = () => ctx.clock.now();
    await incidentRoutes(app, { service: this.service, directory: ctx.directory, sessions: ctx.sessions, now });
    await riskRoutes(app, { directory: ctx.directory, sessions: ctx.sessions, now, db: this.riskDb, counts: this.counts() });
  }

  /** Resolves when every draft queued so far is written (tests, shutdown). */
  async settled(): Promise<void> {
    await this.queue;
    await this.service.settled();
  }

  incidents(): IncidentService {
    return this.service;
  }

  /** Observed likelihood: reports per register event, through the categories' mapping. */
  counts(): IncidentCounts {
    return {
      countByEvent: (siteId, fromMs, toMs) => {
        const byEvent = new Map<string, number>();
        let unmapped = 0;
        for (const [cat, n] of this.db.countByCategory(siteId, fromMs, toMs)) {
          const eventId = category(cat)?.riskEventId;
          if (eventId) byEvent.set(eventId, (byEvent.get(eventId) ?? 0) + n);
          else unmapped += n;
        }
        return { byEvent, unmapped };
      },
    };
  }

  private enqueue(work: () => Promise<void>, alarmId: string): void {
    this.queue = this.queue.then(work).catch((err: unknown) => {
      this.ctx.logger.error({ err, alarmId }, 'could not draft an incident report for a resolved alarm (a restart tries again)');
    });
  }

  /** Drafts for resolutions since the previous run that have none (the first run only starts watching). */
  private async catchUp(): Promise<void> {
    const since = this.db.meta(OBSERVED_UNTIL);
    if (since === undefined) return;
    const resolved = await this.ctx.store.listAlarms({ state: 'resolved', limit: 1000 });
    let drafted = 0;
    for (const alarm of resolved) {
      if ((alarm.closedAt ?? 0) < Number(since) || !startsReport(alarm) || this.db.hasAlarm(alarm.id)) continue;
      if (await this.service.draftFromAlarm(alarm.id)) drafted += 1;
    }
    if (drafted > 0) this.ctx.logger.info({ drafted }, 'incident reports drafted for alarms resolved while this feature was not watching');
  }

  /** Retention once at start and then every 24 h of the clock. */
  private daily(): void {
    if (this.stopped) return;
    try {
      this.service.eraseExpired();
      this.service.sendLeaderCopies(); // copies whose hand-over failed earlier
    } catch (err) {
      this.ctx.logger.error({ err }, 'incident retention job failed; it runs again tomorrow');
    }
    // Everything older than a day has had its chance to be drafted: a restart need not look further back.
    const mark = Number(this.db.meta(OBSERVED_UNTIL) ?? 0);
    const dayAgo = this.ctx.clock.now() - DAY_MS;
    if (dayAgo > mark) this.db.setMeta(OBSERVED_UNTIL, String(dayAgo));
    this.timer = this.ctx.clock.setTimer(DAY_MS, () => this.daily());
  }
}

export const incidentsFeature: FeatureFactory = () => new IncidentsFeature();
