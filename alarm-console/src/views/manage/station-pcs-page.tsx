// Station PCs (docs/stations.md): enrol the PC this page runs on as a station, once, so it arms
// itself on every load whoever is logged in; see and revoke the enrolled PCs of the user's sites.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { StationCredential } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import type { ConsoleController } from '../../state/console-controller';
import { formatDateTime } from '../../state/format';
import { useObservable } from '../../state/observable';
import { enrolledHere } from '../../state/this-station';
import { ErrorNotice, Field, Loading, uid } from '../parts/form';
import { usePoll } from '../parts/hooks';

export function StationPcsPage(props: { session: AppSession; controller: ConsoleController }) {
  const { controller } = props;
  const app = useObservable(props.session.state);
  const cs = useObservable(controller.state);
  const stations = usePoll(() => api.stations().then((r) => r.stations), 0);
  const credentials = usePoll(() => api.stationCredentials().then((r) => r.credentials), 15_000);
  const [chosen, setChosen] = useState('');
  const [label, setLabel] = useState('');
  const [failed, setFailed] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ids = { station: uid('enrol-station'), label: uid('enrol-label') };
  const tz = (siteId: string) => app.sites.find((s) => s.id === siteId)?.timezone;
  const list = stations.data ?? [];

  const enrol = async () => {
    const station = list.find((s) => s.id === chosen);
    if (!station) return;
    setBusy(true);
    setFailed(null);
    try {
      await api.enrolStation(station.id, label.trim() || undefined);
      enrolledHere(controller, station);
      setLabel('');
      credentials.reload();
    } catch (err) {
      setFailed(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (c: StationCredential) => {
    if (!confirm(t('stationPcs.confirmRevoke', { station: c.stationName ?? c.stationId }))) return;
    try {
      await api.revokeStationCredential(c.id);
      credentials.reload();
    } catch (err) {
      setFailed(err);
    }
  };

  const status = (c: StationCredential) => {
    if (c.revokedAt !== undefined) return t('stationPcs.revoked', { at: formatDateTime(c.revokedAt, tz(c.siteId)), by: c.revokedBy ?? '' });
    return c.connected ? t('stationPcs.connected') : t('stationPcs.notConnected');
  };

  return (
    <section aria-labelledby="station-pcs-heading">
      <h2 id="station-pcs-heading">{t('stationPcs.heading')}</h2>
      <p class="quiet">{t('stationPcs.intro')}</p>

      <h3>{t('stationPcs.thisPc')}</h3>
      {cs.stationWatch && cs.station
        ? <p class="coverage-ok" data-testid="this-pc-station">{t('stationPcs.thisPcIs', { station: cs.station.name })}</p>
        : <p>{t('stationPcs.thisPcIsNot')}</p>}
      {cs.notificationPermission === 'default' && (
        <p>
          <button type="button" class="secondary" id="allow-notifications" onClick={() => controller.askNotifications()}>{t('stationPcs.allowNotifications')}</button>
        </p>
      )}
      {(cs.notificationPermission === 'denied' || cs.notificationPermission === 'unsupported') && <p class="warning">{t('armed.notificationsOff')}</p>}
      {stations.loading && <Loading />}
      <ErrorNotice error={stations.error} onRetry={stations.reload} />
      {list.length > 0 && (
        <form class="stack" onSubmit={(e) => { e.preventDefault(); void enrol(); }}>
          <Field id={ids.station} label={t('station.label')} required>
            <select id={ids.station} value={chosen} onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('station.choose')}</option>
              {list.map((s) => <option value={s.id}>{app.sites.length > 1 ? t('station.optionWithSite', { name: s.name, site: s.siteId }) : s.name}</option>)}
            </select>
          </Field>
          <Field id={ids.label} label={t('stationPcs.label')} hint={t('stationPcs.labelHint')}>
            <input id={ids.label} value={label} maxLength={80} onInput={(e) => setLabel((e.currentTarget as HTMLInputElement).value)} />
          </Field>
          <button type="submit" class="primary" id="enrol-this-pc" disabled={busy || !chosen}>{t('stationPcs.enrol')}</button>
          <p class="hint">{t('stationPcs.enrolHint')}</p>
        </form>
      )}
      <ErrorNotice error={failed} />

      <h3>{t('stationPcs.enrolled')}</h3>
      <ErrorNotice error={credentials.error} onRetry={credentials.reload} />
      {credentials.data && credentials.data.length === 0 && <p class="quiet">{t('stationPcs.none')}</p>}
      {credentials.data && credentials.data.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('station.label')}</th>
                <th scope="col">{t('stationPcs.label')}</th>
                <th scope="col">{t('stationPcs.createdAt')}</th>
                <th scope="col">{t('stationPcs.createdBy')}</th>
                <th scope="col">{t('stationPcs.lastContact')}</th>
                <th scope="col">{t('stationPcs.status')}</th>
                <th scope="col"><span class="visually-hidden">{t('stationPcs.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {credentials.data.map((c) => (
                <tr data-credential-id={c.id} class={c.revokedAt !== undefined ? 'quiet' : ''}>
                  <th scope="row">{c.stationName ?? c.stationId}</th>
                  <td>{c.label ?? '–'}</td>
                  <td>{formatDateTime(c.createdAt, tz(c.siteId))}</td>
                  <td>{c.createdBy}</td>
                  <td>{c.lastContactAt !== undefined ? formatDateTime(c.lastContactAt, tz(c.siteId)) : '–'}</td>
                  <td>{status(c)}</td>
                  <td>{c.revokedAt === undefined && <button type="button" class="secondary" onClick={() => void revoke(c)}>{t('stationPcs.revoke')}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
