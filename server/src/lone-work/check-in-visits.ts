import { randomUUID } from 'node:crypto';
import type { Clock, DeviceEvent } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import { isOpen } from '../alarm/state-rank';
import type { OfficeDirectory } from '../config/office-directory';
import type { DeviceConfig } from '../config/types';
import { TryggError } from '../errors';
import type { Store } from '../store/store';
import type { SendFeedback } from './device-feedback';
import { loneWorkSettings, personFor } from './lone-work-settings';
import type { LoneWorkStore, Visit } from './lone-work-store';
import type { TaskTimers } from './task-timers';

const RETRY_MS = 5_000;
const HOUR_MS = 3_600_000;

export interface StartVisit {
  siteId: string;
  deviceId?: string;
  owner?: string;
  person: string;
  address?: string;
  until: number;
  /** Who started it, for the visit's log: `user:<username>` or `device:<id>`. */
  actor: string;
}

/**
 * Check-in timers for home visits and meetings outside the office: start with an expected end,
 * a reminder before it, extend, check out. A visit not checked out in time raises a
 * `no-checkin` alarm with the person and the visit's address (dedupe key `visit:<id>`). A late
 * check-out is recorded on the visit but does not close the alarm: a person resolves it.
 */
export class CheckInVisits {
  constructor(private readonly deps: {
    store: LoneWorkStore;
    alarmStore: Store;
    alarms: AlarmService;
    directory: OfficeDirectory;
    clock: Clock;
    timers: TaskTimers;
    feedback: SendFeedback;
    logger: Logger;
  }) {}

