// The set of open alarms this console shows, driven only by console WebSocket messages
// (docs/protocol.md "Console WebSocket"). No DOM, no timers: tested in alarm-console/src.

/** @typedef {{ id: string, siteId: string, kind: string, state: string, drill: boolean,
 *   deviceId?: string, roomId?: string, roomName?: string, floor?: string, zoneId?: string,
 *   raisedAt: string, updatedAt: string, pressCount: number, responders: string[],
 *   acknowledgedBy?: string }} ConsoleAlarm */

/** @typedef {{ added: string[], updated: string[], removed: string[] }} BoardChange */

export const OPEN_STATES = ['raised', 'acknowledged', 'responding'];

/** @param {unknown} alarm @returns {alarm is ConsoleAlarm} */
function isAlarm(alarm) {
  return typeof alarm === 'object' && alarm !== null && typeof (/** @type {any} */ (alarm).id) === 'string';
}

export class AlarmBoard {
  /** @type {Map<string, ConsoleAlarm>} */
  #alarms = new Map();
  /** After `welcome`: the alarms the server re-sent so far, and how many it announced. */
  /** @type {{ expected: number, seen: Set<string> } | null} */
  #sync = null;

  /**
   * Applies one server message and says which alarms appeared, changed or went away.
   * @param {{ type: string, [key: string]: unknown }} msg
   * @returns {BoardChange}
   */
  apply(msg) {
    /** @type {BoardChange} */
    const change = { added: [], updated: [], removed: [] };
    switch (msg.type) {
      case 'welcome': {
        const expected = Number.isInteger(msg.openAlarms) ? /** @type {number} */ (msg.openAlarms) : 0;
        this.#sync = { expected, seen: new Set() };
        if (expected <= 0) this.#finishSync(change);
        break;
      }
      case 'popup':
      case 'update': {
        if (!isAlarm(msg.alarm)) break;
        this.#upsert(msg.alarm, change);
        if (this.#sync) {
          this.#sync.seen.add(msg.alarm.id);
          if (this.#sync.seen.size >= this.#sync.expected) this.#finishSync(change);
        }
        break;
      }
      case 'clear': {
        if (typeof msg.alarmId === 'string') this.#remove(msg.alarmId, change);
        break;
      }
      default:
        break;
    }
    return change;
  }

  /**
   * Ends the resync after a reconnect even if fewer pop-ups came than `welcome` announced
   * (an alarm closed in between). Alarms not re-sent were closed while we were away.
   * @returns {BoardChange}
   */
  finishSync() {
    /** @type {BoardChange} */
    const change = { added: [], updated: [], removed: [] };
    if (this.#sync) this.#finishSync(change);
    return change;
  }

  get syncing() {
    return this.#sync !== null;
  }

  /** @param {string} id */
  get(id) {
    return this.#alarms.get(id);
  }

  /** Open alarms, newest first, so a new pop-up is on top. */
  list() {
    return [...this.#alarms.values()].sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt) || a.id.localeCompare(b.id));
  }

  get size() {
    return this.#alarms.size;
  }

  /** The tone repeats while any alarm is raised and nobody has acknowledged it. */
  needsTone() {
    for (const a of this.#alarms.values()) if (a.state === 'raised') return true;
    return false;
  }

  clearAll() {
    this.#alarms.clear();
    this.#sync = null;
  }

  /** @param {ConsoleAlarm} alarm @param {BoardChange} change */
  #upsert(alarm, change) {
    if (!OPEN_STATES.includes(alarm.state)) {
      this.#remove(alarm.id, change);
      return;
    }
    const known = this.#alarms.get(alarm.id);
    // One pop-up per alarm: a repeated popup (after a reconnect) refreshes the one shown.
    if (known) {
      if (Date.parse(alarm.updatedAt) < Date.parse(known.updatedAt)) return; // older news
      this.#alarms.set(alarm.id, alarm);
      change.updated.push(alarm.id);
    } else {
      this.#alarms.set(alarm.id, alarm);
      change.added.push(alarm.id);
    }
  }

  /** @param {string} id @param {BoardChange} change */
  #remove(id, change) {
    if (this.#alarms.delete(id)) change.removed.push(id);
  }

  /** @param {BoardChange} change */
  #finishSync(change) {
    const seen = /** @type {{ seen: Set<string> }} */ (this.#sync).seen;
    this.#sync = null;
    for (const id of [...this.#alarms.keys()]) if (!seen.has(id)) this.#remove(id, change);
  }
}
