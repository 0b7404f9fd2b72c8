import type { AlarmCursor } from '../../store/store';

/**
 * The `before` / `next` cursor of `GET /api/v1/alarms`: `<raisedAt ms>_<alarm id>` of the last
 * alarm on a page. Opaque to clients; the pattern is checked by the route's schema
 * (ALARM_CURSOR_PATTERN in protocol/src/api/alarms.ts).
 */

export function formatAlarmCursor(cursor: AlarmCursor): string {
  return `${cursor.raisedAt}_${cursor.id}`;
}

export function parseAlarmCursor(text: string): AlarmCursor {
  const at = text.indexOf('_');
  return { raisedAt: Number(text.slice(0, at)), id: text.slice(at + 1) };
}
