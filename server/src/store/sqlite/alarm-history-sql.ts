import { OPEN_ALARM_STATES } from '@trygg/protocol';
import type { AlarmFilter } from '../store';

/** Most rows one history page may ask for. */
export const MAX_HISTORY_PAGE = 1000;

const OPEN_STATES_SQL = OPEN_ALARM_STATES.map((s) => `'${s}'`).join(', ');

/**
 * The alarm list as one keyset-paginated query, newest first: ORDER BY raised_at DESC, id DESC
 * (id breaks ties between alarms raised in the same millisecond), and a page after `before`
 * continues strictly below that (raised_at, id). The indexes of migration 3 serve the order,
 * so a page reads its own rows and never sorts the table. Null: nothing can match.
 */
export function alarmHistoryQuery(filter: AlarmFilter): { sql: string; params: (string | number)[] } | null {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.state === 'open') where.push(`state IN (${OPEN_STATES_SQL})`);
  else if (filter.state) { where.push('state = ?'); params.push(filter.state); }
  if (filter.siteIds) {
    if (filter.siteIds.length === 0) return null;
    where.push(`site_id IN (${filter.siteIds.map(() => '?').join(', ')})`);
    params.push(...filter.siteIds);
  }
  if (filter.before) {
    where.push('(raised_at, id) < (?, ?)');
    params.push(filter.before.raisedAt, filter.before.id);
  }
  params.push(Math.max(1, Math.min(filter.limit ?? 100, MAX_HISTORY_PAGE)));
  return {
    sql: `SELECT data FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id DESC LIMIT ?`,
    params,
  };
}
