/**
 * [DC-09 5.5.1.8] The timestamp `_HH:MM:SS,MM-DD-YYYY`, always UTC (GMT). Receivers reject
 * (NAK) encrypted messages whose timestamp lies outside their window, by default from 40 s
 * behind to 20 s ahead of their own clock; the NAK carries the receiver's time so the sender
 * can correct its own.
 */
const TIMESTAMP = /^_?(\d{2}):(\d{2}):(\d{2}),(\d{2})-(\d{2})-(\d{4})$/;

/** The receiver's acceptance window around its own clock, in seconds. */
export const DC09_TIMESTAMP_WINDOW = { behindS: 40, aheadS: 20 } as const;

/** Formats epoch milliseconds as `_HH:MM:SS,MM-DD-YYYY` in UTC (seconds truncated). */
export function formatDc09Timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `_${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())},${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${d.getUTCFullYear()}`;
}

/** Parses `_HH:MM:SS,MM-DD-YYYY` (the `_` optional) to epoch milliseconds, or null when invalid. */
export function parseDc09Timestamp(text: string): number | null {
  const m = TIMESTAMP.exec(text);
  if (!m) return null;
  const [hh, mi, ss, mo, dd, yyyy] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (hh > 23 || mi > 59 || ss > 59 || mo < 1 || mo > 12 || dd < 1 || dd > 31) return null;
  const ms = Date.UTC(yyyy, mo - 1, dd, hh, mi, ss);
  // Date.UTC rolls 31 April over into May; a real timestamp round-trips.
  return new Date(ms).getUTCDate() === dd ? ms : null;
}

/** Whether a message timestamp is inside the receiver's window around `receiverNow`. */
export function isDc09TimestampInWindow(timestampMs: number, receiverNow: number, window = DC09_TIMESTAMP_WINDOW): boolean {
  return timestampMs >= receiverNow - window.behindS * 1000 && timestampMs <= receiverNow + window.aheadS * 1000;
}
