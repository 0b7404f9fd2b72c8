import type { DeviceEvent } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import type { DeviceEventHandler } from '../alarm/device-event-handler';
import type { DeviceConfig } from '../config/types';
import type { Feature, FeatureContext, FeatureFactory } from '../features/feature';
import { evacuationMetrics } from './evacuation-metrics';
import { evacuationRoutes } from './evacuation-routes';
import { EvacuationService } from './evacuation-service';
import { EvacuationStore } from './evacuation-store';

/**
 * UMS-style evacuation with roll call (docs/evacuation.md): started by a security contact or
 * manager over REST, or by a fire input (a device with `triggersEvacuation`), whose press is
 * claimed so it never becomes a panic alarm. Its own tables (module `evacuation`) survive a
 * restart; running evacuations are resumed at start.
 */
export class EvacuationFeature implements Feature, DeviceEventHandler {
  readonly name = 'evacuation';
  service?: EvacuationService;
  private store?: EvacuationStore;
  private logger?: Logger;
  private alarms?: AlarmService;
  /** Presses claimed inside the event transaction, started after it committed (afterStored). */
  private readonly claimed = new Set<string>();

  async start(ctx: FeatureContext): Promise<void> {
    const store = new EvacuationStore(ctx.dbFile);
    const service = new EvacuationService({
      store, directory: ctx.directory, alarms: ctx.alarms, hub: ctx.hub, notifications: ctx.notifications,
      clock: ctx.clock, logger: ctx.logger, metrics: evacuationMetrics(ctx.metrics.registry),
    });
    this.store = store;
    this.service = service;
    this.logger = ctx.logger;
    this.alarms = ctx.alarms;
    ctx.hub.handleFeatureMessages('safe', service.onConsoleMessage);
    ctx.hub.onAttach(service.onConsoleAttach);
    ctx.notifications.onReply(service.onReply);
    ctx.notifications.onOutcome(service.onOutcome);
    ctx.alarms.addDeviceEventHandler(this);
    await service.resume();
  }

  async stop(): Promise<void> {
    this.service?.stop();
    this.store?.close();
    this.store = undefined;
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    await evacuationRoutes(app, { service: this.service!, directory: ctx.directory, sessions: ctx.sessions });
  }

  /**
   * Runs inside the store transaction: synchronous. A fire input's press starts an evacuation,
   * never a panic alarm. A press another handler claimed first (a self-test) never gets here.
   */
  claimPress(event: DeviceEvent, device: DeviceConfig): boolean {
    if (!device.triggersEvacuation) return false;
    this.claimed.add(event.eventId);
    return true;
  }

  async afterStored(event: DeviceEvent, device: DeviceConfig): Promise<void> {
    if (event.kind !== 'press' || !this.claimed.delete(event.eventId) || !this.service) return;
    try {
      const { evacuation, created } = await this.service.start({ siteId: event.siteId, trigger: 'device', deviceId: device.id });
      this.logger?.warn({ evacuationId: evacuation.id, deviceId: device.id, created }, created ? 'fire input started an evacuation' : 'fire input pressed during a running evacuation');
    } catch (err) {
      // The press was claimed, so no panic alarm exists: never let it end as nothing at all.
      this.logger?.error({ err, deviceId: device.id }, 'starting the evacuation failed; raising its alarm alone');
      await this.alarms?.raise({ siteId: event.siteId, kind: 'evacuation', deviceId: device.id, roomId: device.roomId, dedupeKey: `fire-input:${device.id}` });
    }
  }
}

export const evacuationFeature: FeatureFactory = () => new EvacuationFeature();
