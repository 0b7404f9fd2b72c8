// The console shell: top bar, navigation by role, the page of the current route, and above
// everything the alarm pop-up. Arming is global: a manager on a configuration page still gets
// every pop-up.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { ApiError } from '../api/http';
import type { UserOutcome as ResolveOutcome } from '@trygg/protocol';
import { getLanguage, LANGUAGES, setLanguage, t } from '../i18n/i18n';
import type { AppSession } from '../state/app-state';
import type { AlarmAction, ConsoleController } from '../state/console-controller';
import { useObservable } from '../state/observable';
import { isPanicShortcut } from '../state/panic-shortcut';
import { can } from '../state/roles';
import { routeHref, SAFETY_PAGES, useRoute, type Route } from '../state/route';
import { AlarmOverlay } from './console/alarm-overlay';
import { ArmedView } from './console/armed-view';
import { ConnectionPill, type ConnectionView } from './console/connection-status';
import { EvacuationBanner } from './console/evacuation-banner';
import { PanicButton } from './console/panic-button';
import { StandbyNotice } from './console/standby-notice';
import { StationBanner } from './console/station-banner';
import { forgetThisStation } from '../state/this-station';
import { StationView } from './console/station-view';
import { TechnicalBanner } from './console/technical-banner';
import { LoginView } from './login-view';
import { AccountView } from './account-view';
import { ManagerPages } from './manage/manager-pages';
import { usePoll, useLanguage, useNow } from './parts/hooks';
import { AlarmDetailPage, AlarmHistoryPage } from './supervise/alarm-history';
import { CoveragePage } from './supervise/coverage-page';
import { DeviceStatusPage } from './supervise/device-status-page';

const ERROR_SHOWN_MS = 8000;
const SITES_REFRESH_MS = 5 * 60_000;

function wsErrorText(code: string): string {
  // Codes are the server's catalogue (docs/errors.md).
  switch (code) {
    case 'TRYGG_SRV_BAD_REQUEST': return t('wsError.bad-message');
    case 'TRYGG_SRV_FORBIDDEN': return t('wsError.forbidden');
    case 'TRYGG_SRV_NOT_FOUND':
    case 'TRYGG_SRV_ALARM_CLOSED':
    case 'TRYGG_SRV_INVALID_TRANSITION': return t('wsError.unknown-alarm');
    default: return t('wsError.other', { code });
  }
}

function NavLink(props: { route: Route; current: Route; label: string; match?: (r: Route) => boolean }) {
  const active = props.match ? props.match(props.current) : props.current.page === props.route.page;
  return <a href={routeHref(props.route)} aria-current={active ? 'page' : undefined}>{props.label}</a>;
}

