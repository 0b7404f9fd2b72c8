// Live device status: online/offline, last seen, battery, gateway. Polled every 5 s.
import { api } from '../../api/client';
import type { DeviceStatus, SiteView } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { batteryLow, deviceHealth, type DeviceHealth } from '../../state/device-status';
import { formatDateTime, formatDuration } from '../../state/format';
import { useObservable } from '../../state/observable';
import { ErrorNotice, Loading } from '../parts/form';
import { useNow, usePoll } from '../parts/hooks';

export const DEVICE_POLL_MS = 5000;

function healthLabel(h: DeviceHealth): string {
  switch (h) {
    case 'online': return t('devices.online');
    case 'offline': return t('devices.offline');
    default: return t('devices.neverSeen');
  }
}

export function DeviceStatusPage(props: { session: AppSession }) {
  const app = useObservable(props.session.state);
  const now = useNow(5000);
  const devices = usePoll(() => api.devices().then((r) => r.devices), DEVICE_POLL_MS);
  const list = devices.data ?? [];
  const site = (d: DeviceStatus): SiteView | undefined => app.sites.find((s) => s.id === d.siteId);
  const rows = list.map((d) => ({ d, health: deviceHealth(d, site(d), now), low: batteryLow(d, site(d)) }));
  const offline = rows.filter((r) => r.health !== 'online').length;
  const low = rows.filter((r) => r.low).length;

  return (
    <section class="view wide" aria-labelledby="devices-heading">
      <h1 id="devices-heading">{t('devices.heading')}</h1>
      <p class="quiet">{t('devices.intro')}</p>
      <ErrorNotice error={devices.error} onRetry={devices.reload} />
      {devices.loading && <Loading />}
      {list.length > 0 && (
        <p class={offline || low ? 'warning' : 'coverage-ok'} role="status">
          {t('devices.summary', { total: list.length, offline, low })}
        </p>
      )}
      {list.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('devices.device')}</th>
                <th scope="col">{t('devices.place')}</th>
                <th scope="col">{t('devices.status')}</th>
                <th scope="col">{t('devices.lastSeen')}</th>
                <th scope="col">{t('devices.battery')}</th>
                <th scope="col">{t('devices.gateway')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ d, health, low: isLow }) => {
                const s = site(d);
                const room = s?.rooms.find((r) => r.id === d.roomId);
                const person = s?.devices.find((x) => x.id === d.id)?.person;
                return (
                  <tr data-device-id={d.id} class={health !== 'online' ? 'row-bad' : ''}>
                    <th scope="row">{d.name ?? d.id}<br /><span class="quiet small">{d.id} · {d.type === 'portable' ? t('device.type.portable') : t('device.type.panic-button')}</span></th>
                    <td>{room ? room.name : d.roomId ?? (person ? t('devices.carriedBy', { person }) : '–')}{app.sites.length > 1 && <><br /><span class="quiet small">{s?.name ?? d.siteId}</span></>}</td>
                    <td><span class={`pill ${health}`}>{healthLabel(health)}</span></td>
                    <td>{d.lastSeenAt ? <>{t('devices.ago', { time: formatDuration(now - Date.parse(d.lastSeenAt)) })}<br /><span class="quiet small">{formatDateTime(d.lastSeenAt, s?.timezone)}</span></> : '–'}</td>
                    <td class={isLow ? 'bad' : ''}>{d.battery === null ? '–' : `${d.battery} %`}{isLow && ` (${t('devices.lowBattery')})`}</td>
                    <td>{d.gatewayId}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
