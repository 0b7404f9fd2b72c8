// An enrolled station PC's state, above every page, logged in or not (docs/stations.md). A
// station that cannot receive says so loudly: a red banner, not a small pill, because nobody may
// be sitting at it and the person walking past must see that this desk is not protected.
import { t } from '../../i18n/i18n';
import type { ConsoleState } from '../../state/console-controller';

export type StationProblem = 'revoked' | 'unknown-station' | 'offline' | 'sound-off';

/** The worst thing keeping this station from receiving, or null when it receives (or is no station). */
export function stationProblem(s: Pick<ConsoleState, 'stationWatch' | 'stopped' | 'connection' | 'soundUnlocked'>): StationProblem | null {
  if (!s.stationWatch) return null;
  if (s.stopped === 'revoked') return 'revoked';
  if (s.stopped === 'unknown-station') return 'unknown-station';
  if (s.connection !== 'connected') return 'offline';
  if (!s.soundUnlocked) return 'sound-off';
  return null;
}

export function StationBanner(props: { state: ConsoleState; now: number; onForget: () => void }) {
  const { state, now } = props;
  if (!state.stationWatch) return null;
  const problem = stationProblem(state);
  if (!problem) {
    return (
      <p class="station-ok" role="status" data-station-banner="ok">
        {t('stationBanner.ok', { station: state.station?.name ?? '' })}
        {state.notificationPermission !== 'granted' && <> {t('stationBanner.noNotifications')}</>}
      </p>
    );
  }
  const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
  const detail = {
    revoked: t('stationBanner.revoked'),
    'unknown-station': t('stationBanner.unknownStation'),
    offline: state.connection === 'reconnecting' && seconds > 0 ? t('stationBanner.offlineRetry', { seconds }) : t('stationBanner.offline'),
    'sound-off': t('stationBanner.soundOff'),
  }[problem];
  return (
    <div class="station-alarm" role="alert" data-station-banner={problem}>
      <p class="station-alarm-title">
        {problem === 'sound-off' ? t('stationBanner.titleSound') : t('stationBanner.title')}
      </p>
      <p>{detail}</p>
      {(problem === 'revoked' || problem === 'unknown-station') && (
        <button type="button" class="secondary" onClick={props.onForget}>{t('stationBanner.forget')}</button>
      )}
    </div>
  );
}
