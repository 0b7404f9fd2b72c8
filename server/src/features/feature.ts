import type { Clock } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import type { SessionService } from '../auth/sessions';
import type { ConfigService } from '../config-admin/config-service';
import type { OfficeDirectory } from '../config/office-directory';
import type { MqttIngest } from '../ingest/mqtt-ingest';
import type { Metrics } from '../metrics/metrics';
import type { Notifications } from '../notify/notification-center';
import type { Store } from '../store/store';
import type { ConsoleHub } from '../ws/console-hub';

/** What a feature gets to work with; it keeps its own tables in `dbFile` (own migration module). */
export interface FeatureContext {
  directory: OfficeDirectory;
  store: Store;
  alarms: AlarmService;
  ingest: MqttIngest;
  hub: ConsoleHub;
  sessions: SessionService;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Outbound messages (SMS, voice, e-mail, webhook, CAP, ARC): stored, deduped, retried, recorded. */
  notifications: Notifications;
  /** The SQLite file of this server (features open their own connection; see store/sqlite/migrate.ts). */
  dbFile: string;
  /** Versioned configuration edits (a person's erasure removes the user through it); absent in some tests. */
  config?: ConfigService;
}

/**
 * A part of the server beyond the alarm spine (supervision, lone work, notifications,
 * evacuation ...), like zigbee2mqtt's extensions: started with injected dependencies before
 * ingest begins, stopped on shutdown, optionally with its own REST routes.
 */
export interface Feature {
  readonly name: string;
  start(ctx: FeatureContext): Promise<void>;
  stop(): Promise<void>;
  routes?(app: FastifyInstance, ctx: FeatureContext): Promise<void>;
}

export type FeatureFactory = (options: { env: NodeJS.ProcessEnv }) => Feature;
