// The manager's / security contact's configuration pages, with a sub-navigation and the site
// being edited (for managers of several sites).
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import type { ConsoleController } from '../../state/console-controller';
import { useObservable } from '../../state/observable';
import { routeHref, type Route } from '../../state/route';
import { Loading } from '../parts/form';
import { COLLECTION_SPECS } from './collection-fields';
import { CollectionPage } from './collection-page';
import { ConfigTransferPage } from './config-transfer-page';
import { HistoryPage } from './history-page';
import { SitePage } from './site-page';
import { StationPcsPage } from './station-pcs-page';
import { UsersPage } from './users-page';

const COLLECTION_ORDER = ['zones', 'rooms', 'devices', 'stations', 'groups', 'chains', 'actionCards'] as const;

export function ManagerPages(props: { session: AppSession; controller: ConsoleController; route: Route }) {
  const { session, route } = props;
  const app = useObservable(session.state);
  const site = app.sites.find((s) => s.id === app.siteId);
  const links: { route: Route; label: string }[] = [
    { route: { page: 'site' }, label: t('manage.site') },
    ...COLLECTION_ORDER.map((c) => ({ route: { page: 'collection', collection: c } as Route, label: COLLECTION_SPECS[c].title() })),
    { route: { page: 'station-pcs' }, label: t('stationPcs.heading') },
    { route: { page: 'users' }, label: t('manage.users') },
    { route: { page: 'config' }, label: t('manage.config') },
    { route: { page: 'history' }, label: t('manage.history') },
  ];
  const current = routeHref(route);
  const perSite = route.page === 'site' || route.page === 'collection';

  return (
    <div class="manage">
      <nav class="subnav" aria-label={t('manage.navLabel')}>
        <ul>
          {links.map((l) => {
            const href = routeHref(l.route);
            return <li><a href={href} aria-current={href === current ? 'page' : undefined}>{l.label}</a></li>;
          })}
        </ul>
      </nav>
      <section class="view wide manage-body" aria-labelledby="manage-heading">
        <div class="manage-head">
          <h1 id="manage-heading">{t('manage.heading')}</h1>
          {perSite && app.sites.length > 1 && (
            <label class="inline">
              {t('manage.siteSelect')}
              <select value={app.siteId ?? ''} onChange={(e) => session.selectSite((e.currentTarget as HTMLSelectElement).value)}>
                {app.sites.map((s) => <option value={s.id}>{s.name}</option>)}
              </select>
            </label>
          )}
        </div>
        {perSite && !site && <Loading />}
        {route.page === 'site' && site && <SitePage session={session} site={site} />}
        {route.page === 'collection' && site && <CollectionPage session={session} site={site} collection={route.collection} />}
        {route.page === 'users' && <UsersPage session={session} />}
        {route.page === 'config' && <ConfigTransferPage session={session} />}
        {route.page === 'history' && <HistoryPage session={session} />}
        {route.page === 'station-pcs' && <StationPcsPage session={session} controller={props.controller} />}
      </section>
    </div>
  );
}
