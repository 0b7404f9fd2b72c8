// Response times of an alarm from its timeline: how long until someone acknowledged it, and until
// someone said "I'm coming". Both are what drills and incident reviews look at.
import type { AlarmResource, TimelineEvent } from '@trygg/protocol';

export interface ResponseTimes {
  toAcknowledgeMs: number | null;
  toRespondingMs: number | null;
  toResolveMs: number | null;
}

export function responseTimes(timeline: TimelineEvent[]): ResponseTimes {
  const raised = timeline.find((e) => e.type === 'raised');
  const first = (types: string[]) => timeline.find((e) => types.includes(e.type));
  const since = (e: TimelineEvent | undefined) => (raised && e ? Date.parse(e.at) - Date.parse(raised.at) : null);
  // "I'm coming" also counts as acknowledging when nobody acknowledged first.
  return {
    toAcknowledgeMs: since(first(['acknowledged', 'responding'])),
    toRespondingMs: since(first(['responding'])),
    toResolveMs: since(first(['resolved', 'cancelled'])),
  };
}

/** Drills and alarms resolved as "test or drill": reported apart, never in the real figures. */
export function isDrillOrTest(alarm: Pick<AlarmResource, 'drill' | 'outcome'>): boolean {
  return alarm.drill || alarm.outcome === 'test';
}

/** A real alarm of a person: what response times and the false-alarm rate are about (as the server's statistics). */
export function isRealAlarm(alarm: Pick<AlarmResource, 'drill' | 'outcome' | 'kind'>): boolean {
  return alarm.kind !== 'technical' && !isDrillOrTest(alarm);
}

/** Time to acknowledge from the list resource alone (no timeline needed). */
export function timeToAcknowledge(alarm: AlarmResource): number | null {
  return alarm.acknowledgedAt ? Date.parse(alarm.acknowledgedAt) - Date.parse(alarm.raisedAt) : null;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
