// Every visible string of the console, in Norwegian bokmål (the default) and English.
// alarm-console/src/i18n.test.ts checks that both dictionaries have the same keys and
// placeholders, no empty strings, and that the page uses no key missing here.

/** @typedef {'nb' | 'en'} Language */

/** @type {readonly Language[]} */
export const LANGUAGES = ['nb', 'en'];
export const DEFAULT_LANGUAGE = 'nb';
const STORAGE_KEY = 'trygg.console.lang';

/** @type {Record<Language, Record<string, string>>} */
export const dictionaries = {
  nb: {
    'app.title': 'Trygg alarmmottak',
    'app.loading': 'Laster …',
    'lang.label': 'Språk',
    'lang.nb': 'Norsk (bokmål)',
    'lang.en': 'English',

    'login.heading': 'Logg inn',
    'login.username': 'Brukernavn',
    'login.password': 'Passord',
    'login.submit': 'Logg inn',
    'login.busy': 'Logger inn …',
    'login.failed': 'Feil brukernavn eller passord.',
    'login.missing': 'Skriv inn brukernavn og passord.',
    'login.tooMany': 'For mange forsøk. Vent litt og prøv igjen.',
    'login.sessionExpired': 'Økten er avsluttet. Logg inn på nytt.',
    'logout': 'Logg ut',
    'logout.confirmOpenAlarms': 'Det er åpne alarmer. Vil du likevel logge ut? Denne PC-en får da ingen alarmer.',
    'user.signedInAs': 'Innlogget som {name}',

    'error.network': 'Får ikke kontakt med serveren. Sjekk nettverket og prøv igjen.',
    'error.server': 'Serveren svarte med en feil ({status}).',
    'error.retry': 'Prøv igjen',

    'station.heading': 'Velg arbeidsstasjon',
    'station.intro': 'Velg PC-en du sitter ved. Alarmer fra rommet og sonen din vises ikke her, slik at ingen i rommet merker alarmen.',
    'station.label': 'Arbeidsstasjon',
    'station.choose': 'Velg …',
    'station.optionWithSite': '{name} ({site})',
    'station.required': 'Velg en arbeidsstasjon først.',
    'station.none': 'Ingen arbeidsstasjoner er satt opp for deg. Kontakt sikkerhetsansvarlig.',
    'station.arm': 'Aktiver alarmmottak',
    'station.armHint': 'Slår på lyd og skrivebordsvarsler. Du hører et kort pip som lydtest.',
    'station.unknown': 'Arbeidsstasjonen finnes ikke lenger, eller du har ikke tilgang til den. Velg på nytt.',

    'status.label': 'Status',
    'status.notArmed': 'Ikke aktivert – denne PC-en får ingen alarmer',
    'status.connecting': 'Kobler til …',
    'status.connected': 'Tilkoblet – klar for alarmer',
    'status.reconnecting': 'Mistet forbindelsen – prøver igjen om {seconds} s',
    'status.reconnectingNow': 'Mistet forbindelsen – kobler til på nytt …',

    'armed.heading': 'Alarmmottaket er aktivt',
    'armed.station': 'Arbeidsstasjon: {station}',
    'armed.keepOpen': 'La denne siden være åpen. Alarmer dukker opp over hele vinduet, med lyd.',
    'armed.noAlarms': 'Ingen åpne alarmer.',
    'armed.testSound': 'Test lyd',
    'armed.changeStation': 'Bytt arbeidsstasjon',
    'armed.soundOff': 'Nettleseren har ikke slått på lyden. Trykk «Test lyd».',
    'armed.notificationsOff': 'Skrivebordsvarsler er slått av. Alarmer vises bare når denne fanen er åpen.',

    'overlay.heading': 'ALARM',
    'overlay.count': 'Åpne alarmer: {count}',
    'document.alarmTitle': '({count}) ALARM – Trygg',

    'kind.panic': 'Overfallsalarm',
    'kind.personal': 'Personalarm',
    'kind.man-down': 'Mann ned-alarm',
    'kind.no-checkin': 'Manglende innsjekk',
    'kind.evacuation': 'Evakuering',
    'kind.technical': 'Teknisk alarm',
    'kind.other': 'Alarm',

    'state.raised': 'Utløst – ingen har kvittert',
    'state.acknowledged': 'Kvittert',
    'state.responding': 'Hjelp er på vei',
    'state.resolved': 'Løst',
    'state.cancelled': 'Avbrutt',

    'popup.drill': 'ØVELSE',
    'popup.roomFloor': '{room}, {floor}. etasje',
    'popup.unknownRoom': 'Ukjent rom',
    'popup.device': 'Enhet: {device}',
    'popup.elapsed': 'Utløst for {time} siden (kl. {clock})',
    'popup.pressCount': 'Trykket {count} ganger',
    'popup.responders': 'På vei: {names}',
    'popup.noResponders': 'Ingen har meldt at de kommer ennå.',
    'popup.acknowledgedBy': 'Kvittert av {name}',
    'popup.respond': 'Jeg kommer',
    'popup.responded': 'Du er meldt på vei',
    'popup.acknowledge': 'Kvitter',
    'popup.acknowledged': 'Kvittert',
    'popup.outcome': 'Utfall',
    'popup.outcomeChoose': 'Velg utfall …',
    'popup.resolve': 'Løs',
    'popup.sent': 'Sendt …',
    'popup.offline': 'Ikke tilkoblet – handlingen ble ikke sendt. Prøv igjen når statusen er «Tilkoblet».',

    'outcome.real': 'Reell alarm',
    'outcome.false': 'Falsk alarm',
    'outcome.test': 'Test eller øvelse',

    'time.seconds': '{s} s',
    'time.minutes': '{m} min {s} s',
    'time.hours': '{h} t {m} min',

    'notify.title': 'ALARM: {kind}',
    'notify.titleDrill': 'ØVELSE: {kind}',

    'wsError.bad-message': 'Serveren forsto ikke meldingen fra denne siden.',
    'wsError.forbidden': 'Du har ikke lov til å gjøre dette.',
    'wsError.unknown-alarm': 'Alarmen er ikke åpen lenger.',
    'wsError.other': 'Feil fra serveren ({code}).',
  },

  en: {
    'app.title': 'Trygg alarm console',
    'app.loading': 'Loading …',
    'lang.label': 'Language',
    'lang.nb': 'Norsk (bokmål)',
    'lang.en': 'English',

    'login.heading': 'Log in',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Log in',
    'login.busy': 'Logging in …',
    'login.failed': 'Wrong username or password.',
    'login.missing': 'Enter your username and password.',
    'login.tooMany': 'Too many attempts. Wait a moment and try again.',
    'login.sessionExpired': 'Your session has ended. Please log in again.',
    'logout': 'Log out',
    'logout.confirmOpenAlarms': 'There are open alarms. Log out anyway? This PC will then receive no alarms.',
    'user.signedInAs': 'Logged in as {name}',

    'error.network': 'Cannot reach the server. Check the network and try again.',
    'error.server': 'The server answered with an error ({status}).',
    'error.retry': 'Try again',

    'station.heading': 'Choose your station',
    'station.intro': 'Choose the PC you are sitting at. Alarms from your own room and zone are not shown here, so nobody in the room notices the alarm.',
    'station.label': 'Station',
    'station.choose': 'Choose …',
    'station.optionWithSite': '{name} ({site})',
    'station.required': 'Choose a station first.',
    'station.none': 'No stations are set up for you. Contact your security contact.',
    'station.arm': 'Arm the console',
    'station.armHint': 'Turns on sound and desktop notifications. You will hear a short beep as a sound test.',
    'station.unknown': 'The station no longer exists, or you have no access to it. Please choose again.',

    'status.label': 'Status',
    'status.notArmed': 'Not armed – this PC receives no alarms',
    'status.connecting': 'Connecting …',
    'status.connected': 'Connected – ready for alarms',
    'status.reconnecting': 'Connection lost – retrying in {seconds} s',
    'status.reconnectingNow': 'Connection lost – reconnecting …',

    'armed.heading': 'The console is armed',
    'armed.station': 'Station: {station}',
    'armed.keepOpen': 'Keep this page open. Alarms appear over the whole window, with sound.',
    'armed.noAlarms': 'No open alarms.',
    'armed.testSound': 'Test sound',
    'armed.changeStation': 'Change station',
    'armed.soundOff': 'The browser has not turned on sound. Press “Test sound”.',
    'armed.notificationsOff': 'Desktop notifications are off. Alarms only show while this tab is open.',

    'overlay.heading': 'ALARM',
    'overlay.count': 'Open alarms: {count}',
    'document.alarmTitle': '({count}) ALARM – Trygg',

    'kind.panic': 'Panic alarm',
    'kind.personal': 'Personal alarm',
    'kind.man-down': 'Man down',
    'kind.no-checkin': 'Missed check-in',
    'kind.evacuation': 'Evacuation',
    'kind.technical': 'Technical alarm',
    'kind.other': 'Alarm',

    'state.raised': 'Raised – not acknowledged',
    'state.acknowledged': 'Acknowledged',
    'state.responding': 'Help is on the way',
    'state.resolved': 'Resolved',
    'state.cancelled': 'Cancelled',

    'popup.drill': 'DRILL',
    'popup.roomFloor': '{room}, floor {floor}',
    'popup.unknownRoom': 'Unknown room',
    'popup.device': 'Device: {device}',
    'popup.elapsed': 'Raised {time} ago (at {clock})',
    'popup.pressCount': 'Pressed {count} times',
    'popup.responders': 'On the way: {names}',
    'popup.noResponders': 'Nobody has said they are coming yet.',
    'popup.acknowledgedBy': 'Acknowledged by {name}',
    'popup.respond': 'I’m coming',
    'popup.responded': 'You are on your way',
    'popup.acknowledge': 'Acknowledge',
    'popup.acknowledged': 'Acknowledged',
    'popup.outcome': 'Outcome',
    'popup.outcomeChoose': 'Choose outcome …',
    'popup.resolve': 'Resolve',
    'popup.sent': 'Sent …',
    'popup.offline': 'Not connected – the action was not sent. Try again when the status says “Connected”.',

    'outcome.real': 'Real alarm',
    'outcome.false': 'False alarm',
    'outcome.test': 'Test or drill',

    'time.seconds': '{s} s',
    'time.minutes': '{m} min {s} s',
    'time.hours': '{h} h {m} min',

    'notify.title': 'ALARM: {kind}',
    'notify.titleDrill': 'DRILL: {kind}',

    'wsError.bad-message': 'The server did not understand a message from this page.',
    'wsError.forbidden': 'You are not allowed to do this.',
    'wsError.unknown-alarm': 'The alarm is no longer open.',
    'wsError.other': 'Error from the server ({code}).',
  },
};

