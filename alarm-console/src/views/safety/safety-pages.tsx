// The safety-work pages (issue 6, from the 2014 safety report): incident reports and their weekly
// review, the ROS risk matrix, drills and statistics, meetings with elevated risk, the banned
// clients register and evacuation. A sub-navigation by role, and the office they apply to.
import { enSafety } from '../../i18n/en-safety';
import { addMessages, t } from '../../i18n/i18n';
import { nbSafety } from '../../i18n/nb-safety';
import type { AppSession } from '../../state/app-state';
import { useObservable } from '../../state/observable';
import { can } from '../../state/roles';
import { routeHref, type Route } from '../../state/route';
import { BannedClientsPage } from './banned-clients-page';
import { DrillReportPage, DrillsPage } from './drills-page';
import { EvacuationPage } from './evacuation-page';
import { IncidentPage } from './incident-page';
import { IncidentsPage, ReviewQueuePage } from './incidents-page';
import { safetySites } from './labels';
import { MeetingsPage } from './meetings-page';
import { RiskPage } from './risk-page';
import { StatisticsPage } from './statistics-page';

// This chunk brings its own texts.
addMessages({ nb: nbSafety, en: enSafety });

export function SafetyPages(props: { session: AppSession; route: Route }) {
  const { session, route } = props;
  const app = useObservable(session.state);
  const user = app.user!;
  const sites = safetySites(user, app.sites);
  const site = sites.find((s) => s.id === app.siteId) ?? sites[0];
  const role = user.role;
  const links: { route: Route; label: string; show: boolean; also?: Route['page'][] }[] = [
    { route: { page: 'incidents' }, label: t('safety.incidents'), show: can.report(role), also: ['incident'] },
    { route: { page: 'review' }, label: t('safety.review'), show: can.followUp(role) },
    { route: { page: 'risk' }, label: t('safety.risk'), show: can.report(role) },
    { route: { page: 'drills' }, label: t('safety.drills'), show: can.followUp(role), also: ['drill'] },
    { route: { page: 'statistics' }, label: t('safety.statistics'), show: can.followUp(role) },
    { route: { page: 'meetings' }, label: t('safety.meetings'), show: can.report(role) },
    { route: { page: 'banned' }, label: t('safety.banned'), show: can.report(role) },
    { route: { page: 'evacuation' }, label: t('safety.evacuation'), show: can.followUp(role) },
  ];
  const allowed = links.find((l) => l.route.page === route.page || l.also?.includes(route.page));

  const page = () => {
    if (!allowed?.show) return <p class="warning">{t('error.forbidden')}</p>;
    if (!site) return <p class="warning">{t('safety.noSite')}</p>;
    switch (route.page) {
      case 'incidents': return <IncidentsPage session={session} site={site} />;
      case 'incident': return <IncidentPage session={session} site={site} id={route.id} />;
      case 'review': return <ReviewQueuePage site={site} />;
      case 'risk': return <RiskPage user={user} site={site} />;
      case 'drills': return <DrillsPage site={site} />;
      case 'drill': return <DrillReportPage site={site} id={route.id} />;
      case 'statistics': return <StatisticsPage site={site} />;
      case 'meetings': return <MeetingsPage user={user} site={site} />;
      case 'banned': return <BannedClientsPage user={user} site={site} sites={sites} />;
      case 'evacuation': return <EvacuationPage site={site} id={route.id} />;
      default: return null;
    }
  };

  return (
    <div class="manage">
      <nav class="subnav" aria-label={t('safety.navLabel')}>
        <ul>
          {links.filter((l) => l.show).map((l) => {
            const current = l === allowed;
            return <li><a href={routeHref(l.route)} aria-current={current ? 'page' : undefined}>{l.label}</a></li>;
          })}
        </ul>
      </nav>
      <section class="view wide manage-body" aria-labelledby="safety-heading">
        <div class="manage-head">
          <h1 id="safety-heading">{t('safety.heading')}</h1>
          {sites.length > 1 && (
            <label class="inline">
              {t('manage.siteSelect')}
              <select value={site?.id ?? ''} onChange={(e) => session.selectSite((e.currentTarget as HTMLSelectElement).value)}>
                {sites.map((s) => <option value={s.id}>{s.name}</option>)}
              </select>
            </label>
          )}
        </div>
        {page()}
      </section>
    </div>
  );
}
