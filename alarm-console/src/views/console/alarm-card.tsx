// One alarm in the full-window pop-up: what, where, who, how long, what to do, who is coming,
// and the one-click answers. Every control is a native button or select (Tab, Enter, Space).
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleAlarm, UserOutcome as ResolveOutcome, SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AlarmAction } from '../../state/console-controller';
import { formatClock, formatCoordinates, formatDuration, kindLabel, placeLabel, stateLabel } from '../../state/format';
import { useNow } from '../parts/hooks';
import { ActionCard } from './action-card';
import { SentSoFar } from './sent-so-far';
import { FloorPlan, floorPlanFor } from './floor-plan';

export interface AlarmCardProps {
  alarm: ConsoleAlarm;
  site: SiteView | undefined;
  userName: string | undefined;
  /** Changes with every refused action: the buttons become usable again. */
  errorSeq: number;
  onAction: (alarmId: string, action: AlarmAction, outcome?: ResolveOutcome) => boolean;
}

export function AlarmCard(props: AlarmCardProps) {
  const { alarm: a, site, userName, errorSeq, onAction } = props;
  const now = useNow(1000);
  const [pending, setPending] = useState<AlarmAction[]>([]);
  const [message, setMessage] = useState('');
  const [outcome, setOutcome] = useState<ResolveOutcome | ''>('');
  // The server answered (an update) or refused (an error): the buttons are live again.
  useEffect(() => {
    setPending([]);
    setMessage('');
  }, [a.updatedAt, errorSeq]);

  const send = (action: AlarmAction) => {
    if (action === 'resolve' && !outcome) return;
    if (onAction(a.id, action, outcome || undefined)) {
      setPending([...pending, action]);
      setMessage(t('popup.sent'));
    } else {
      setMessage(t('popup.offline'));
    }
  };

  const iResponded = userName !== undefined && a.responders.includes(userName);
  const headingId = `alarm-${a.id}-kind`;
  const tz = site?.timezone;
  const raisedAt = Date.parse(a.raisedAt);
  const plan = floorPlanFor(site, a.roomId, a.floor);
  const portable = a.person || a.address || a.location;
  // A portable alarm away from the office: the address is where help must go.
  const inRoom = Boolean(a.roomName || a.roomId);
  const place = !inRoom && a.address ? a.address : placeLabel(a);

  return (
    <article class={`alarm-card state-${a.state}${a.drill ? ' drill' : ''}${a.duress ? ' duress' : ''}`} data-alarm-id={a.id} data-device-id={a.deviceId} aria-labelledby={headingId}>
      <div class="alarm-main">
        <p class="alarm-meta">
          {a.drill && <span class="badge badge-drill">{t('popup.drill')}</span>}
          {a.duress && <span class="badge badge-duress">{t('popup.duress')}</span>}
          <span class="alarm-state">{stateLabel(a.state)}</span>
        </p>
        <h2 class="alarm-kind" id={headingId}>{kindLabel(a.kind)}</h2>
        <p class="alarm-place">{place}</p>
        {a.duress && <p class="alarm-duress-text">{t('popup.duressText')}</p>}
        {portable && (
          <div class="alarm-person">
            {a.person && <p>{t('popup.person', { person: a.person })}</p>}
            {a.address && inRoom && <p>{t('popup.address', { address: a.address })}</p>}
            {a.deviceId && !inRoom && <p>{t('popup.device', { device: a.deviceId })}</p>}
            {a.location?.lat !== undefined && a.location.lon !== undefined && (
              <p>
                {t('popup.position', { position: formatCoordinates(a.location.lat, a.location.lon) })}
                {a.location.accuracyM !== undefined && ` ${t('popup.accuracy', { metres: Math.round(a.location.accuracyM) })}`}
              </p>
            )}
          </div>
        )}
        <p class="alarm-elapsed">
          {t('popup.elapsed', { time: formatDuration(now - raisedAt), clock: formatClock(raisedAt, tz) })}
        </p>
        {a.pressCount > 1 && <p class="alarm-presses">{t('popup.pressCount', { count: a.pressCount })}</p>}
        <p class="alarm-responders">
          {a.responders.length > 0 ? t('popup.responders', { names: a.responders.join(', ') }) : t('popup.noResponders')}
        </p>
        {a.acknowledgedBy && <p class="alarm-acked">{t('popup.acknowledgedBy', { name: a.acknowledgedBy })}</p>}
        {a.onSceneAt && <p class="alarm-acked" data-testid="on-scene">{t('popup.onSceneAt', { clock: formatClock(a.onSceneAt, tz) })}</p>}

        <div class="alarm-actions">
          <button type="button" class="primary" data-action="respond" aria-disabled={iResponded || pending.includes('respond')}
            onClick={() => !iResponded && !pending.includes('respond') && send('respond')}>
            {iResponded ? t('popup.responded') : t('popup.respond')}
          </button>
          {iResponded && !a.onSceneAt && (
            <button type="button" class="secondary" data-action="on-scene" aria-disabled={pending.includes('on-scene')}
              onClick={() => !pending.includes('on-scene') && send('on-scene')}>
              {t('popup.onScene')}
            </button>
          )}
          <button type="button" class="secondary" data-action="acknowledge" aria-disabled={a.state !== 'raised' || pending.includes('acknowledge')}
            onClick={() => a.state === 'raised' && !pending.includes('acknowledge') && send('acknowledge')}>
            {a.state === 'raised' ? t('popup.acknowledge') : t('popup.acknowledged')}
          </button>
          <div class="alarm-resolve">
            <label>
              <span>{t('popup.outcome')}</span>
              <select data-action="outcome" value={outcome} onChange={(e) => setOutcome((e.currentTarget as HTMLSelectElement).value as ResolveOutcome | '')}>
                <option value="">{t('popup.outcomeChoose')}</option>
                <option value="real">{t('outcome.real')}</option>
                <option value="false">{t('outcome.false')}</option>
                <option value="test">{t('outcome.test')}</option>
              </select>
            </label>
            <button type="button" class="secondary" data-action="resolve" aria-disabled={!outcome || pending.includes('resolve')}
              onClick={() => outcome && !pending.includes('resolve') && send('resolve')}>
              {t('popup.resolve')}
            </button>
          </div>
        </div>
        <p class="alarm-message" role="status">{message}</p>
        <SentSoFar alarmId={a.id} />
      </div>
      {(a.actionCard || plan) && (
        <div class="alarm-side">
          {plan && <FloorPlan {...plan} />}
          {a.actionCard && <ActionCard card={a.actionCard} headingId={`alarm-${a.id}-card`} drill={a.drill} />}
        </div>
      )}
    </article>
  );
}
