// The full-window alarm pop-up: one card per open alarm, newest first. Escape does not dismiss
// it (an alarm is only gone when the server clears it); every control is a native button or
// select, so Tab, Enter and Space work.

import { getLocale, t } from './i18n.js';

/** @typedef {import('./alarm-board.js').ConsoleAlarm} ConsoleAlarm */
/** @typedef {'respond' | 'acknowledge' | 'resolve'} AlarmAction */

/**
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attrs]
 * @param {(Node | string | null | false | undefined)[]} [children]
 */
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

/** @param {string} kind */
export function kindLabel(kind) {
  switch (kind) {
    case 'panic': return t('kind.panic');
    case 'personal': return t('kind.personal');
    case 'man-down': return t('kind.man-down');
    case 'no-checkin': return t('kind.no-checkin');
    case 'evacuation': return t('kind.evacuation');
    case 'technical': return t('kind.technical');
    default: return t('kind.other');
  }
}

/** @param {string} state */
export function stateLabel(state) {
  switch (state) {
    case 'raised': return t('state.raised');
    case 'acknowledged': return t('state.acknowledged');
    case 'responding': return t('state.responding');
    case 'resolved': return t('state.resolved');
    case 'cancelled': return t('state.cancelled');
    default: return state;
  }
}

/** @param {ConsoleAlarm} alarm */
export function placeLabel(alarm) {
  const room = alarm.roomName ?? alarm.roomId;
  if (room && alarm.floor) return t('popup.roomFloor', { room, floor: alarm.floor });
  if (room) return room;
  if (alarm.deviceId) return t('popup.device', { device: alarm.deviceId });
  return t('popup.unknownRoom');
}

/** @param {number} ms */
export function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('time.hours', { h, m });
  if (m > 0) return t('time.minutes', { m, s: String(s).padStart(2, '0') });
  return t('time.seconds', { s });
}

export class AlarmOverlay {
  /** Actions sent and not yet answered by an update, per alarm. */
  /** @type {Map<string, Set<AlarmAction>>} */
  #pending = new Map();
  /** The outcome chosen in each card's select, kept across re-renders. */
  /** @type {Map<string, string>} */
  #outcomes = new Map();
  /** @type {Map<string, string>} */
  #messages = new Map();

