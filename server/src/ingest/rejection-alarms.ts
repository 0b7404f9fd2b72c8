import { DEVICE_EVENT_KINDS, isValidId } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import type { OfficeDirectory } from '../config/office-directory';
import type { Metrics } from '../metrics/metrics';

/** A rejection of the same kind from the same device is raised again at most this often. */
export const REJECTION_ALARM_INTERVAL_MS = 10 * 60_000;
/** Kinds whose loss is someone's alarm lost: a press, and the man-down that starts a pre-alarm. */
const ALARMING_KINDS: ReadonlySet<string> = new Set(['press', 'man-down']);
/** Bound on remembered (site, subject, reason) keys; the oldest is forgotten first. */
const MAX_REMEMBERED = 10_000;

export interface RejectedEvent {
  siteId: string;
  gatewayId: string;
  eventId?: string;
  /** As far as it could be read from the payload (a schema failure may leave it unknown). */
  deviceId?: string;
  kind?: string;
  /** The receipt's rejection reason: `schema`, `wrong-site`, `unknown-device`, ... */
  reason: string;
}

/**
 * Safety rule "a rejected press is never silence": when the server refuses a press, the person
 * who pressed gets no confirmation and nobody else would know. A technical alarm goes to the
 * site's security contacts instead (its technical chain, like supervision's), one per device and
 * reason while it stays open, raised again at most every REJECTION_ALARM_INTERVAL_MS so a
 * device re-sending the same bad press cannot flood the consoles. For a site the server does
 * not know there is nobody to tell: logged and counted only.
 */
export class RejectionAlarms {
  private readonly lastRaised = new Map<string, number>();

  constructor(private readonly deps: {
    alarms: AlarmService;
    directory: OfficeDirectory;
    metrics: Metrics;
    logger: Logger;
    now: () => number;
  }) {}

  /** Never throws and never waits on the caller's path: the receipt must not wait for this. */
  report(event: RejectedEvent): void {
    if (!alarming(event.kind)) return;
    const { directory, metrics, logger, now } = this.deps;
    const detail = { siteId: event.siteId, gatewayId: event.gatewayId, deviceId: event.deviceId, eventId: event.eventId, kind: event.kind, reason: event.reason };
    if (!directory.site(event.siteId)) {
      metrics.pressesRejected.inc({ reason: event.reason, told: 'nobody' });
      logger.error(detail, 'PRESS REJECTED for a site this server does not know: nobody can be told');
      return;
    }
    const device = event.deviceId && isValidId(event.deviceId) ? directory.device(event.siteId, event.deviceId) : undefined;
    // Per configured device; an unknown or unreadable device id counts for its gateway, so a
    // flood of made-up ids is one alarm, not thousands.
    const subject = device ? device.id : `gateway ${event.gatewayId}`;
    const key = `event-rejected:${device ? device.id : `gateway:${event.gatewayId}`}:${event.reason}`;
    const at = now();
    const last = this.lastRaised.get(`${event.siteId}\u0000${key}`);
    if (last !== undefined && at - last < REJECTION_ALARM_INTERVAL_MS) {
      metrics.pressesRejected.inc({ reason: event.reason, told: 'recently' });
      logger.warn(detail, 'press rejected again; its technical alarm was raised recently');
      return;
    }
    this.remember(`${event.siteId}\u0000${key}`, at);
    metrics.pressesRejected.inc({ reason: event.reason, told: 'technical-alarm' });
    // Warn, not error: it is handled, loudly, by the technical alarm. Error is for "nobody told".
    logger.warn(detail, 'PRESS REJECTED by the server: raising a technical alarm');
    this.deps.alarms.raise({
      siteId: event.siteId,
      kind: 'technical',
      // No deviceId: a device has at most one open alarm, and its next press must raise (or fold
      // into) its own panic alarm, never fold into this one. The device is the alarm's subject.
      roomId: device?.roomId,
      dedupeKey: key,
      detail: {
        technical: { cause: 'event-rejected', subject },
        note: `a ${event.kind ?? 'device event'} from device ${event.deviceId && isValidId(event.deviceId) ? event.deviceId : '(unreadable id)'} via gateway ${event.gatewayId} was rejected (${event.reason}) and raised no alarm; check the device and gateway configuration`,
      },
    }).catch((err: unknown) => {
      // Forget it, so the next re-send of the press tries to raise it again.
      this.lastRaised.delete(`${event.siteId}\u0000${key}`);
      logger.error({ err, ...detail }, 'raising the technical alarm for a rejected press failed');
    });
  }

  private remember(key: string, at: number): void {
    this.lastRaised.delete(key);
    this.lastRaised.set(key, at);
    if (this.lastRaised.size > MAX_REMEMBERED) {
      const oldest = this.lastRaised.keys().next().value;
      if (oldest !== undefined) this.lastRaised.delete(oldest);
    }
  }
}

/** A press or man-down, or a kind that could not be read (it may have been one): never assume harmless. */
function alarming(kind: string | undefined): boolean {
  if (kind === undefined || !(DEVICE_EVENT_KINDS as readonly string[]).includes(kind)) return true;
  return ALARMING_KINDS.has(kind);
}
