// Trygg alarm console: log in -> choose station -> arm -> alarm pop-ups over the console
// WebSocket. Plain ES module, no framework, no build step (a later issue moves it to Vite).
// Server contract: docs/protocol.md ("Console WebSocket") and alarm-console/README.md.

import { AlarmBoard } from './alarm-board.js';
import { AlarmOverlay, kindLabel, placeLabel } from './alarm-overlay.js';
import { ConsoleConnection, consoleSocketUrl } from './connection.js';
import { applyTranslations, getLanguage, onLanguageChange, setLanguage, t } from './i18n.js';
import { Siren } from './siren.js';

const STATION_KEY = 'trygg.console.station';
/** After `welcome`, alarms not re-sent within this time were closed while we were away. */
const SYNC_TIMEOUT_MS = 10000;
const ERROR_SHOWN_MS = 8000;

/** @typedef {{ username: string, name: string, role: string, sites: string[] }} User */
/** @typedef {{ id: string, name: string, siteId: string, zoneId: string }} Station */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const dom = {
  topbar: $('topbar'), main: $('main'), conn: $('conn'), connText: $('conn-text'), who: $('who'),
  langSelect: /** @type {HTMLSelectElement} */ ($('lang-select')), logout: $('logout'), notice: $('notice'),
  views: { loading: $('view-loading'), login: $('view-login'), station: $('view-station'), armed: $('view-armed') },
  loginForm: /** @type {HTMLFormElement} */ ($('login-form')),
  username: /** @type {HTMLInputElement} */ ($('login-username')),
  password: /** @type {HTMLInputElement} */ ($('login-password')),
  loginSubmit: $('login-submit'), loginError: $('login-error'),
  stationSelect: /** @type {HTMLSelectElement} */ ($('station-select')), stationError: $('station-error'),
  stationRetry: $('station-retry'), arm: $('arm'),
  armedStation: $('armed-station'), soundWarning: $('sound-warning'), notifyWarning: $('notify-warning'),
  testSound: $('test-sound'), changeStation: $('change-station'),
  overlay: $('overlay'), overlayCount: $('overlay-count'), overlayConn: $('overlay-conn'), overlayError: $('overlay-error'),
  alarmList: $('alarm-list'),
};

const app = {
  /** @type {User | null} */ user: null,
  /** @type {Station[]} */ stations: [],
  /** @type {Station | null} */ station: null,
  /** @type {ConsoleConnection | null} */ conn: null,
  /** @type {'loading' | 'login' | 'station' | 'armed'} */ view: 'loading',
  board: new AlarmBoard(),
  siren: new Siren(),
  /** @type {Map<string, Notification>} */ notifications: new Map(),
  syncTimer: /** @type {any} */ (null),
  errorTimer: /** @type {any} */ (null),
  busy: false,
};

const overlay = new AlarmOverlay({
  root: dom.overlay, list: dom.alarmList, count: dom.overlayCount,
  userName: () => app.user?.name,
  onAction: (alarmId, action, outcome) => {
    if (!app.conn) return false;
    if (action === 'resolve') return app.conn.send({ type: 'resolve', alarmId, outcome });
    return app.conn.send({ type: action, alarmId });
  },
});

// ---- small helpers ---------------------------------------------------------------------------

/** Messages are kept as functions so a change of language re-renders them. */
/** @type {Map<HTMLElement, () => string>} */
const messages = new Map();

/** @param {HTMLElement} el @param {(() => string) | null} text */
function setMessage(el, text) {
  if (text) messages.set(el, text);
  else messages.delete(el);
  el.textContent = text ? text() : '';
  el.hidden = !text;
}

/** @param {string} method @param {string} path @param {object} [body] */
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  let data = null;
  try {
    data = await res.json();
  } catch {
    // empty or non-JSON body
  }
  return { status: res.status, ok: res.ok, data };
}

function storedStationId() {
  try {
    return localStorage.getItem(STATION_KEY);
  } catch {
    return null;
  }
}

/** @param {string | null} id */
function storeStationId(id) {
  try {
    if (id) localStorage.setItem(STATION_KEY, id);
    else localStorage.removeItem(STATION_KEY);
  } catch {
    // storage disabled: the choice is asked again next time
  }
}

// ---- views -----------------------------------------------------------------------------------

/** @param {'loading' | 'login' | 'station' | 'armed'} view */
function showView(view) {
  app.view = view;
  for (const [name, el] of Object.entries(dom.views)) el.hidden = name !== view;
  renderHeader();
  renderStatus();
}

