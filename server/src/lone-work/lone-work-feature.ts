import type { DeviceEvent } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CancelDecision, DeviceEventHandler } from '../alarm/device-event-handler';
import type { OfficeDirectory } from '../config/office-directory';
import type { DeviceConfig, TryggConfig } from '../config/types';
import { TryggError } from '../errors';
import type { Feature, FeatureContext, FeatureFactory } from '../features/feature';
import { decideCancel, pinsFor } from './cancel-policy';
import { CheckInVisits } from './check-in-visits';
import { deviceFeedback } from './device-feedback';
import { LoneWorkStore } from './lone-work-store';
import { ManDownMonitor } from './man-down';
import { PIN_KEY_ENV, pinHashProblem, pinKeyFrom, verifyPin } from './pin-hash';
import { TaskTimers } from './task-timers';
import { visitRoutes } from './visit-routes';

/**
 * Portable alarms and lone work (docs/lone-work.md): man-down pre-alarms, check-in timers for
 * visits, and the PIN check behind covert duress cancels. Its own tables live in the server's
 * SQLite file (module `lone-work`); its deadlines survive restarts.
 */
export class LoneWorkFeature implements Feature, DeviceEventHandler {
  readonly name = 'lone-work';
  private readonly pinKey?: Buffer;
  private readonly pinKeyProblem?: string;
  private store?: LoneWorkStore;
  private timers?: TaskTimers;
  private directory?: OfficeDirectory;
  private logger?: Logger;
  manDown?: ManDownMonitor;
  visits?: CheckInVisits;

  constructor(env: NodeJS.ProcessEnv) {
    const { key, problem } = pinKeyFrom(env);
    this.pinKey = key;
    this.pinKeyProblem = problem;
  }

  async start(ctx: FeatureContext): Promise<void> {
    // A PIN that cannot be checked would turn every cancel into "ignore": refuse to start instead.
    const problems = pinProblems(ctx.directory.config, this.pinKey, this.pinKeyProblem);
    if (problems.length > 0) throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [problems.join('; ')]);
    const store = new LoneWorkStore(ctx.dbFile);
    const timers = new TaskTimers(ctx.clock, ctx.logger);
    const feedback = deviceFeedback({ directory: ctx.directory, outbound: ctx.ingest, clock: ctx.clock, logger: ctx.logger });
    const common = { store, alarms: ctx.alarms, directory: ctx.directory, clock: ctx.clock, timers, feedback, logger: ctx.logger };
    this.manDown = new ManDownMonitor(common);
    this.visits = new CheckInVisits({ ...common, alarmStore: ctx.store });
    this.store = store;
    this.timers = timers;
    this.directory = ctx.directory;
    this.logger = ctx.logger;
    ctx.alarms.addDeviceEventHandler(this);
    const preAlarms = this.manDown.resume();
    const visits = this.visits.resume();
    if (preAlarms + visits > 0) ctx.logger.info({ preAlarms, visits }, 'resumed lone-work timers');
  }

  async stop(): Promise<void> {
    await this.timers?.stop();
    this.store?.close();
    this.store = undefined;
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    await visitRoutes(app, { visits: this.visits!, directory: ctx.directory, sessions: ctx.sessions });
  }

  /** Runs inside the store transaction: synchronous, microseconds (keyed hash, not scrypt). */
  cancelDecision(event: DeviceEvent, device: DeviceConfig): CancelDecision {
    if (event.kind !== 'cancel') return 'cancel';
    const key = this.pinKey;
    return decideCancel(event.pin, pinsFor(this.directory?.site(event.siteId), device), (pin, hash) => (key ? verifyPin(pin, hash, key) : false));
  }

  isDuressCancel(event: DeviceEvent, device: DeviceConfig): boolean {
    return this.cancelDecision(event, device) === 'duress';
  }

  async afterStored(event: DeviceEvent, device: DeviceConfig): Promise<void> {
    if (!this.manDown || !this.visits) return;
    switch (event.kind) {
      case 'man-down':
        await this.manDown.onManDown(event, device);
        break;
      case 'cancel': {
        const decision = this.cancelDecision(event, device);
        // Never log the PIN itself.
        if (decision === 'ignore') this.logger?.warn({ deviceId: device.id, eventId: event.eventId, withPin: event.pin !== undefined }, 'device cancel refused: wrong or missing PIN');
        await this.manDown.onCancel(event, device, decision);
        break;
      }
      case 'checkin-start':
      case 'checkin-extend':
      case 'checkout':
        await this.visits.onDeviceEvent(event, device);
        break;
      default:
        break;
    }
    if (event.location) await this.visits.onLocation(event, device);
  }

  /** Resolves once no timer task is running (tests, shutdown). */
  async settled(): Promise<void> {
    await this.timers?.idle();
  }
}

/** Every configured PIN hash must be checkable with this install's key. */
export function pinProblems(config: TryggConfig, key: Buffer | undefined, keyProblem: string | undefined): string[] {
  const hashes: [string, string][] = [];
  config.sites.forEach((site, s) => {
    if (site.cancelPinHash) hashes.push([`sites.${s}.cancelPinHash`, site.cancelPinHash]);
    if (site.duressPinHash) hashes.push([`sites.${s}.duressPinHash`, site.duressPinHash]);
    site.devices.forEach((d, i) => {
      if (d.cancelPinHash) hashes.push([`sites.${s}.devices.${i}.cancelPinHash`, d.cancelPinHash]);
      if (d.duressPinHash) hashes.push([`sites.${s}.devices.${i}.duressPinHash`, d.duressPinHash]);
    });
  });
  if (hashes.length === 0) return [];
  if (!key) return [`${hashes[0]![0]}: PIN hashes need ${PIN_KEY_ENV}${keyProblem ? ` (${keyProblem})` : ''}`];
  return hashes.flatMap(([path, hash]) => {
    const problem = pinHashProblem(hash, key);
    return problem ? [`${path}: ${problem}`] : [];
  });
}

export const loneWorkFeature: FeatureFactory = ({ env }) => new LoneWorkFeature(env);
