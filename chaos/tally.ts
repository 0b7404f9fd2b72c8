import type { SeenPopup } from './console-watch';
import { counts, type PressRecord } from './press-record';
import type { StoredAlarm, StoredState } from './stored-state';
import type { ReceivedNotification } from './webhook-sink';

export interface StationPopups {
  stationId: string;
  popups: readonly SeenPopup[];
}

export interface PressProblem {
  press: PressRecord;
  problem: 'lost' | 'duplicated-alarm' | 'duplicated-popup';
  alarmIds: string[];
  detail?: string;
}

export interface TransportFigures {
  presses: number;
  counted: number;
  stored: number;
  notTaken: Record<string, number>;
  /** Never confirmed, never refused: the device was still trying when the run ended. */
  unconfirmed: number;
}

export interface Tally {
  presses: number;
  counted: number;
  lost: number;
  duplicated: number;
  problems: PressProblem[];
  perTransport: Record<string, TransportFigures>;
  /** ms from press to the server's first stored event of it, over every stored press. */
  pressToStored: number[];
  /** Press events stored under more than one event id (folded into one alarm, but still a repeat). */
  extraEvents: number;
  /** Alarms of our presses that no console ever showed. */
  neverShown: StoredAlarm[];
  /** Alarms of our presses that the webhook never heard of (purpose `alarm`). */
  neverNotified: StoredAlarm[];
  /** Distinct notification ids for the same alarm and purpose beyond the first (the party sees it twice). */
  duplicateNotifications: number;
  /** Deliveries of a notification id already delivered (retries; the id lets the party drop them). */
  notificationRetries: number;
  /** Longest time inside the press window with no press stored, and when it began. */
  longestGap: { ms: number; from: number };
}

/**
 * The verdict of a run. A press that counts (confirmed to its device, or handed over by a device
 * that cannot retransmit) is lost unless it became exactly one alarm; any press is duplicated if
 * it became two alarms, or if one console connection was shown its alarm twice.
 */
export function tally(presses: readonly PressRecord[], stored: StoredState, stations: readonly StationPopups[], notifications: readonly ReceivedNotification[], window: { from: number; to: number }): Tally {
  const alarmsByDevice = groupBy(stored.alarms, (a) => a.deviceId);
  const eventsByDevice = groupBy(stored.pressEvents, (e) => e.deviceId);
  const problems: PressProblem[] = [];
  const perTransport: Record<string, TransportFigures> = {};
  const pressToStored: number[] = [];
  let extraEvents = 0;
  const pressedDevices = new Set(presses.map((p) => p.deviceId));

  // Pop-ups: per station and connection, each alarm at most once.
  const popupsByAlarm = new Map<string, number>();
  const repeatedPopups = new Map<string, string>();
  for (const station of stations) {
    const seen = new Set<string>();
    for (const p of station.popups) {
      popupsByAlarm.set(p.alarmId, (popupsByAlarm.get(p.alarmId) ?? 0) + 1);
      const key = `${p.connection}/${p.alarmId}`;
      if (seen.has(key)) repeatedPopups.set(p.alarmId, `${station.stationId} connection ${p.connection}`);
      seen.add(key);
    }
  }

  for (const press of presses) {
    const t = (perTransport[press.transport] ??= { presses: 0, counted: 0, stored: 0, notTaken: {}, unconfirmed: 0 });
    t.presses++;
    if (counts(press)) t.counted++;
    else if (press.notTaken) t.notTaken[press.notTaken] = (t.notTaken[press.notTaken] ?? 0) + 1;
    else t.unconfirmed++;
    const alarms = alarmsByDevice.get(press.deviceId) ?? [];
    const events = eventsByDevice.get(press.deviceId) ?? [];
    if (events.length > 0) {
      t.stored++;
      pressToStored.push(Math.min(...events.map((e) => e.receivedAt)) - press.pressedAt);
      extraEvents += events.length - 1;
    }
    const alarmIds = alarms.map((a) => a.id);
    if (alarms.length > 1) problems.push({ press, problem: 'duplicated-alarm', alarmIds });
    else if (counts(press) && alarms.length === 0) {
      problems.push({ press, problem: 'lost', alarmIds, detail: events.length > 0 ? `${events.length} event(s) stored without an alarm` : 'no event stored' });
    } else if (alarms.length === 1 && repeatedPopups.has(alarmIds[0]!)) {
      problems.push({ press, problem: 'duplicated-popup', alarmIds, detail: repeatedPopups.get(alarmIds[0]!) });
    }
  }

  const ourAlarms = stored.alarms.filter((a) => pressedDevices.has(a.deviceId));
  const neverShown = ourAlarms.filter((a) => !popupsByAlarm.has(a.id));
  const notified = groupBy(notifications.filter((n) => n.purpose === 'alarm' && n.alarmId !== undefined), (n) => n.alarmId!);
  const neverNotified = ourAlarms.filter((a) => !notified.has(a.id));
  let duplicateNotifications = 0;
  let notificationRetries = 0;
  for (const list of groupBy(notifications.filter((n) => n.alarmId !== undefined), (n) => `${n.alarmId}/${n.purpose}`).values()) {
    const ids = new Set(list.map((n) => n.id));
    duplicateNotifications += ids.size - 1;
    notificationRetries += list.length - ids.size;
  }

  const storedTimes = stored.pressEvents.map((e) => e.receivedAt).filter((t) => t >= window.from && t <= window.to).sort((a, b) => a - b);
  let longestGap = { ms: 0, from: window.from };
  let previous = window.from;
  for (const t of [...storedTimes, window.to]) {
    if (t - previous > longestGap.ms) longestGap = { ms: t - previous, from: previous };
    previous = t;
  }

  const lost = problems.filter((p) => p.problem === 'lost').length;
  return {
    presses: presses.length,
    counted: presses.filter(counts).length,
    lost,
    duplicated: problems.length - lost,
    problems,
    perTransport,
    pressToStored,
    extraEvents,
    neverShown,
    neverNotified,
    duplicateNotifications,
    notificationRetries,
    longestGap,
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