function renderHeader() {
  const loggedIn = app.user !== null;
  dom.who.hidden = !loggedIn;
  dom.logout.hidden = !loggedIn;
  dom.conn.hidden = !loggedIn;
  dom.who.textContent = app.user ? t('user.signedInAs', { name: app.user.name }) : '';
  dom.armedStation.textContent = app.station ? t('armed.station', { station: app.station.name }) : '';
}

function statusText() {
  const conn = app.conn;
  if (!conn || conn.state === 'stopped' || conn.state === 'idle') return { cls: 'not-armed', text: t('status.notArmed') };
  if (conn.state === 'connected') return { cls: 'connected', text: t('status.connected') };
  if (conn.state === 'connecting') return { cls: 'connecting', text: t('status.connecting') };
  const seconds = Math.ceil((conn.retryAt - Date.now()) / 1000);
  return {
    cls: 'reconnecting',
    text: seconds > 0 ? t('status.reconnecting', { seconds }) : t('status.reconnectingNow'),
  };
}

function renderStatus() {
  const { cls, text } = statusText();
  if (dom.connText.textContent !== text) dom.connText.textContent = text;
  dom.conn.className = `conn ${cls}`;
  if (dom.overlayConn.textContent !== text) dom.overlayConn.textContent = text;
  dom.overlayConn.className = `overlay-conn ${cls}`;
}

function renderWarnings() {
  const armed = app.view === 'armed';
  dom.soundWarning.hidden = !armed || app.siren.unlocked;
  const notificationsOff = !('Notification' in window) || Notification.permission === 'denied';
  dom.notifyWarning.hidden = !armed || !notificationsOff;
}

function updateTitle() {
  document.title = app.board.size > 0 ? t('document.alarmTitle', { count: app.board.size }) : t('app.title');
}

/** @param {(() => string) | null} [error] */
function showLogin(error = null) {
  app.user = null;
  showView('login');
  setMessage(dom.loginError, error);
  dom.username.focus();
}

function renderStationOptions() {
  const select = dom.stationSelect;
  const chosen = select.value || storedStationId() || '';
  const manySites = new Set(app.stations.map((s) => s.siteId)).size > 1;
  const placeholder = document.createElement('option');
  placeholder.value = '';
  placeholder.textContent = t('station.choose');
  const options = app.stations.map((s) => {
    const o = document.createElement('option');
    o.value = s.id;
    o.textContent = manySites ? t('station.optionWithSite', { name: s.name, site: s.siteId }) : s.name;
    return o;
  });
  select.replaceChildren(placeholder, ...options);
  if (app.stations.some((s) => s.id === chosen)) select.value = chosen;
  else if (app.stations.length === 1) select.value = /** @type {Station} */ (app.stations[0]).id;
  dom.arm.setAttribute('aria-disabled', String(app.stations.length === 0));
}

/** @param {(() => string) | null} [error] */
async function showStations(error = null) {
  showView('loading');
  let res;
  try {
    res = await api('GET', '/api/v1/stations');
  } catch {
    res = null;
  }
  if (res?.status === 401) {
    showLogin(() => t('login.sessionExpired'));
    return;
  }
  app.stations = res?.ok && Array.isArray(res.data?.stations) ? res.data.stations : [];
  renderStationOptions();
  showView('station');
  dom.stationRetry.hidden = Boolean(res?.ok);
  if (!res) setMessage(dom.stationError, () => t('error.network'));
  else if (!res.ok) setMessage(dom.stationError, () => t('error.server', { status: res.status }));
  else if (app.stations.length === 0) setMessage(dom.stationError, () => t('station.none'));
  else setMessage(dom.stationError, error);
  dom.stationSelect.focus();
}

// ---- session -----------------------------------------------------------------------------------

async function checkSession() {
  showView('loading');
  try {
    const res = await api('GET', '/api/v1/session');
    if (res.ok && res.data?.user) {
      app.user = res.data.user;
      await showStations();
    } else if (res.status === 401) {
      showLogin();
    } else {
      showLogin(() => t('error.server', { status: res.status }));
    }
  } catch {
    showLogin(() => t('error.network'));
  }
}

