// First page of a colleague's console: choose the PC you sit at (remembered), then arm it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Station, SessionUser as User } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { ConsoleController } from '../../state/console-controller';
import { can } from '../../state/roles';
import { routeHref } from '../../state/route';
import { ErrorNotice, Loading } from '../parts/form';
import { usePoll } from '../parts/hooks';

export function StationView(props: { user: User; controller: ConsoleController; reason: string | null }) {
  const { user, controller } = props;
  const stations = usePoll(() => api.stations().then((r) => r.stations), 0);
  const [chosen, setChosen] = useState<string>(controller.storedStationId() ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const select = useRef<HTMLSelectElement>(null);
  const list = stations.data ?? [];
  const manySites = new Set(list.map((s) => s.siteId)).size > 1;

  useEffect(() => {
    if (list.length === 1 && !chosen) setChosen(list[0]!.id);
    select.current?.focus();
  }, [stations.data]);

  const passive = !can.receiveAlarms(user.role);

  const arm = () => {
    const station: Station | undefined = list.find((s) => s.id === chosen);
    if (!station) {
      setProblem(t('station.required'));
      select.current?.focus();
      return;
    }
    controller.arm(station); // inside the click: unlocks sound and asks for notifications
  };

  return (
    <section class="view narrow" aria-labelledby="station-heading">
      <h1 id="station-heading">{t('station.heading')}</h1>
      {props.reason && <p class="notice" role="alert">{props.reason}</p>}
      <p>{passive ? t('station.introPassive') : t('station.intro')}</p>
      {passive && <p>{t('station.safetyWork')} <a href={routeHref({ page: 'incidents' })}>{t('nav.safety')}</a></p>}
      {stations.loading && <Loading />}
      <ErrorNotice error={stations.error} onRetry={stations.reload} />
      {!stations.loading && !stations.error && list.length === 0 && <p class="warning">{t('station.none')}</p>}
      {list.length > 0 && (
        <div class="stack">
          <div class="field">
            <label for="station-select">{t('station.label')}</label>
            <select id="station-select" ref={select} value={chosen} aria-describedby={problem ? 'station-problem' : undefined}
              onChange={(e) => {
                setChosen((e.currentTarget as HTMLSelectElement).value);
                setProblem(null);
              }}>
              <option value="">{t('station.choose')}</option>
              {list.map((s) => (
                <option value={s.id}>{manySites ? t('station.optionWithSite', { name: s.name, site: s.siteId }) : s.name}</option>
              ))}
            </select>
            {problem && <p class="problem" id="station-problem" role="alert">{problem}</p>}
          </div>
          <button type="button" class="primary big" id="arm" onClick={arm}>{t('station.arm')}</button>
          <p class="hint">{t('station.armHint')}</p>
        </div>
      )}
    </section>
  );
}
