import type { TimerHandle } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { EvacuationStore } from '../evacuation/evacuation-store';
import { IncidentsDb } from '../incidents/incidents-db';
import type { Feature, FeatureContext, FeatureFactory } from '../features/feature';
import { LoneWorkStore } from '../lone-work/lone-work-store';
import { SqliteNotificationStore } from '../notify/sqlite-notification-store';
import { PersonData } from './person-data';
import { PersonRecords } from './person-records';
import { personRoutes } from './person-routes';
import { PrivacyAudit } from './privacy-audit';
import { runRetention, type RetentionResult, type RetentionStores } from './retention-job';
import { DAY_MS } from './retention-policy';

/**
 * Privacy by default: the daily retention job (retention-job.ts; once at start, then every 24 h
 * of the injected clock) and a person's export and erasure (person-data.ts, person-routes.ts).
 * It opens its own connections to the feature tables it purges, so it depends on no other
 * feature running.
 */
export class RetentionFeature implements Feature {
  readonly name = 'retention';
  private ctx?: FeatureContext;
  private stores?: RetentionStores;
  private records?: PersonRecords;
  private audit?: PrivacyAudit;
  private people?: PersonData;
  private timer?: TimerHandle;
  private stopped = false;
  private running: Promise<RetentionResult | undefined> = Promise.resolve(undefined);

  async start(ctx: FeatureContext): Promise<void> {
    this.ctx = ctx;
    this.stores = {
      store: ctx.store,
      notifications: new SqliteNotificationStore(ctx.dbFile),
      evacuations: new EvacuationStore(ctx.dbFile),
      loneWork: new LoneWorkStore(ctx.dbFile),
      incidents: new IncidentsDb(ctx.dbFile),
    };
    this.records = new PersonRecords(ctx.dbFile);
    this.audit = new PrivacyAudit(ctx.dbFile);
    this.people = new PersonData({
      stores: this.stores, records: this.records, directory: ctx.directory, config: ctx.config, audit: this.audit,
      now: () => ctx.clock.now(), logger: ctx.logger,
    });
    this.daily();
  }

  /** The last run (tests wait for it after moving the clock). */
  settled(): Promise<RetentionResult | undefined> {
    return this.running;
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    await personRoutes(app, { people: this.people!, directory: ctx.directory, sessions: ctx.sessions });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
    await this.stores?.notifications.close();
    this.stores?.evacuations.close();
    this.stores?.loneWork.close();
    this.stores?.incidents.close();
    this.records?.close();
    this.audit?.close();
  }

  private daily(): void {
    if (this.stopped) return;
    const ctx = this.ctx!;
    // The run's time is the timer's, even if the previous run is still going when it fires.
    const now = ctx.clock.now();
    this.running = this.running.then(() => runRetention(this.stores!, ctx.directory, now, ctx.logger)).catch((err: unknown) => {
      ctx.logger.error({ err }, 'retention job failed; it runs again tomorrow');
      return undefined;
    });
    this.timer = ctx.clock.setTimer(DAY_MS, () => this.daily());
  }
}

export const retentionFeature: FeatureFactory = () => new RetentionFeature();