/** @param {SubmitEvent} event */
async function onLogin(event) {
  event.preventDefault();
  if (app.busy) return;
  const username = dom.username.value.trim();
  const password = dom.password.value;
  if (!username || !password) {
    setMessage(dom.loginError, () => t('login.missing'));
    return;
  }
  app.busy = true;
  dom.loginSubmit.textContent = t('login.busy');
  dom.loginSubmit.setAttribute('aria-disabled', 'true');
  try {
    const res = await api('POST', '/api/v1/session', { username, password });
    if (res.ok) {
      dom.password.value = '';
      const user = res.data?.user ?? (await api('GET', '/api/v1/session')).data?.user;
      if (user) {
        app.user = user;
        setMessage(dom.loginError, null);
        await showStations();
      } else {
        setMessage(dom.loginError, () => t('error.server', { status: res.status }));
      }
    } else if (res.status === 401 || res.status === 403) {
      setMessage(dom.loginError, () => t('login.failed'));
      dom.password.select();
    } else if (res.status === 429) {
      setMessage(dom.loginError, () => t('login.tooMany'));
    } else {
      setMessage(dom.loginError, () => t('error.server', { status: res.status }));
    }
  } catch {
    setMessage(dom.loginError, () => t('error.network'));
  } finally {
    app.busy = false;
    dom.loginSubmit.textContent = t('login.submit');
    dom.loginSubmit.setAttribute('aria-disabled', 'false');
  }
}

async function onLogout() {
  if (app.board.size > 0 && !window.confirm(t('logout.confirmOpenAlarms'))) return;
  disarm();
  try {
    await api('DELETE', '/api/v1/session');
  } catch {
    // the cookie expires by itself; the page forgets the user either way
  }
  showLogin();
}

// ---- arming and alarms -------------------------------------------------------------------------

function onArm() {
  if (dom.arm.getAttribute('aria-disabled') === 'true') return;
  const station = app.stations.find((s) => s.id === dom.stationSelect.value);
  if (!station) {
    setMessage(dom.stationError, () => t('station.required'));
    dom.stationSelect.focus();
    return;
  }
  // Both must start inside the click handler: browsers allow sound and the permission prompt
  // only in response to a user gesture.
  const sound = app.siren.unlock();
  if ('Notification' in window && Notification.permission === 'default') {
    void Notification.requestPermission().then(renderWarnings, renderWarnings);
  }
  void sound.then((ok) => {
    if (ok) app.siren.beep();
    renderWarnings();
  });
  storeStationId(station.id);
  arm(station);
}

/** @param {Station} station */
function arm(station) {
  disarm();
  app.station = station;
  app.conn = new ConsoleConnection({
    url: consoleSocketUrl(window.location),
    stationId: station.id,
    onMessage,
    onStateChange,
  });
  showView('armed');
  app.conn.start();
  renderWarnings();
}

function disarm() {
  app.conn?.stop();
  app.conn = null;
  clearTimeout(app.syncTimer);
  app.board.clearAll();
  overlay.render([]);
  for (const n of app.notifications.values()) n.close();
  app.notifications.clear();
  updateAfterChange();
  renderStatus();
}

/** @param {{ type: string, [key: string]: unknown }} msg */
function onMessage(msg) {
  if (msg.type === 'error') {
    onServerError(String(msg.code ?? ''));
    return;
  }
  if (msg.type === 'welcome') {
    clearTimeout(app.syncTimer);
    app.syncTimer = setTimeout(() => applyChange(app.board.finishSync()), SYNC_TIMEOUT_MS);
  }
  applyChange(app.board.apply(msg));
  if (!app.board.syncing) clearTimeout(app.syncTimer);
}

/** @param {import('./alarm-board.js').BoardChange} change */
function applyChange(change) {
  if (change.added.length + change.updated.length + change.removed.length === 0) return;
  overlay.render(app.board.list(), change);
  for (const id of change.added) {
    const alarm = app.board.get(id);
    if (alarm) notify(alarm);
  }
  for (const id of change.removed) {
    app.notifications.get(id)?.close();
    app.notifications.delete(id);
  }
  updateAfterChange();
}

function updateAfterChange() {
  const open = app.board.size > 0;
  // While an alarm is shown, the rest of the page is out of reach (modal), also for keyboards.
  dom.main.inert = open;
  dom.topbar.inert = open;
  if (app.conn && app.board.needsTone()) app.siren.start();
  else app.siren.stop();
  updateTitle();
}