  start(request: StartVisit): Visit {
    const { store, directory, clock, logger } = this.deps;
    if (!directory.site(request.siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${request.siteId}`]);
    if (request.deviceId && !directory.device(request.siteId, request.deviceId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`device ${request.deviceId}`]);
    this.checkUntil(request.siteId, request.until);
    const { actor, ...fields } = request;
    const visit = store.startVisit({ ...fields, id: randomUUID(), startedAt: clock.now() }, actor);
    if (!visit) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`device ${request.deviceId} already has a running visit; extend or check out that one`]);
    logger.info({ visitId: visit.id, deviceId: visit.deviceId, actor, until: new Date(visit.until).toISOString() }, 'check-in visit started');
    this.schedule(visit);
    return visit;
  }

  extend(id: string, until: number, actor: string): Visit {
    const visit = this.deps.store.visit(id);
    if (!visit) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`visit ${id}`]);
    this.checkUntil(visit.siteId, until);
    if (!this.deps.store.extendVisit(id, until, this.deps.clock.now(), actor)) {
      throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`visit ${id} is ${visit.state === 'expiring' ? 'missed' : visit.state}; it can no longer be extended`]);
    }
    const extended = this.deps.store.visit(id)!;
    this.deps.logger.info({ visitId: id, actor, until: new Date(until).toISOString() }, 'check-in visit extended');
    this.schedule(extended);
    return extended;
  }

  checkOut(id: string, actor: string): Visit {
    const { store, clock, timers, logger } = this.deps;
    const visit = store.visit(id);
    if (!visit) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`visit ${id}`]);
    if (!store.checkOut(id, clock.now(), actor)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`visit ${id} is already checked out`]);
    if (visit.state === 'active') {
      timers.cancel(reminderKey(id));
      timers.cancel(expiryKey(id));
      logger.info({ visitId: id, actor }, 'check-in visit checked out');
    } else {
      // The alarm stays: someone must make sure the person really is safe, and resolve it.
      logger.warn({ visitId: id, actor, alarmId: visit.alarmId }, 'late check-out recorded; the no-checkin alarm stays open until a person resolves it');
    }
    return store.visit(id)!;
  }

  visit(id: string): Visit | undefined {
    return this.deps.store.visit(id);
  }

  list(states: Visit['state'][] | undefined, limit: number): Visit[] {
    return this.deps.store.listVisits(states, limit);
  }

  /** `checkin-start`, `checkin-extend` and `checkout` typed on a portable alarm. */
  async onDeviceEvent(event: DeviceEvent, device: DeviceConfig): Promise<void> {
    const { store, logger } = this.deps;
    const actor = `device:${device.id}`;
    const open = store.openVisitOfDevice(event.siteId, device.id);
    try {
      if (event.kind === 'checkout') {
        const late = open ?? store.missedVisitsOfDevice(event.siteId, device.id).find((v) => v.checkedOutAt === undefined);
        if (late) this.checkOut(late.id, actor);
        else logger.info({ deviceId: device.id }, 'check-out from a device without a visit');
        return;
      }
      const until = this.deviceUntil(event, device);
      if (open?.state === 'active') {
        this.extend(open.id, until, actor);
      } else if (open) {
        logger.warn({ deviceId: device.id, visitId: open.id }, `${event.kind} after the visit was missed: the alarm stays`);
      } else {
        // An extend without a running visit starts one: the wearer believes a timer is running.
        this.start({ siteId: event.siteId, deviceId: device.id, person: personFor(device), until, actor });
      }
    } catch (err) {
      logger.error({ err, deviceId: device.id, kind: event.kind }, 'device check-in event not applied');
    }
  }

  /** Privacy rule: a device's position is kept on a visit only once its timer expired, while its alarm is open. */
  async onLocation(event: DeviceEvent, device: DeviceConfig): Promise<void> {
    if (!event.location) return;
    for (const visit of this.deps.store.missedVisitsOfDevice(event.siteId, device.id)) {
      const alarm = await this.deps.alarmStore.getAlarm(visit.alarmId!);
      if (alarm && isOpen(alarm.state)) this.deps.store.locateVisit(visit.id, event.location, this.deps.clock.now());
    }
  }

  /** After a restart: re-arm reminders and deadlines; overdue ones act at once. */
  resume(): number {
    const open = this.deps.store.openVisits();
    for (const visit of open) this.schedule(visit);
    return open.length;
  }

  private schedule(visit: Visit): void {
    const { timers, directory, clock } = this.deps;
    if (visit.state === 'expiring') {
      timers.at(expiryKey(visit.id), clock.now(), () => this.expire(visit.id));
      return;
    }
    if (visit.state !== 'active') return;
    const reminderMs = loneWorkSettings(directory.site(visit.siteId)).checkinReminderMinutes * 60_000;
    const remindAt = visit.until - reminderMs;
    // No reminder when the whole visit is shorter than the reminder lead.
    if (reminderMs > 0 && visit.reminderSentAt === undefined && remindAt > visit.startedAt && remindAt < visit.until) {
      timers.at(reminderKey(visit.id), remindAt, () => this.remind(visit.id));
    } else {
      timers.cancel(reminderKey(visit.id));
    }
    timers.at(expiryKey(visit.id), visit.until, () => this.expire(visit.id));
  }

  private async remind(id: string): Promise<void> {
    const { store, clock, feedback, logger } = this.deps;
    const visit = store.visit(id);
    if (!visit || visit.state !== 'active' || visit.until <= clock.now()) return;
    if (!store.markReminded(id, clock.now())) return;
    if (visit.deviceId) feedback(visit.siteId, visit.deviceId, visit.id, 'reminder');
    logger.info({ visitId: id, deviceId: visit.deviceId, owner: visit.owner, until: new Date(visit.until).toISOString() }, 'check-in reminder: the visit is due soon');
  }

  private async expire(id: string): Promise<void> {
    const { store, alarms, clock, timers, logger } = this.deps;
    const visit = store.visit(id);
    if (!visit) return;
    if (visit.state === 'active') {
      if (visit.until > clock.now()) return this.schedule(visit); // moved meanwhile: a stale timer
      // active -> expiring first: a check-out arriving from here on no longer stops the alarm.
      if (!store.claimExpiry(id, clock.now())) return;
    } else if (visit.state !== 'expiring') {
      return;
    }
    timers.cancel(reminderKey(id));
    try {
      const { alarm } = await alarms.raise({
        siteId: visit.siteId,
        kind: 'no-checkin',
        ...(visit.deviceId ? { deviceId: visit.deviceId } : {}),
        dedupeKey: `visit:${id}`,
        detail: {
          person: visit.person,
          ...(visit.address ? { address: visit.address } : {}),
          note: `check-out was due at ${new Date(visit.until).toISOString()}`,
        },
      });
      store.markMissed(id, clock.now(), alarm.id);
      logger.warn({ visitId: id, alarmId: alarm.id, deviceId: visit.deviceId }, 'visit not checked out in time: no-checkin alarm raised');
    } catch (err) {
      logger.error({ err, visitId: id }, 'raising the no-checkin alarm failed; retrying');
      timers.at(expiryKey(id), clock.now() + RETRY_MS, () => this.expire(id));
    }
  }

  private checkUntil(siteId: string, until: number): void {
    const now = this.deps.clock.now();
    const maxHours = loneWorkSettings(this.deps.directory.site(siteId)).maxVisitHours;
    if (!Number.isFinite(until) || until <= now) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['until must be in the future']);
    if (until > now + maxHours * HOUR_MS) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`until must be within ${maxHours} hours`]);
  }

  /**
   * The end a device asked for, made safe: missing or beyond the site's maximum -> the maximum;
   * already past -> now, so the timer expires at once rather than never (fail-safe).
   */
  private deviceUntil(event: DeviceEvent, device: DeviceConfig): number {
    const now = this.deps.clock.now();
    const max = now + loneWorkSettings(this.deps.directory.site(event.siteId)).maxVisitHours * HOUR_MS;
    const asked = event.until === undefined ? Number.NaN : Date.parse(event.until);
    if (Number.isFinite(asked) && asked <= max) return Math.max(asked, now + 1);
    this.deps.logger.warn({ deviceId: device.id, until: event.until }, 'device check-in without a usable end: the site maximum applies');
    return max;
  }
}

const reminderKey = (id: string) => `visit-reminder:${id}`;
const expiryKey = (id: string) => `visit-expiry:${id}`;