export function App(props: { session: AppSession; controller: ConsoleController }) {
  const { session, controller } = props;
  const app = useObservable(session.state);
  const cs = useObservable(controller.state);
  const route = useRoute();
  useLanguage();
  const now = useNow(1000);
  const sitesReloadedAt = useRef(0);
  const [errorShown, setErrorShown] = useState<{ text: string; until: number } | null>(null);
  const user = app.user;

  // Coverage for the armed view and the managers' warning; optional (older servers lack it).
  const coverage = usePoll(async () => {
    if (!user || !can.receiveAlarms(user.role)) return null;
    try {
      return (await api.coverage()).rooms;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
      throw err;
    }
  }, 15_000, [user?.username]);

  // Meetings with elevated risk going on now: responders stand by (optional, like coverage).
  const meetings = usePoll(async () => {
    if (!user || !can.standBy(user.role)) return null;
    try {
      return (await api.meetings(true)).meetings;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
      throw err;
    }
  }, 30_000, [user?.username]);

  useEffect(() => {
    // A user's console ends with their session; an enrolled station's watch does not.
    session.onEnded = () => {
      if (!controller.state.value.stationWatch) controller.disarm();
    };
  }, []);
  // Someone logged in or out at a station PC: its watch reconnects, so actions carry the right name.
  const watchedAs = useRef(user?.username);
  useEffect(() => {
    if (watchedAs.current === user?.username) return;
    watchedAs.current = user?.username;
    controller.renewStationIdentity();
  }, [user?.username]);
  useEffect(() => {
    if (cs.stopped === 'session-ended') session.ended('session-ended');
  }, [cs.stopped]);
  // An alarm from a room this page does not know yet (a manager just added it): fetch the sites
  // again, so its floor plan marker and time zone are right. Also every few minutes.
  useEffect(() => {
    const unknown = cs.alarms.some((a) => a.roomId && !session.site(a.siteId)?.rooms.some((r) => r.id === a.roomId));
    if (!unknown) return;
    // At most one reload every 5 s; a reload held back by that is made when the 5 s are up.
    const wait = Math.max(0, sitesReloadedAt.current + 5000 - Date.now());
    const timer = setTimeout(() => {
      sitesReloadedAt.current = Date.now();
      void session.reloadSites();
    }, wait);
    return () => clearTimeout(timer);
  }, [cs.alarms]);
  useEffect(() => {
    const timer = setInterval(() => void session.reloadSites(), SITES_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (cs.error) setErrorShown({ text: wsErrorText(cs.error.code), until: Date.now() + ERROR_SHOWN_MS });
  }, [cs.error?.seq]);

  // The discreet panic shortcut works on every page while the console is armed, also while a
  // pop-up is open, on purpose: the person at this desk may be threatened while a colleague's
  // alarm is showing. It is a three-key chord that no Tab, Enter or Space in the pop-up can
  // produce; the panic *button* behind the pop-up is inert and cannot be reached (panic-shortcut.ts).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isPanicShortcut(e) || !controller.armed) return;
      e.preventDefault();
      e.stopPropagation();
      controller.panic();
    };
    addEventListener('keydown', onKey, true);
    return () => removeEventListener('keydown', onKey, true);
  }, []);

  const panicAlarms = cs.alarms.filter((a) => a.kind !== 'technical');
  const technicalAlarms = cs.alarms.filter((a) => a.kind === 'technical');
  const overlayOpen = panicAlarms.length > 0;
  useEffect(() => {
    document.title = overlayOpen ? t('document.alarmTitle', { count: panicAlarms.length }) : t('app.title');
  });

  // A station's watch receives alarms whoever is logged in (docs/stations.md).
  const passive = !cs.stationWatch && !can.receiveAlarms(user?.role);
  const connection: ConnectionView = { armed: controller.armed, state: cs.connection, retryAt: cs.retryAt, now, passive };
  const onAction = (id: string, action: AlarmAction, outcome?: ResolveOutcome) => controller.act(id, action, outcome);
  const error = errorShown && errorShown.until > now ? errorShown.text : null;
  const uncovered = (coverage.data ?? []).filter((r) => r.reachesNobody);
  const evacuationBanner = (
    <EvacuationBanner evacuations={cs.evacuations} rollCall={cs.rollCall} leader={can.followUp(user?.role)} onSafe={(id) => controller.safe(id)} />
  );

  const page = () => {
    if (app.phase === 'loading') return <p class="quiet">{t('app.loading')}</p>;
    if (!user) {
      const reason = app.loginReason === 'session-ended' ? t('login.sessionExpired') : app.loginReason === 'network' ? t('error.network') : null;
      return <LoginView session={session} reason={reason} />;
    }
    switch (route.page) {
      case 'alarms': return can.supervise(user.role) ? <AlarmHistoryPage session={session} /> : <Forbidden />;
      case 'alarm': return can.supervise(user.role) ? <AlarmDetailPage session={session} id={route.id} /> : <Forbidden />;
      case 'devices': return can.supervise(user.role) ? <DeviceStatusPage session={session} /> : <Forbidden />;
      case 'coverage': return can.supervise(user.role) ? <CoveragePage session={session} coverage={coverage} /> : <Forbidden />;
      case 'account': return <AccountView session={session} />;
      case 'console': break;
      default:
        if (SAFETY_PAGES.includes(route.page)) return <LazySafetyPages session={session} route={route} />; return can.configure(user.role) ? <ManagerPages session={session} controller={controller} route={route} /> : <Forbidden />;
    }
    if (cs.station && controller.armed) {
      return <ArmedView controller={controller} state={cs} site={session.site(cs.station.siteId)} coverage={coverage.data} passive={passive}
        onChangeStation={cs.stationWatch ? undefined : () => controller.disarm()} />;
    }
    const reason = cs.stopped === 'unknown-station' ? t('station.unknown') : cs.stopped === 'forbidden' ? t('station.roleTooLow') : null;
    return <StationView user={user} controller={controller} reason={reason} />;
  };

  return (
    <>
      {/* Behind an open pop-up everything is inert and hidden from screen readers: no Tab, click or
          Enter reaches the page, the technical banner or the discreet panic button underneath. */}
      <div class="app-shell" inert={overlayOpen} aria-hidden={overlayOpen ? 'true' : undefined}>
      <header class="topbar">
        <a class="brand" href="#/">{t('app.title')}</a>
        {user && can.armConsole(user.role) && <ConnectionPill view={connection} />}
        {user && (
          <nav aria-label={t('nav.label')}>
            <NavLink route={{ page: 'console' }} current={route} label={t('nav.console')} />
            {can.supervise(user.role) && <NavLink route={{ page: 'alarms' }} current={route} label={t('nav.alarms')} match={(r) => r.page === 'alarms' || r.page === 'alarm'} />}
            {can.supervise(user.role) && <NavLink route={{ page: 'devices' }} current={route} label={t('nav.devices')} />}
            {can.supervise(user.role) && <NavLink route={{ page: 'coverage' }} current={route} label={t('nav.coverage')} />}
            <NavLink route={{ page: 'incidents' }} current={route} label={t('nav.safety')} match={(r) => SAFETY_PAGES.includes(r.page)} />
            {can.configure(user.role) && <NavLink route={{ page: 'site' }} current={route} label={t('nav.manage')}
              match={(r) => ['site', 'collection', 'users', 'config', 'history', 'station-pcs'].includes(r.page)} />}
          </nav>
        )}
        {user && <p class="who"><a href="#/account" aria-current={route.page === 'account' ? 'page' : undefined}>{t('user.signedInAs', { name: user.name })}</a></p>}
        <label class="lang">
          <span class="visually-hidden">{t('lang.label')}</span>
          <select value={getLanguage()} onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value)}>
            {LANGUAGES.map((l) => <option value={l}>{l === 'nb' ? t('lang.nb') : t('lang.en')}</option>)}
          </select>
        </label>
        {user && (
          <button type="button" class="secondary" onClick={() => {
            if (cs.alarms.length > 0 && !confirm(t('logout.confirmOpenAlarms'))) return;
            void session.logout();
          }}>{t('logout')}</button>
        )}
      </header>
      <StationBanner state={cs} now={now} onForget={() => void forgetThisStation(controller).catch(() => undefined)} />
      {user && can.configure(user.role) && uncovered.length > 0 && (
        <p class="notice nobody-banner" role="alert">
          {t('coverage.banner', { count: uncovered.length })} <a href="#/coverage">{t('coverage.show')}</a>
        </p>
      )}
      {!overlayOpen && evacuationBanner}
      <TechnicalBanner alarms={technicalAlarms} sites={app.sites} onAction={onAction} />
      {user && <StandbyNotice meetings={meetings.data ?? []} />}
      {!overlayOpen && error && <p class="notice" role="alert">{error}</p>}
      <main id="main">{page()}</main>
      {controller.armed && <PanicButton onPanic={() => controller.panic()} confirmed={cs.panicConfirmed} feedback={cs.panicFeedback} />}
      </div>
      {overlayOpen && (
        <AlarmOverlay alarms={panicAlarms} sites={app.sites} userName={user?.name} connection={connection}
          error={error} errorSeq={cs.error?.seq ?? 0} onAction={onAction}>
          {evacuationBanner}
        </AlarmOverlay>
      )}
    </>
  );
}

type SafetyModule = typeof import('./safety/safety-pages');
let safetyModule: Promise<SafetyModule> | null = null;

/**
 * The safety-work pages are a chunk of their own, loaded when first opened: the colleague's
 * console (pop-up, banners) stays as small as before for the desks that never open them.
 */
function LazySafetyPages(props: { session: AppSession; route: Route }) {
  const [mod, setMod] = useState<SafetyModule | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    safetyModule ??= import('./safety/safety-pages');
    safetyModule.then(setMod, (err: unknown) => {
      safetyModule = null; // try again on the next visit
      setFailed(err);
    });
  }, []);
  if (failed) return <p class="notice" role="alert">{t('error.network')}</p>;
  if (!mod) return <p class="quiet">{t('app.loading')}</p>;
  return <mod.SafetyPages session={props.session} route={props.route} />;
}

function Forbidden() {
  return <p class="warning">{t('error.forbidden')}</p>;
}
