import { GATEWAY_HEARTBEAT_INTERVAL_MS } from '@trygg/protocol';
import type { TimerHandle } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { TechnicalCause } from '../alarm/alarm-types';
import type { DeviceEventHandler } from '../alarm/device-event-handler';
import type { Feature, FeatureContext, FeatureFactory } from '../features/feature';
import type { IngestObserver } from '../ingest/ingest-observer';
import type { DeviceSeen } from '../store/store';
import { BatteryWatch } from './battery-watch';
import { LivenessTracker, type LivenessEffect } from './liveness-tracker';
import { SelfTest } from './self-test';
import { SupervisionDb } from './supervision-db';
import { createSupervisionMetrics, type SupervisionMetrics } from './supervision-metrics';
import { supervisionRoutes } from './supervision-routes';
import { deviceHeartbeatMs, siteSupervision, type SiteSupervision } from './supervision-settings';

/** What the edge carries out: the tracker's liveness effects plus battery and tamper news. */
type SupervisionAction =
  | LivenessEffect
  | { type: 'battery-low' | 'battery-ok'; siteId: string; deviceId: string; percent?: number }
  | { type: 'tamper'; siteId: string; deviceId: string };

/** Causes whose alarm clears by itself, so a restart must remember it was raised. Tamper is cleared by a person. */
const REMEMBERED: TechnicalCause[] = ['device-offline', 'gateway-offline', 'low-battery'];
const MAX_TIMER_MS = 86_400_000;
const key = (siteId: string, id: string) => `${siteId}\u0000${id}`;

/**
 * Device and gateway supervision (docs/supervision.md): heartbeat windows, low battery, tamper,
 * gateway last will and silence raise *technical* alarms (routed by the site's technical chain to
 * security contacts), which clear themselves when the cause goes away; and the self-test mode.
 * The decisions are made by the pure LivenessTracker / BatteryWatch; this is the edge around them.
 */
export class SupervisionFeature implements Feature {
  readonly name = 'supervision';
  private ctx!: FeatureContext;
  private db!: SupervisionDb;
  private tracker!: LivenessTracker;
  private battery!: BatteryWatch;
  private selfTest!: SelfTest;
  private metrics!: SupervisionMetrics;
  private readonly settings = new Map<string, SiteSupervision>();
  private timer?: TimerHandle;
  private armedAt?: number;
  /** Alarm operations run one after another, so a clear never overtakes the raise it clears. */
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  async start(ctx: FeatureContext): Promise<void> {
    this.ctx = ctx;
    const { directory, store, clock } = ctx;
    const now = clock.now();
    for (const site of directory.allSites()) this.settings.set(site.id, siteSupervision(directory.config, site));
    this.db = new SupervisionDb(ctx.dbFile);
    const conditions = this.db.conditions();
    const subjects = (cause: TechnicalCause) => conditions.filter((c) => c.cause === cause);
    const [seen, gatewayStatus] = await Promise.all([store.listDevicesSeen(), store.listGatewayStatus()]);

    const devices = directory.allSites().flatMap((site) => site.devices.map((d) => {
      const heartbeatMs = deviceHeartbeatMs(this.settingsOf(site.id), d);
      return { siteId: site.id, deviceId: d.id, gatewayId: d.gatewayId, heartbeatMs, windowMs: heartbeatMs * this.settingsOf(site.id).missedHeartbeats };
    }));
    const gateways = directory.allSites().flatMap((site) =>
      site.gateways.map((g) => ({ siteId: site.id, gatewayId: g.id, graceMs: this.settingsOf(site.id).gatewayGraceSeconds * 1000, heartbeatMs: GATEWAY_HEARTBEAT_INTERVAL_MS })));
    this.tracker = new LivenessTracker(devices, gateways, {
      startedAt: now, seen, gatewayStatus,
      silentDevices: subjects('device-offline').map((c) => ({ siteId: c.siteId, deviceId: c.subject })),
      offlineGateways: subjects('gateway-offline').map((c) => ({ siteId: c.siteId, gatewayId: c.subject })),
    });
    this.battery = new BatteryWatch(subjects('low-battery').map((c) => key(c.siteId, c.subject)));
    this.selfTest = new SelfTest(this.db, (siteId) => this.settingsOf(siteId).testPeriodDays);
    this.metrics = createSupervisionMetrics(ctx.metrics.registry, {
      silent: () => this.tracker.silentCount(),
      overdue: () => {
        const at = clock.now();
        return directory.allSites().reduce((n, s) => n + s.devices.filter((d) => this.selfTest.overdue(s.id, d.id, at)).length, 0);
      },
    });
    ctx.ingest.addObserver(this.observer());
    ctx.alarms.addDeviceEventHandler(this.deviceEventHandler());
    ctx.logger.info({ devices: devices.length, gateways: gateways.length, remembered: conditions.length }, 'supervision started');
    this.apply(this.tracker.due(now));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.queue;
    this.metrics?.remove();
    this.db?.close();
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    await supervisionRoutes(app, { ctx, selfTest: this.selfTest, settingsOf: (siteId) => this.settingsOf(siteId) });
  }

