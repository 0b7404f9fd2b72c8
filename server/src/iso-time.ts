/**
 * A time in milliseconds since the epoch as ISO 8601 in UTC: the form of every time in API
 * answers, reports and messages. A missing time stays missing as it came (`null` stays `null`,
 * `undefined` leaves the field out of the JSON), so each caller keeps its own answer's shape.
 */
export function iso(ms: number): string;
export function iso(ms: number | undefined): string | undefined;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null | undefined): string | null | undefined {
  return ms === null || ms === undefined ? ms : new Date(ms).toISOString();
}