/** @param {import('./alarm-board.js').ConsoleAlarm} alarm */
function notify(alarm) {
  if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return;
  const kind = kindLabel(alarm.kind);
  const title = alarm.drill ? t('notify.titleDrill', { kind }) : t('notify.title', { kind });
  try {
    const n = new Notification(title, { body: placeLabel(alarm), tag: `trygg-${alarm.id}`, requireInteraction: true });
    n.onclick = () => {
      window.focus();
      n.close();
    };
    app.notifications.set(alarm.id, n);
  } catch {
    // some browsers only allow notifications from a service worker; the tone still sounds
  }
}

/** @param {string} code */
function wsErrorText(code) {
  switch (code) {
    // Codes are the server's catalogue (docs/errors.md).
    case 'TRYGG_SRV_BAD_REQUEST': return t('wsError.bad-message');
    case 'TRYGG_SRV_FORBIDDEN': return t('wsError.forbidden');
    case 'TRYGG_SRV_NOT_FOUND':
    case 'TRYGG_SRV_ALARM_CLOSED':
    case 'TRYGG_SRV_INVALID_TRANSITION': return t('wsError.unknown-alarm');
    default: return t('wsError.other', { code });
  }
}

/** @param {string} code */
function onServerError(code) {
  if (code === 'TRYGG_SRV_UNAUTHENTICATED') {
    disarm();
    showLogin(() => t('login.sessionExpired'));
    return;
  }
  if (code === 'TRYGG_SRV_UNKNOWN_STATION') {
    disarm();
    storeStationId(null);
    dom.stationSelect.value = '';
    void showStations(() => t('station.unknown'));
    return;
  }
  overlay.clearPending();
  overlay.render(app.board.list());
  const target = overlay.open ? dom.overlayError : dom.notice;
  setMessage(target, () => wsErrorText(code));
  clearTimeout(app.errorTimer);
  app.errorTimer = setTimeout(() => setMessage(target, null), ERROR_SHOWN_MS);
}

let sessionCheck = false;
/**
 * @param {string} state
 * @param {ConsoleConnection} conn
 */
function onStateChange(state, conn) {
  renderStatus();
  // A refused upgrade looks like any network failure; ask HTTP whether the session has ended.
  if (state === 'reconnecting' && conn.attempt >= 2 && conn.attempt % 3 === 2 && !sessionCheck) {
    sessionCheck = true;
    api('GET', '/api/v1/session')
      .then((res) => {
        if (res.status === 401 && app.conn === conn) {
          disarm();
          showLogin(() => t('login.sessionExpired'));
        }
      })
      .catch(() => {})
      .finally(() => {
        sessionCheck = false;
      });
  }
}

// ---- start -------------------------------------------------------------------------------------

function onLanguage() {
  applyTranslations(document);
  dom.langSelect.value = getLanguage();
  for (const [el, text] of messages) el.textContent = text();
  if (app.view === 'station') renderStationOptions();
  renderHeader();
  renderStatus();
  overlay.render(app.board.list());
  updateTitle();
}

function tick() {
  overlay.tick();
  renderStatus();
  if (app.view === 'armed') renderWarnings();
  if (app.conn && app.board.needsTone() !== app.siren.playing) updateAfterChange();
}

function start() {
  document.documentElement.lang = getLanguage();
  onLanguageChange(onLanguage);
  onLanguage();
  dom.langSelect.addEventListener('change', () => setLanguage(dom.langSelect.value));
  dom.loginForm.addEventListener('submit', (e) => void onLogin(/** @type {SubmitEvent} */ (e)));
  dom.logout.addEventListener('click', () => void onLogout());
  dom.arm.addEventListener('click', onArm);
  dom.stationSelect.addEventListener('change', () => setMessage(dom.stationError, null));
  dom.stationRetry.addEventListener('click', () => void showStations());
  dom.testSound.addEventListener('click', () => {
    void app.siren.unlock().then((ok) => {
      if (ok) app.siren.beep();
      renderWarnings();
    });
  });
  dom.changeStation.addEventListener('click', () => {
    disarm();
    void showStations();
  });
  // Closing an armed console by accident would leave this desk without alarms: ask first.
  window.addEventListener('beforeunload', (e) => {
    if (!app.conn) return;
    e.preventDefault();
    e.returnValue = ''; // older browsers need this; they show their own text, not ours
  });
  window.addEventListener('online', () => app.conn?.retryNow());
  setInterval(tick, 1000);
  void checkSession();
}

start();
