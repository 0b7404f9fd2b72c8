import type { AlarmStateName } from '@trygg/protocol';

export type { AlarmStateName };
export type UntilStateRank = 'acknowledged' | 'responding' | 'resolved';

// Cancelled counts as fully handled: nobody needs to be woken for a cancelled alarm.
const rank: Record<AlarmStateName, number> = { raised: 0, acknowledged: 1, responding: 2, resolved: 3, cancelled: 3 };

export function reached(state: AlarmStateName, until: UntilStateRank): boolean {
  return rank[state] >= rank[until];
}

export function isOpen(state: AlarmStateName): boolean {
  return state !== 'resolved' && state !== 'cancelled';
}
