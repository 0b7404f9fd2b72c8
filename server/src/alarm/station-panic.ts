import type { PanicFeedbackAction } from '@trygg/protocol';
import type { Alarm } from './alarm-types';
import { pressConfirmationAction } from './device-confirmation';

/**
 * A console's own panic button raises an alarm keyed by its station: one open alarm per station
 * (a second press folds in), and the key names the station that pressed, so the feedback a
 * hardware button gets on its LED (stored, help coming, over) can go back to that station only.
 */
export function stationPanicKey(stationId: string): string {
  return `station-panic:${stationId}`;
}

/** The station whose panic button raised `alarm`, if one did. */
export function panicStationOf(alarm: Pick<Alarm, 'dedupeKey' | 'deviceId'>): string | undefined {
  const prefix = 'station-panic:';
  if (alarm.deviceId !== undefined || !alarm.dedupeKey?.startsWith(prefix)) return undefined;
  return alarm.dedupeKey.slice(prefix.length) || undefined;
}

/** The device feedback actions a pressing station hears; the rest (pre-alarm, reminder) are a device's own. */
export function asPanicFeedback(action: string): PanicFeedbackAction | undefined {
  return action === 'received' || action === 'help-coming' || action === 'resolved' || action === 'cancelled' ? action : undefined;
}

/** What a station that (re)connects hears about its open panic alarm: the same rule a device's confirmation follows. */
export function currentPanicFeedback(alarm: Alarm): PanicFeedbackAction {
  return asPanicFeedback(pressConfirmationAction(alarm)) ?? 'received';
}