/** BCP 47 locales for dates and times. */
const LOCALES = { nb: 'nb-NO', en: 'en-GB' };

/** @returns {Storage | null} */
function storage() {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy settings): the console still works, it just forgets
  }
}

/** @param {unknown} lang @returns {lang is Language} */
function isLanguage(lang) {
  return typeof lang === 'string' && /** @type {readonly string[]} */ (LANGUAGES).includes(lang);
}

/** @type {Language} */
let current = (() => {
  const stored = storage()?.getItem(STORAGE_KEY);
  return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
})();

/** @type {Set<(lang: Language) => void>} */
const listeners = new Set();

/** @returns {Language} */
export function getLanguage() {
  return current;
}

export function getLocale() {
  return LOCALES[current];
}

/** @param {string} lang */
export function setLanguage(lang) {
  if (!isLanguage(lang)) return;
  current = lang;
  try {
    storage()?.setItem(STORAGE_KEY, lang);
  } catch {
    // quota or privacy mode: keep the choice for this page only
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

/** @param {(lang: Language) => void} fn */
export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Translates `key`, filling `{name}` placeholders from `params`. A key missing from the current
 * language falls back to bokmål, then to the key itself (the test keeps that from happening).
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export function t(key, params) {
  const text = dictionaries[current][key] ?? dictionaries[DEFAULT_LANGUAGE][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/**
 * Fills the static page: `data-i18n="key"` sets the text, `data-i18n-attr="attr:key,attr:key"`
 * sets attributes (aria-label, placeholder, title ...).
 * @param {ParentNode} root
 */
export function applyTranslations(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(/** @type {string} */ (el.getAttribute('data-i18n')));
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of /** @type {string} */ (el.getAttribute('data-i18n-attr')).split(',')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}
