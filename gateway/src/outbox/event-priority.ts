import type { DeviceEventKind } from '@trygg/protocol';

/**
 * Send order of outbox events: a lower number goes first. Calls for help (and the wearer's own
 * cancel or man-down, which decide whether people run) before everything else; releases,
 * technical events, locations and lone-work timers after. Within a priority the outbox keeps
 * arrival order, so a press still precedes its own cancel.
 */
export const ALARM_PRIORITY = 0;
export const ROUTINE_PRIORITY = 1;

const ALARM_KINDS: ReadonlySet<DeviceEventKind> = new Set(['press', 'cancel', 'man-down']);

export function eventPriority(kind: DeviceEventKind): number {
  return ALARM_KINDS.has(kind) ? ALARM_PRIORITY : ROUTINE_PRIORITY;
}

/** The SQL twin of eventPriority, for rows stored before the priority column existed. */
export const ALARM_KINDS_SQL = [...ALARM_KINDS].map((k) => `'${k}'`).join(', ');