  /**
   * @param {{
   *   root: HTMLElement, list: HTMLElement, count: HTMLElement,
   *   onAction: (alarmId: string, action: AlarmAction, outcome?: string) => boolean,
   *   userName: () => string | undefined,
   *   now?: () => number,
   * }} options
   */
  constructor(options) {
    this.o = options;
    this.now = options.now ?? Date.now;
    // Escape must never close an alarm; stop it from reaching anything that might.
    options.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') e.preventDefault();
    });
  }

  get open() {
    return !this.o.root.hidden;
  }

  /**
   * Shows exactly the given alarms. Cards are replaced in place and keep keyboard focus.
   * @param {ConsoleAlarm[]} alarms newest first
   * @param {{ added?: string[], updated?: string[] }} [change]
   */
  render(alarms, change = {}) {
    for (const id of change.updated ?? []) {
      this.#pending.delete(id); // the server answered
      this.#messages.delete(id);
    }
    const { root, list, count } = this.o;
    const wasOpen = !root.hidden;
    const active = document.activeElement;
    const focusCard = active instanceof HTMLElement ? active.closest('[data-alarm-id]') : null;
    const focusId = focusCard?.getAttribute('data-alarm-id');
    const focusKey = active instanceof HTMLElement ? active.getAttribute('data-focus-key') : null;

    const ids = new Set(alarms.map((a) => a.id));
    for (const id of [...this.#outcomes.keys()]) if (!ids.has(id)) this.#outcomes.delete(id);
    for (const id of [...this.#pending.keys()]) if (!ids.has(id)) this.#pending.delete(id);
    for (const id of [...this.#messages.keys()]) if (!ids.has(id)) this.#messages.delete(id);

    list.replaceChildren(...alarms.map((a) => this.#card(a)));
    count.textContent = alarms.length > 1 ? t('overlay.count', { count: alarms.length }) : '';
    root.hidden = alarms.length === 0;

    if (focusId && focusKey && ids.has(focusId)) {
      this.#focus(focusId, focusKey);
    } else if (alarms.length > 0) {
      const newest = alarms.find((a) => change.added?.includes(a.id));
      if (!wasOpen || !root.contains(document.activeElement) || newest) {
        this.#focus((newest ?? alarms[0]).id, 'respond');
      }
    }
  }

  /** The server refused an action: make every button usable again (the caller re-renders). */
  clearPending() {
    this.#pending.clear();
    this.#messages.clear();
  }

  /** Refreshes the ticking "raised … ago" lines without touching focus. */
  tick() {
    for (const node of this.o.list.querySelectorAll('[data-raised-at]')) {
      const at = Date.parse(/** @type {string} */ (node.getAttribute('data-raised-at')));
      node.textContent = this.#elapsedText(at);
    }
  }

  /** @param {number} at */
  #elapsedText(at) {
    const clock = new Date(at).toLocaleTimeString(getLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return t('popup.elapsed', { time: formatDuration(this.now() - at), clock });
  }

  /** @param {string} id @param {string} key */
  #focus(id, key) {
    const card = this.o.list.querySelector(`[data-alarm-id="${CSS.escape(id)}"]`);
    const target = card?.querySelector(`[data-focus-key="${key}"]`) ?? card?.querySelector('button');
    if (target instanceof HTMLElement) target.focus();
  }

  /** @param {ConsoleAlarm} a */
  #card(a) {
    const pending = this.#pending.get(a.id) ?? new Set();
    const me = this.o.userName();
    const iResponded = me !== undefined && a.responders.includes(me);
    const headingId = `alarm-${a.id}-kind`;

    const respond = this.#button(a.id, 'respond', iResponded ? t('popup.responded') : t('popup.respond'),
      iResponded || pending.has('respond'), 'primary');
    const acknowledge = this.#button(a.id, 'acknowledge', a.state === 'raised' ? t('popup.acknowledge') : t('popup.acknowledged'),
      a.state !== 'raised' || pending.has('acknowledge'), 'secondary');

    const select = /** @type {HTMLSelectElement} */ (el('select', { 'data-focus-key': 'outcome' }, [
      el('option', { value: '' }, [t('popup.outcomeChoose')]),
      el('option', { value: 'real' }, [t('outcome.real')]),
      el('option', { value: 'false' }, [t('outcome.false')]),
      el('option', { value: 'test' }, [t('outcome.test')]),
    ]));
    select.value = this.#outcomes.get(a.id) ?? '';
    const resolve = this.#button(a.id, 'resolve', t('popup.resolve'), !select.value || pending.has('resolve'), 'secondary');
    select.addEventListener('change', () => {
      this.#outcomes.set(a.id, select.value);
      resolve.setAttribute('aria-disabled', String(!select.value || pending.has('resolve')));
    });

    const raisedAt = Date.parse(a.raisedAt);
    const message = this.#messages.get(a.id);
    return el('article', {
      class: `alarm-card state-${a.state}${a.drill ? ' drill' : ''}`,
      'data-alarm-id': a.id,
      'aria-labelledby': headingId,
    }, [
      el('p', { class: 'alarm-meta' }, [
        a.drill && el('span', { class: 'badge-drill' }, [t('popup.drill')]),
        el('span', { class: 'alarm-state' }, [stateLabel(a.state)]),
      ]),
      el('h2', { class: 'alarm-kind', id: headingId }, [kindLabel(a.kind)]),
      el('p', { class: 'alarm-place' }, [placeLabel(a)]),
      el('p', { class: 'alarm-elapsed', 'data-raised-at': a.raisedAt }, [this.#elapsedText(raisedAt)]),
      a.pressCount > 1 && el('p', { class: 'alarm-presses' }, [t('popup.pressCount', { count: a.pressCount })]),
      el('p', { class: 'alarm-responders' }, [
        a.responders.length > 0 ? t('popup.responders', { names: a.responders.join(', ') }) : t('popup.noResponders'),
      ]),
      a.acknowledgedBy && el('p', { class: 'alarm-acked' }, [t('popup.acknowledgedBy', { name: a.acknowledgedBy })]),
      el('div', { class: 'alarm-actions' }, [
        respond,
        acknowledge,
        el('div', { class: 'alarm-resolve' }, [
          el('label', {}, [el('span', {}, [t('popup.outcome')]), select]),
          resolve,
        ]),
      ]),
      el('p', { class: 'alarm-message', role: 'status' }, [message ?? '']),
    ]);
  }

  /**
   * Buttons stay focusable when unavailable (aria-disabled), so focus never drops to the page.
   * @param {string} alarmId @param {AlarmAction} action @param {string} label @param {boolean} unavailable @param {string} cls
   */
  #button(alarmId, action, label, unavailable, cls) {
    const button = /** @type {HTMLButtonElement} */ (el('button', {
      type: 'button', class: cls, 'data-focus-key': action, 'aria-disabled': String(unavailable),
    }, [label]));
    button.addEventListener('click', () => {
      if (button.getAttribute('aria-disabled') === 'true') return;
      const outcome = action === 'resolve' ? this.#outcomes.get(alarmId) : undefined;
      const sent = this.o.onAction(alarmId, action, outcome);
      if (sent) {
        const set = this.#pending.get(alarmId) ?? new Set();
        set.add(action);
        this.#pending.set(alarmId, set);
        this.#messages.set(alarmId, t('popup.sent'));
        button.setAttribute('aria-disabled', 'true');
      } else {
        this.#messages.set(alarmId, t('popup.offline'));
      }
      const card = button.closest('[data-alarm-id]');
      const msg = card?.querySelector('.alarm-message');
      if (msg) msg.textContent = this.#messages.get(alarmId) ?? '';
    });
    return button;
  }
}
