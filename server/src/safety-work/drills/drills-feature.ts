import { randomUUID } from 'node:crypto';
import type { DeviceEvent } from '@trygg/protocol';
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { Alarm } from '../../alarm/alarm-types';
import type { DeviceEventHandler } from '../../alarm/device-event-handler';
import type { DeviceConfig } from '../../config/types';
import { TryggError } from '../../errors';
import type { Feature, FeatureContext, FeatureFactory } from '../../features/feature';
import { TaskTimers } from '../../lone-work/task-timers';
import { DEFAULT_DRILL_MINUTES } from './drill-limits';
import { alarmTimes, compare, summarize, type AlarmTimes, type Comparison, type ResponseSummary } from './drill-report';
import { drillRoutes } from './drill-routes';
import { DrillStore, type Drill, type DrillKind } from './drill-store';
import { monthlyStatistics, type MonthStatistics } from './statistics';

const RETRY_MS = 5_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How many earlier drills of the site a report compares with. */
const COMPARE_WITH = 10;

export interface PlanDrill {
  siteId: string;
  roomId?: string;
  kind: DrillKind;
  /** When to start; undefined or past: now. */
  at?: number;
  durationMinutes?: number;
  note?: string;
  actor: string;
}

export interface DrillReport {
  drill: Drill;
  /** The drill's own alarm first, then alarms from presses in the drill's room during it. */
  alarms: AlarmTimes[];
  summary: ResponseSummary;
  /** Everyone who acknowledged or said "I'm coming" in any of the drill's alarms. */
  respondedBy: string[];
  comparison: Comparison;
}

/**
 * Drills (øving): planned or started now for a site or one room. A drill raises its alarm
 * through the alarm service with `drill: true`, so it runs the real chain end to end — consoles
 * show ØVELSE, guards get test codes, the police are never told (dispatch/step-router.ts). While a
 * room's drill runs, presses of that room's devices are drills too (AlarmService drill override).
 * Reports give response times per step from the alarm timeline, compared with earlier drills.
 */
export class DrillsFeature implements Feature, DeviceEventHandler {
  readonly name = 'drills';
  private store?: DrillStore;
  private timers?: TaskTimers;
  private ctx?: FeatureContext;
  /** Running drills, for the synchronous override on the alarm path. */
  private running: Drill[] = [];
  private alarmsInRange?: Database.Statement<[string, number, number], { data: string }>;

  async start(ctx: FeatureContext): Promise<void> {
    this.ctx = ctx;
    this.store = new DrillStore(ctx.dbFile);
    this.timers = new TaskTimers(ctx.clock, ctx.logger);
    this.refresh();
    ctx.alarms.setDrillOverride((siteId, roomId, now) => (this.isDrillRoom(siteId, roomId, now) ? true : undefined));
    ctx.alarms.addDeviceEventHandler(this);
    const unfinished = this.store.unfinished();
    for (const drill of unfinished) this.schedule(drill);
    if (unfinished.length > 0) ctx.logger.info({ drills: unfinished.length }, 'resumed planned and running drills');
  }

  async stop(): Promise<void> {
    this.ctx?.alarms.setDrillOverride(undefined);
    await this.timers?.stop();
    this.store?.close();
    this.store = undefined;
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    await drillRoutes(app, { drills: this, directory: ctx.directory, sessions: ctx.sessions, clock: ctx.clock });
  }

