// Every open alarm in one compact row each, newest first, at the top of the pop-up: what, where,
// how long ago, whether someone is coming. A row shows that alarm's card underneath.
import type { ConsoleAlarm } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import { formatDuration, kindLabel, placeLabel } from '../../state/format';
import { useNow } from '../parts/hooks';

export function AlarmList(props: { alarms: ConsoleAlarm[]; shownId: string; onPick: (id: string) => void }) {
  const now = useNow(1000);
  return (
    <nav class="alarm-rows" aria-label={t('overlay.listLabel')}>
      <ol>
        {props.alarms.map((a) => {
          const current = a.id === props.shownId;
          return (
            <li key={a.id}>
              <button type="button" class={`alarm-row state-${a.state}${a.drill ? ' drill' : ''}`} data-alarm-row={a.id}
                aria-current={current ? 'true' : undefined} onClick={() => props.onPick(a.id)}>
                {a.drill && <span class="badge badge-drill small">{t('popup.drill')}</span>}
                <strong class="alarm-row-kind">{kindLabel(a.kind)}</strong>
                <span class="alarm-row-place">{!(a.roomName || a.roomId) && a.address ? a.address : placeLabel(a)}</span>
                <span class="alarm-row-time">{t('overlay.rowTime', { time: formatDuration(now - Date.parse(a.raisedAt)) })}</span>
                <span class="alarm-row-state">
                  {a.responders.length > 0 ? t('overlay.rowComing', { count: a.responders.length })
                    : a.state === 'raised' ? t('overlay.rowNobody') : t('overlay.rowAcknowledged')}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
