// The evacuation banner on every console of the site (docs/evacuation.md): leave the building,
// where to meet, and "I'm safe" for the roll call. Shown above every page and inside the alarm
// pop-up, so it is never hidden behind an alarm. Security contacts see the roll-call counts.
import type { ConsoleEvacuation, RollCallCounts } from '@trygg/protocol';
import { pick, t } from '../../i18n/i18n';
import { routeHref } from '../../state/route';

export function EvacuationBanner(props: {
  evacuations: ConsoleEvacuation[];
  rollCall: Record<string, RollCallCounts>;
  leader: boolean;
  onSafe: (id: string) => boolean;
}) {
  if (props.evacuations.length === 0) return null;
  return (
    <section class="evacuation-banner" aria-label={t('evacuation.bannerLabel')}>
      {props.evacuations.map((e) => {
        const counts = props.rollCall[e.id];
        return (
          <div class={`evacuation-item${e.drill ? ' drill' : ''}`} data-evacuation-id={e.id} role="alert">
            <p class="evacuation-text">
              {e.drill && <span class="badge badge-drill small">{t('popup.drill')}</span>} <strong>{pick(e.banner)}</strong>
            </p>
            <p>{t('evacuation.assemblyPoint', { place: pick(e.assemblyPoint) })}</p>
            <div class="row tight">
              {e.safe
                ? <p class="evacuation-safe" data-testid="evacuation-safe">{t('evacuation.youAreSafe')}</p>
                : <button type="button" class="big evacuation-safe-button" data-action="safe" onClick={() => props.onSafe(e.id)}>{t('evacuation.imSafe')}</button>}
              {props.leader && (
                <p>
                  {counts && t('evacuation.countsLine', { safe: counts.safe, total: counts.total, help: counts.needsHelp })}{' '}
                  <a href={routeHref({ page: 'evacuation', id: e.id })}>{t('evacuation.openRollCall')}</a>
                </p>
              )}
            </div>
          </div>
        );
      })}
    </section>
  );
}