  /** Plans a drill; one whose time is now (or past) is started before this returns. */
  async plan(request: PlanDrill): Promise<Drill> {
    const { directory, clock, logger } = this.need();
    const now = clock.now();
    if (!directory.site(request.siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${request.siteId}`]);
    if (request.roomId !== undefined && !directory.room(request.siteId, request.roomId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`room ${request.roomId}`]);
    if (request.at !== undefined && (!Number.isFinite(request.at) || request.at > now + 366 * DAY_MS)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['at must be a time within a year']);
    const minutes = request.durationMinutes ?? DEFAULT_DRILL_MINUTES;
    if (request.roomId !== undefined && this.running.some((d) => d.siteId === request.siteId && d.roomId === request.roomId) && (request.at ?? now) <= now) {
      throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`a drill is already running in room ${request.roomId}`]);
    }
    const drill = this.store!.insert({
      id: randomUUID(), siteId: request.siteId, roomId: request.roomId, kind: request.kind, plannedAt: Math.max(request.at ?? now, now),
      durationMs: minutes * MINUTE_MS, createdBy: request.actor, createdAt: now, note: request.note,
    });
    logger.info({ drillId: drill.id, siteId: drill.siteId, roomId: drill.roomId, at: new Date(drill.plannedAt).toISOString(), actor: request.actor }, 'drill planned');
    if (drill.plannedAt <= now) await this.begin(drill.id);
    else this.schedule(drill);
    return this.get(drill.id)!;
  }

  /** Ends a running drill (finished) or calls off a planned one (cancelled). Its open alarms stay for a person to resolve. */
  end(id: string, actor: string): Drill {
    const { clock, logger } = this.need();
    const drill = this.get(id);
    if (!drill) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`drill ${id}`]);
    if (drill.state !== 'planned' && drill.state !== 'running') throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`drill ${id} is already ${drill.state}`]);
    if (!this.store!.end(id, drill.state, clock.now(), actor)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`drill ${id} changed meanwhile; try again`]);
    this.timers!.cancel(startKey(id));
    this.timers!.cancel(endKey(id));
    this.refresh();
    logger.info({ drillId: id, actor, was: drill.state }, 'drill ended');
    return this.get(id)!;
  }

  get(id: string): Drill | undefined {
    return this.store?.get(id);
  }

  list(siteId: string, limit = 200): Drill[] {
    return this.store!.bySite(siteId, limit);
  }

  alarmIds(id: string): string[] {
    return this.store!.links(id).map((l) => l.alarmId);
  }

  async report(id: string): Promise<DrillReport> {
    const drill = this.get(id);
    if (!drill) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`drill ${id}`]);
    const alarms = await this.timesOf(drill);
    const summary = summarize(alarms[0]);
    const earlier: Comparison['earlier'] = [];
    for (const before of this.store!.earlier(drill, COMPARE_WITH)) {
      const [first] = await this.timesOf(before);
      if (first) earlier.push({ drillId: before.id, startedAt: new Date(before.startedAt!).toISOString(), summary: summarize(first) });
    }
    const respondedBy = [...new Set(alarms.flatMap((a) => [...(a.acknowledged ? [a.acknowledged.by] : []), ...a.responders.map((r) => `${r.name} (${r.username})`)]))]
      .filter((who) => !who.startsWith('device:') && who !== 'system');
    return { drill, alarms, summary, respondedBy, comparison: compare(summary, earlier) };
  }

  /** Real alarms of a site per month (drills/statistics.ts). */
  statistics(siteId: string, from: number, to: number): MonthStatistics[] {
    const { directory } = this.need();
    const site = directory.site(siteId);
    if (!site) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    return monthlyStatistics({
      alarms: this.siteAlarms(siteId, from, to), from, to, timeZone: site.timezone ?? 'Europe/Oslo',
      deviceIds: site.devices.map((d) => d.id), tests: this.deviceTests(siteId, from, to),
    });
  }

  // --- DeviceEventHandler: presses in a drill's room become part of its report ---

  async afterStored(event: DeviceEvent, _device: DeviceConfig, outcome: { alarmId?: string; claimed: boolean }): Promise<void> {
    if (event.kind !== 'press' || !outcome.alarmId || this.running.length === 0) return;
    const alarm = await this.ctx!.store.getAlarm(outcome.alarmId);
    if (!alarm?.drill || !alarm.roomId || alarm.sourceEventId !== event.eventId) return;
    const drill = this.running.find((d) => d.siteId === alarm.siteId && d.roomId === alarm.roomId && inWindow(d, alarm.raisedAt));
    if (!drill) return;
    this.store?.link(drill.id, alarm.id, 'press', this.ctx!.clock.now());
    this.ctx!.logger.info({ drillId: drill.id, alarmId: alarm.id, deviceId: alarm.deviceId }, 'press during a drill recorded as a drill alarm');
  }

  /** Resolves once no timer task is running (tests, shutdown). */
  async settled(): Promise<void> {
    await this.timers?.idle();
  }

  private isDrillRoom(siteId: string, roomId: string, now: number): boolean {
    return this.running.some((d) => d.siteId === siteId && d.roomId === roomId && inWindow(d, now));
  }

  private refresh(): void {
    this.running = this.store!.unfinished().filter((d) => d.state === 'running');
  }

  private schedule(drill: Drill): void {
    const timers = this.timers!;
    if (drill.state === 'planned') timers.at(startKey(drill.id), drill.plannedAt, () => this.begin(drill.id));
    else if (drill.state === 'running') {
      // A restart while running: make sure its alarm exists (deduplicated), then wait for its end.
      timers.at(startKey(drill.id), this.need().clock.now(), () => this.begin(drill.id));
    }
  }

  private async begin(id: string): Promise<void> {
    const { alarms, clock, logger } = this.need();
    const store = this.store!;
    let drill = store.get(id);
    if (!drill) return;
    const now = clock.now();
    if (drill.state === 'planned') {
      if (drill.plannedAt > now) return this.schedule(drill);
      if (now >= drill.plannedAt + drill.durationMs) {
        // The server was down for the whole drill: starting it now would surprise everyone.
        if (store.end(id, 'planned', now, 'system:missed')) logger.warn({ drillId: id }, 'planned drill missed (server down at the time); not started');
        return;
      }
      if (!store.claimStart(id, now)) return;
      drill = store.get(id)!;
      this.refresh();
      logger.info({ drillId: id, siteId: drill.siteId, roomId: drill.roomId, kind: drill.kind }, 'drill started');
    } else if (drill.state !== 'running') {
      return;
    }
    if (!store.links(id).some((l) => l.origin === 'started')) {
      try {
        const { alarm } = await alarms.raise({
          siteId: drill.siteId, kind: drill.kind, drill: true, ...(drill.roomId ? { roomId: drill.roomId } : {}),
          dedupeKey: `drill:${id}`, detail: { note: `ØVELSE / DRILL${drill.note ? `: ${drill.note}` : ''}` },
        });
        store.link(id, alarm.id, 'started', clock.now());
      } catch (err) {
        logger.error({ err, drillId: id }, 'raising the drill alarm failed; retrying');
        this.timers!.at(startKey(id), clock.now() + RETRY_MS, () => this.begin(id));
        return;
      }
    }
    this.timers!.at(endKey(id), drill.startedAt! + drill.durationMs, () => this.finishByTime(id));
  }

  private async finishByTime(id: string): Promise<void> {
    const drill = this.store?.get(id);
    if (!drill || drill.state !== 'running') return;
    if (this.store!.end(id, 'running', this.need().clock.now(), 'system:time')) {
      this.refresh();
      this.need().logger.info({ drillId: id }, 'drill time is up');
    }
  }

  private async timesOf(drill: Drill): Promise<AlarmTimes[]> {
    const { store } = this.need();
    const out: AlarmTimes[] = [];
    const links = this.store!.links(drill.id).sort((a, b) => (a.origin === b.origin ? 0 : a.origin === 'started' ? -1 : 1));
    for (const link of links) {
      const alarm = await store.getAlarm(link.alarmId);
      if (!alarm) continue;
      out.push(alarmTimes(alarm, (await store.alarmEvents(alarm.id)).map((e) => e.event)));
    }
    return out;
  }

  /**
   * Alarms of the site raised in [from, to), read from the alarm store's table in the same SQLite
   * file (the Store port only lists the latest 1000 alarms, too few for a year of statistics).
   */
  private siteAlarms(siteId: string, from: number, to: number): Alarm[] {
    this.alarmsInRange ??= this.store!.db.prepare<[string, number, number], { data: string }>(
      'SELECT data FROM alarms WHERE site_id = ? AND raised_at >= ? AND raised_at < ? ORDER BY raised_at');
    return this.alarmsInRange.all(siteId, from, to).map((r) => JSON.parse(r.data) as Alarm);
  }

  /** Passed self-tests from supervision's table (supervision/supervision-db.ts); undefined if it is not there. */
  private deviceTests(siteId: string, from: number, to: number): { deviceId: string; testedAt: number }[] | undefined {
    try {
      return this.store!.db.prepare<[string, number, number], { device_id: string; tested_at: number }>(
        'SELECT device_id, tested_at FROM supervision_tests WHERE site_id = ? AND tested_at >= ? AND tested_at < ?',
      ).all(siteId, from, to).map((r) => ({ deviceId: r.device_id, testedAt: r.tested_at }));
    } catch {
      return undefined;
    }
  }

  private need(): FeatureContext {
    if (!this.ctx || !this.store) throw new TryggError('TRYGG_SRV_INTERNAL');
    return this.ctx;
  }
}

function inWindow(drill: Drill, at: number): boolean {
  return drill.state === 'running' && drill.startedAt !== undefined && drill.startedAt <= at && at < drill.startedAt + drill.durationMs;
}

const startKey = (id: string) => `drill-start:${id}`;
const endKey = (id: string) => `drill-end:${id}`;

export const drillsFeature: FeatureFactory = () => new DrillsFeature();
