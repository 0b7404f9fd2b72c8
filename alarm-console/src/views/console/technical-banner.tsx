// Technical alarms (a device offline, a low battery, a gateway down) are not emergencies: a calm
// banner under the top bar, no siren, no full-window pop-up.
import type { ConsoleAlarm, UserOutcome as ResolveOutcome, SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AlarmAction } from '../../state/console-controller';
import { formatClock, placeLabel, technicalCauseLabel } from '../../state/format';

export function TechnicalBanner(props: {
  alarms: ConsoleAlarm[];
  sites: SiteView[];
  onAction: (alarmId: string, action: AlarmAction, outcome?: ResolveOutcome) => boolean;
}) {
  if (props.alarms.length === 0) return null;
  return (
    <section class="technical-banner" aria-labelledby="technical-heading">
      <h2 id="technical-heading">{t('technical.heading', { count: props.alarms.length })}</h2>
      <ul>
        {props.alarms.map((a) => {
          const tz = props.sites.find((s) => s.id === a.siteId)?.timezone;
          return (
            <li data-alarm-id={a.id} class="technical-item">
              <span>
                <strong>{a.technical ? technicalCauseLabel(a.technical.cause) : t('kind.technical')}</strong>
                {a.technical?.subject && ` – ${a.technical.subject}`}
                {(a.roomName || a.roomId) && ` (${placeLabel(a)})`}
                {' · '}
                {t('technical.since', { clock: formatClock(a.raisedAt, tz) })}
                {a.state !== 'raised' && ` · ${t('state.acknowledged')}`}
              </span>
              <span class="technical-actions">
                {a.state === 'raised' && (
                  <button type="button" class="secondary" data-action="acknowledge" onClick={() => props.onAction(a.id, 'acknowledge')}>
                    {t('popup.acknowledge')}
                  </button>
                )}
                <button type="button" class="secondary" data-action="resolve" onClick={() => props.onAction(a.id, 'resolve', 'real')}>
                  {t('technical.resolve')}
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
