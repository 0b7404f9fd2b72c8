import type { Alarm } from '../../alarm/alarm-types';

/**
 * Response-time statistics of real alarms per calendar month of the site's time zone. Pure.
 *
 * - Counted ("real alarms"): alarms of people (every kind but `technical`) that are not drills and
 *   were not resolved with outcome `test` ("test or drill"), by raise time. Drills and alarms
 *   resolved as a test are counted separately (`drillAlarms`, `testAlarms`) and are in no time
 *   or rate; self-test presses (test mode) never become alarms (`deviceTests`).
 * - Time to first acknowledgement: raise -> `acknowledged` (or the first "I'm coming").
 * - Time to respond: raise -> first `responding` ("I'm coming").
 * - Time to "on scene": raise -> arrival marked by a responder (`on-scene`); alarms where nobody
 *   marked arrival are not in it (their count is `onScene`), see docs/drills-meetings-banned-clients.md.
 * - False-alarm rate: alarms resolved with outcome `false` / the counted alarms of the month
 *   (`alarms`, the same set as the times beside it).
 * - Device test coverage: devices of the site with at least one passed self-test in the month /
 *   the site's devices (supervision's self-test records); null where that data is unavailable.
 */
export interface Durations {
  count: number;
  median: number | null;
  mean: number | null;
  max: number | null;
}

export interface MonthStatistics {
  month: string;
  alarms: number;
  byKind: Record<string, number>;
  acknowledged: number;
  secondsToAcknowledge: Durations;
  responding: number;
  secondsToResponding: Durations;
  onScene: number;
  secondsToOnScene: Durations;
  falseAlarms: number;
  falseAlarmRate: number | null;
  /** Drill alarms of the month (not in the figures above). */
  drillAlarms: number;
  /** Alarms that were not drills but were resolved as "test or drill" (not in the figures above). */
  testAlarms: number;
  deviceTests: { devices: number; tested: number; coverage: number | null } | null;
}

export interface StatisticsInput {
  alarms: Alarm[];
  from: number;
  to: number;
  timeZone: string;
  deviceIds: string[];
  /** Passed self-tests (site's devices); undefined when supervision's records cannot be read. */
  tests?: { deviceId: string; testedAt: number }[];
}

export function monthKey(t: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(new Date(t));
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

export function durations(values: number[]): Durations {
  if (values.length === 0) return { count: 0, median: null, mean: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { count: sorted.length, median: round(median), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length), max: round(sorted[sorted.length - 1]!) };
}

export function monthlyStatistics(input: StatisticsInput): MonthStatistics[] {
  const { from, to, timeZone } = input;
  const months = monthsBetween(monthKey(from, timeZone), monthKey(Math.max(from, to - 1), timeZone));
  const buckets = new Map(months.map((m) => [m, { alarms: [] as Alarm[], drills: 0, tests: 0, tested: new Set<string>() }]));
  for (const alarm of input.alarms) {
    if (alarm.raisedAt < from || alarm.raisedAt >= to || alarm.kind === 'technical') continue;
    const bucket = buckets.get(monthKey(alarm.raisedAt, timeZone));
    if (!bucket) continue;
    if (alarm.drill) bucket.drills += 1;
    else if (alarm.outcome === 'test') bucket.tests += 1;
    else bucket.alarms.push(alarm);
  }
  const devices = new Set(input.deviceIds);
  for (const test of input.tests ?? []) {
    if (test.testedAt < from || test.testedAt >= to || !devices.has(test.deviceId)) continue;
    buckets.get(monthKey(test.testedAt, timeZone))?.tested.add(test.deviceId);
  }
  return months.map((month) => {
    const b = buckets.get(month)!;
    const byKind: Record<string, number> = {};
    for (const a of b.alarms) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
    const ack = b.alarms.flatMap((a) => (a.acknowledgedAt !== undefined ? [(a.acknowledgedAt - a.raisedAt) / 1000] : []));
    const responding = b.alarms.flatMap((a) => (a.responders[0] ? [(a.responders[0].at - a.raisedAt) / 1000] : []));
    const scene = b.alarms.flatMap((a) => (a.onSceneAt !== undefined ? [(a.onSceneAt - a.raisedAt) / 1000] : []));
    const falseAlarms = b.alarms.filter((a) => a.outcome === 'false').length;
    return {
      month,
      alarms: b.alarms.length,
      byKind,
      acknowledged: ack.length,
      secondsToAcknowledge: durations(ack),
      responding: responding.length,
      secondsToResponding: durations(responding),
      onScene: scene.length,
      secondsToOnScene: durations(scene),
      falseAlarms,
      falseAlarmRate: b.alarms.length > 0 ? Math.round((falseAlarms / b.alarms.length) * 10000) / 10000 : null,
      drillAlarms: b.drills,
      testAlarms: b.tests,
      deviceTests: input.tests === undefined ? null : {
        devices: devices.size, tested: b.tested.size, coverage: devices.size > 0 ? Math.round((b.tested.size / devices.size) * 10000) / 10000 : null,
      },
    };
  });
}