  /** Resolves when every alarm operation queued so far is done (tests, shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  liveness(): LivenessTracker {
    return this.tracker;
  }

  private settingsOf(siteId: string): SiteSupervision {
    const s = this.settings.get(siteId);
    if (!s) throw new Error(`unknown site ${siteId}`);
    return s;
  }

  private observer(): IngestObserver {
    return {
      name: 'supervision',
      onHeartbeats: (seen: DeviceSeen[]) => {
        if (this.stopped) return;
        const now = this.ctx.clock.now();
        const actions: SupervisionAction[] = [];
        const gateways = new Set<string>();
        for (const s of seen) {
          // A batch proves its gateway alive, once per batch; then each device in it.
          const gw = key(s.siteId, s.gatewayId);
          if (!gateways.has(gw)) actions.push(...this.tracker.gatewayHeard(s.siteId, s.gatewayId, now));
          gateways.add(gw);
          actions.push(...this.tracker.deviceHeard(s.siteId, s.deviceId, s.lastSeenAt, now));
          if (s.battery !== undefined) actions.push(...this.batteryReading(s.siteId, s.deviceId, s.battery));
        }
        this.apply(actions);
      },
      onGatewayHeartbeat: (siteId, gatewayId, at) => {
        if (this.stopped) return;
        this.apply(this.tracker.gatewayHeartbeat(siteId, gatewayId, at));
      },
      onGatewayStatus: (status) => {
        if (this.stopped) return;
        const now = this.ctx.clock.now();
        this.apply(status.state === 'online'
          ? this.tracker.gatewayHeard(status.siteId, status.gatewayId, now)
          : this.tracker.gatewayLeft(status.siteId, status.gatewayId, now));
      },
    };
  }

  private deviceEventHandler(): DeviceEventHandler {
    return {
      name: 'supervision',
      claimPress: (event) => !this.stopped && this.selfTest.claim(event, this.ctx.clock.now()),
      afterStored: async (event, device, outcome) => {
        if (this.stopped) return;
        const { clock, logger } = this.ctx;
        const now = clock.now();
        if (outcome.claimed && this.selfTest.recordPass(event, now)) {
          logger.info({ siteId: event.siteId, deviceId: device.id, eventId: event.eventId }, 'self-test press recorded (no alarm)');
        }
        const actions: SupervisionAction[] = [...this.tracker.gatewayHeard(event.siteId, event.gatewayId, now)];
        if (event.kind === 'unavailable') {
          // Said by the transport about the device, not by the device: no sign of its life.
          actions.push(...this.tracker.deviceUnavailable(event.siteId, device.id, now));
        } else {
          const seenAt = Math.min(Date.parse(event.at) || now, now);
          actions.push(...this.tracker.deviceHeard(event.siteId, device.id, seenAt, now));
          // Also the store's last-seen (GET /api/v1/devices): a device that raised an alarm but
          // never heartbeated (a button on a transport without heartbeats) must not read "never heard".
          await this.ctx.store.recordDeviceSeen([{ siteId: event.siteId, deviceId: device.id, gatewayId: event.gatewayId, lastSeenAt: seenAt }])
            .catch((err: unknown) => logger.warn({ err, deviceId: device.id }, 'recording the device as seen failed'));
        }
        if (event.kind === 'low-battery') {
          this.battery.reported(key(event.siteId, device.id));
          actions.push({ type: 'battery-low', siteId: event.siteId, deviceId: device.id, percent: event.battery });
        } else if (event.battery !== undefined) {
          actions.push(...this.batteryReading(event.siteId, device.id, event.battery));
        }
        if (event.kind === 'tamper') actions.push({ type: 'tamper', siteId: event.siteId, deviceId: device.id });
        this.apply(actions);
      },
    };
  }

  private batteryReading(siteId: string, deviceId: string, percent: number): SupervisionAction[] {
    const verdict = this.battery.reading(key(siteId, deviceId), percent, this.settingsOf(siteId).lowBatteryPercent);
    if (verdict === 'low') return [{ type: 'battery-low', siteId, deviceId, percent }];
    if (verdict === 'recovered') return [{ type: 'battery-ok', siteId, deviceId, percent }];
    return [];
  }

  private apply(actions: SupervisionAction[]): void {
    for (const action of actions) {
      this.queue = this.queue.then(() => this.carryOut(action)).catch((err: unknown) => {
        this.ctx.logger.error({ err, action }, 'supervision could not raise or clear a technical alarm');
      });
    }
    this.rearm();
  }

  /** One timer for the earliest deadline of all devices and gateways (never one per device). */
  private rearm(): void {
    if (this.stopped) return;
    const next = this.tracker.nextDeadline();
    if (next === this.armedAt && (next === undefined || this.timer)) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.armedAt = next;
    if (next === undefined) return;
    const { clock } = this.ctx;
    this.timer = clock.setTimer(Math.min(next - clock.now(), MAX_TIMER_MS), () => {
      this.timer = undefined;
      this.armedAt = undefined;
      if (!this.stopped) this.apply(this.tracker.due(clock.now()));
    });
  }

