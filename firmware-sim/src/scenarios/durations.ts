/**
 * Times in scenario files: a step's `at` and `every` are durations from the start ("0s", "2.5s",
 * "500ms", "1m30s", "2h"); a check-in's `until` is relative to its step ("+30m") or a UTC time.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The pattern the scenario schema checks durations against (the parser below agrees with it). */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h))+$';
export const UNTIL_PATTERN = '^(\\+(\\d+(\\.\\d+)?(ms|s|m|h))+|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z)$';

/** Milliseconds of "1m30s", or null when it is not a duration. */
export function parseDuration(text: string): number | null {
  if (!new RegExp(DURATION_PATTERN).test(text)) return null;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(ms);
}

/** A check-in end: so long after the step runs, or a fixed time. */
export type Until = { inMs: number } | { at: string };

export function parseUntil(text: string): Until | null {
  if (text.startsWith('+')) {
    const ms = parseDuration(text.slice(1));
    return ms === null || ms <= 0 ? null : { inMs: ms };
  }
  return new RegExp(UNTIL_PATTERN).test(text) && !Number.isNaN(Date.parse(text)) ? { at: text } : null;
}

/** The absolute end of `until` for a step run at `now` (ms since the epoch). */
export function untilAt(until: Until, now: number): string {
  return 'at' in until ? until.at : new Date(now + until.inMs).toISOString();
}

/** "12.35 s" for timeline lines. */
export function formatOffset(ms: number): string {
  return `${(ms / 1000).toFixed(2).padStart(7)} s`;
}
