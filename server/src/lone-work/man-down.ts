import { randomUUID } from 'node:crypto';
import type { Clock, DeviceEvent } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import type { CancelDecision } from '../alarm/device-event-handler';
import type { OfficeDirectory } from '../config/office-directory';
import type { DeviceConfig } from '../config/types';
import type { SendFeedback } from './device-feedback';
import { loneWorkSettings, personFor } from './lone-work-settings';
import type { LoneWorkStore, PreAlarm } from './lone-work-store';
import type { TaskTimers } from './task-timers';

const RETRY_MS = 5_000;
const timerKey = (id: string) => `pre-alarm:${id}`;

/**
 * Man-down: a portable alarm reports a fall or no movement -> pre-alarm (the device vibrates,
 * the wearer may cancel) -> after `manDownPreAlarmSeconds` a `man-down` alarm with the person
 * and the location of the event. The deadline is stored, so a restart mid-window raises the
 * alarm on time, or at once when it is overdue.
 */
export class ManDownMonitor {
  constructor(private readonly deps: {
    store: LoneWorkStore;
    alarms: AlarmService;
    directory: OfficeDirectory;
    clock: Clock;
    timers: TaskTimers;
    feedback: SendFeedback;
    logger: Logger;
  }) {}

  async onManDown(event: DeviceEvent, device: DeviceConfig): Promise<void> {
    const { store, clock, directory, logger } = this.deps;
    const settings = loneWorkSettings(directory.site(event.siteId));
    const now = clock.now();
    const pre = store.startPreAlarm({
      id: randomUUID(), siteId: event.siteId, deviceId: device.id, startedAt: now,
      deadline: now + settings.manDownPreAlarmSeconds * 1000, ...(event.location ? { location: event.location } : {}),
    });
    if (!pre) {
      logger.info({ deviceId: device.id, eventId: event.eventId }, 'man-down while a pre-alarm runs: folded into it');
      return;
    }
    logger.warn({ preAlarmId: pre.id, deviceId: device.id, deadline: new Date(pre.deadline).toISOString() }, 'man-down: pre-alarm started');
    if (settings.manDownPreAlarmSeconds === 0) return this.expire(pre.id);
    this.deps.feedback(pre.siteId, pre.deviceId, pre.id, 'pre-alarm');
    this.arm(pre);
  }

  /** A cancel typed on the device while a pre-alarm runs; `decision` is the PIN check's verdict. */
  async onCancel(event: DeviceEvent, device: DeviceConfig, decision: CancelDecision): Promise<void> {
    const { store, clock, timers, logger, feedback } = this.deps;
    const pre = store.runningPreAlarm(event.siteId, device.id);
    if (!pre || pre.state !== 'pending') return;
    if (decision === 'ignore') {
      logger.warn({ preAlarmId: pre.id, deviceId: device.id }, 'pre-alarm cancel refused: wrong or missing PIN; the pre-alarm goes on');
      return;
    }
    if (decision === 'cancel') {
      if (!store.closePreAlarm(pre.id, 'pending', 'cancelled', 'device', clock.now())) return; // the deadline won
      timers.cancel(timerKey(pre.id));
      feedback(pre.siteId, pre.deviceId, pre.id, 'cancelled');
      logger.info({ preAlarmId: pre.id, deviceId: device.id }, 'man-down pre-alarm cancelled on the device');
      return;
    }
    // Safety rule "covert duress": the device shows "cancelled", the alarm is raised at once.
    if (!store.claimPreAlarm(pre.id, 'duress')) return;
    timers.cancel(timerKey(pre.id));
    feedback(pre.siteId, pre.deviceId, pre.id, 'cancelled');
    logger.warn({ preAlarmId: pre.id, deviceId: device.id }, 'man-down pre-alarm cancelled with the duress PIN: alarm raised silently');
    await this.expire(pre.id);
  }

  /** After a restart: re-arm running pre-alarms; overdue ones raise their alarm at once. */
  resume(): number {
    const unfinished = this.deps.store.unfinishedPreAlarms();
    for (const pre of unfinished) this.arm(pre);
    return unfinished.length;
  }

  private arm(pre: PreAlarm): void {
    this.deps.timers.at(timerKey(pre.id), pre.state === 'raising' ? this.deps.clock.now() : pre.deadline, () => this.expire(pre.id));
  }

  private async expire(id: string): Promise<void> {
    const { store, alarms, directory, clock, timers, logger } = this.deps;
    let pre = store.preAlarm(id);
    // pending -> raising first: a cancel arriving from here on no longer stops the alarm.
    if (pre?.state === 'pending') pre = store.claimPreAlarm(id, 'expired') ? store.preAlarm(id) : undefined;
    if (pre?.state !== 'raising') return;
    const covert = pre.closedBy === 'duress';
    const device = directory.device(pre.siteId, pre.deviceId);
    const locatedRoom = directory.room(pre.siteId, pre.location?.roomId)?.id;
    try {
      const { alarm } = await alarms.raise({
        siteId: pre.siteId,
        kind: 'man-down',
        // A covert alarm is not linked to the device: its "received" feedback would give it away.
        ...(covert ? {} : { deviceId: pre.deviceId }),
        roomId: locatedRoom ?? device?.roomId,
        dedupeKey: `man-down:${pre.id}`,
        detail: {
          person: device ? personFor(device) : pre.deviceId,
          ...(pre.location ? { location: pre.location } : {}),
          ...(covert ? { note: `pre-alarm cancelled on device ${pre.deviceId} with the duress PIN` } : {}),
        },
      });
      store.closePreAlarm(id, 'raising', 'raised', covert ? 'duress' : 'expired', clock.now(), alarm.id);
      logger.warn({ preAlarmId: id, alarmId: alarm.id, deviceId: pre.deviceId, covert }, 'man-down alarm raised');
    } catch (err) {
      // Never drop it: the pre-alarm stays `raising` (a restart also retries) and is tried again.
      logger.error({ err, preAlarmId: id }, 'raising the man-down alarm failed; retrying');
      timers.at(timerKey(id), clock.now() + RETRY_MS, () => this.expire(id));
    }
  }
}