  private async carryOut(action: SupervisionAction): Promise<void> {
    const { siteId } = action;
    switch (action.type) {
      case 'device-silent': {
        const s = Math.round(action.silentForMs / 1000);
        const note = action.reason === 'unavailable' ? 'reported unavailable by its gateway' : `silent for ${s} s (window ${action.windowMs / 1000} s)`;
        await this.raise(siteId, 'device-offline', action.deviceId, note);
        if (action.reason === 'missed-heartbeats') this.metrics.detectionRatio.observe(action.silentForMs / action.windowMs);
        this.ctx.logger.warn({ siteId, deviceId: action.deviceId, reason: action.reason, lastSeenAt: action.lastSeenAt, silentForMs: action.silentForMs, windowMs: action.windowMs }, 'device offline');
        return;
      }
      case 'device-back':
        return this.clear(siteId, 'device-offline', action.deviceId);
      case 'gateway-offline':
        this.ctx.logger.warn({ siteId, gatewayId: action.gatewayId, reason: action.reason, lastHeardAt: action.lastHeardAt }, 'gateway offline');
        return this.raise(siteId, 'gateway-offline', action.gatewayId, action.reason === 'last-will'
          ? 'the broker reported its last will'
          : 'nothing from the gateway or any of its devices within its window (its MQTT session may still look open)');
      case 'gateway-back':
        return this.clear(siteId, 'gateway-offline', action.gatewayId);
      case 'battery-low':
        return this.raise(siteId, 'low-battery', action.deviceId, action.percent === undefined ? 'reported by the device' : `battery ${action.percent} %`);
      case 'battery-ok':
        return this.clear(siteId, 'low-battery', action.deviceId);
      case 'tamper':
        return this.raise(siteId, 'tamper', action.deviceId, 'tamper switch opened; clear by resolving the alarm');
    }
  }

  private async raise(siteId: string, cause: TechnicalCause, subject: string, note: string): Promise<void> {
    const { alarms, directory, clock, logger } = this.ctx;
    const device = cause === 'gateway-offline' ? undefined : directory.device(siteId, subject);
    const dedupeKey = `${cause}:${subject}`;
    const { alarm, created } = await alarms.raise({
      siteId, kind: 'technical', deviceId: device?.id, roomId: device?.roomId, dedupeKey, detail: { technical: { cause, subject }, note },
    });
    if (REMEMBERED.includes(cause)) this.db.putCondition({ siteId, dedupeKey, cause, subject, raisedAt: clock.now() });
    if (created) this.metrics.technicalAlarms.inc({ cause });
    logger.info({ alarmId: alarm.id, siteId, dedupeKey, created }, 'technical alarm raised');
  }

  private async clear(siteId: string, cause: TechnicalCause, subject: string): Promise<void> {
    const dedupeKey = `${cause}:${subject}`;
    const cleared = await this.ctx.alarms.clearByKey(siteId, dedupeKey);
    this.db.dropCondition(siteId, dedupeKey);
    if (cleared) this.ctx.logger.info({ alarmId: cleared.id, siteId, dedupeKey }, 'technical alarm cleared by its cause');
  }
}

export const supervisionFeature: FeatureFactory = () => new SupervisionFeature();
