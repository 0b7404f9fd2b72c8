// The armed console between alarms: which station, plainly whether alarms can reach it, how many
// responders an alarm from this area would reach, and how to raise a discreet alarm from here.
import type { CoverageRoom, SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { ConsoleController, ConsoleState } from '../../state/console-controller';
import { areaCoverage } from '../../state/coverage';
import { PANIC_SHORTCUT_LABEL } from '../../state/panic-shortcut';

export function ArmedView(props: {
  controller: ConsoleController;
  state: ConsoleState;
  site: SiteView | undefined;
  coverage: CoverageRoom[] | null;
  /** An employee's console: evacuation banners and the discreet panic button, no alarm pop-ups. */
  passive?: boolean;
  /** Absent for an enrolled station PC: its station is fixed by the enrolment. */
  onChangeStation?: () => void;
}) {
  const { controller, state, site } = props;
  const station = state.station!;
  const area = props.coverage ? areaCoverage(props.coverage, station, site) : null;
  const technical = state.alarms.filter((a) => a.kind === 'technical').length;
  return (
    <section class="view narrow" aria-labelledby="armed-heading">
      <h1 id="armed-heading">
        {state.connection !== 'connected' ? t('armed.headingNotConnected') : props.passive ? t('armed.headingPassive') : t('armed.heading')}
      </h1>
      <p class="station-name">{t('armed.station', { station: station.name })}</p>
      {state.connection !== 'connected' && <p class="warning" role="alert">{t('armed.notConnected')}</p>}
      {!state.soundUnlocked && <p class="warning">{t('armed.soundOff')}</p>}
      {(state.notificationPermission === 'denied' || state.notificationPermission === 'unsupported') && (
        <p class="warning">{t('armed.notificationsOff')}</p>
      )}
      {area && area.rooms.some((r) => r.connecting) && <p class="quiet" data-testid="area-coverage">{t('coverage.connecting')}</p>}
      {area && !area.rooms.some((r) => r.connecting) && (
        <p class={area.uncovered.length > 0 ? 'notice' : 'coverage-ok'} data-testid="area-coverage">
          {area.uncovered.length > 0
            ? t('armed.coverageNobody', { rooms: area.uncovered.map((r) => r.roomName).join(', ') })
            : t('armed.coverage', { count: area.respondersOnline })}
        </p>
      )}
      <p>{props.passive ? t('armed.passive') : t('armed.keepOpen')}</p>
      <p class="quiet">{state.alarms.length - technical > 0 ? t('armed.openAlarms', { count: state.alarms.length - technical }) : t('armed.noAlarms')}</p>
      <details class="panic-help">
        <summary>{t('armed.panicHelpTitle')}</summary>
        <p>{t('armed.panicHelp', { shortcut: PANIC_SHORTCUT_LABEL })}</p>
      </details>
      <div class="row">
        <button type="button" class="secondary" onClick={() => controller.testSound()}>{t('armed.testSound')}</button>
        {props.onChangeStation && <button type="button" class="secondary" onClick={props.onChangeStation}>{t('armed.changeStation')}</button>}
      </div>
    </section>
  );
}
