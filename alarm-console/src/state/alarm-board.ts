// The set of open alarms this console shows, driven only by console WebSocket messages
// (docs/protocol.md "Console WebSocket"). No DOM, no timers: tested in alarm-board.test.ts.
import type { ConsoleAlarm, ConsoleServerMessage as ServerMessage } from '@trygg/protocol';

export interface BoardChange {
  added: string[];
  updated: string[];
  removed: string[];
}

export const OPEN_STATES: readonly string[] = ['raised', 'acknowledged', 'responding'];

function isAlarm(alarm: unknown): alarm is ConsoleAlarm {
  return typeof alarm === 'object' && alarm !== null && typeof (alarm as { id?: unknown }).id === 'string';
}

const noChange = (): BoardChange => ({ added: [], updated: [], removed: [] });

export class AlarmBoard {
  #alarms = new Map<string, ConsoleAlarm>();
  /** After `welcome`: the alarms the server re-sent so far, and how many it announced. */
  #sync: { expected: number; seen: Set<string> } | null = null;

  /** Applies one server message and says which alarms appeared, changed or went away. */
  apply(msg: ServerMessage | { type: string; [key: string]: unknown }): BoardChange {
    const change = noChange();
    const m = msg as Record<string, unknown>;
    switch (msg.type) {
      case 'welcome': {
        const expected = Number.isInteger(m.openAlarms) ? (m.openAlarms as number) : 0;
        this.#sync = { expected, seen: new Set() };
        if (expected <= 0) this.#finishSync(change);
        break;
      }
      case 'popup':
      case 'update': {
        if (!isAlarm(m.alarm)) break;
        this.#upsert(m.alarm, change);
        if (this.#sync) {
          this.#sync.seen.add(m.alarm.id);
          if (this.#sync.seen.size >= this.#sync.expected) this.#finishSync(change);
        }
        break;
      }
      case 'clear': {
        if (typeof m.alarmId === 'string') this.#remove(m.alarmId, change);
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
   */
  finishSync(): BoardChange {
    const change = noChange();
    if (this.#sync) this.#finishSync(change);
    return change;
  }

  get syncing(): boolean {
    return this.#sync !== null;
  }

  get(id: string): ConsoleAlarm | undefined {
    return this.#alarms.get(id);
  }

  /** Open alarms, newest first, so a new pop-up is on top. */
  list(): ConsoleAlarm[] {
    return [...this.#alarms.values()].sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt) || a.id.localeCompare(b.id));
  }

  get size(): number {
    return this.#alarms.size;
  }

  /** The tone repeats while any alarm that deserves it is raised and nobody has acknowledged it. */
  needsTone(sounds: (a: ConsoleAlarm) => boolean = () => true): boolean {
    for (const a of this.#alarms.values()) if (a.state === 'raised' && sounds(a)) return true;
    return false;
  }

  clearAll(): void {
    this.#alarms.clear();
    this.#sync = null;
  }

  #upsert(alarm: ConsoleAlarm, change: BoardChange): void {
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

  #remove(id: string, change: BoardChange): void {
    if (this.#alarms.delete(id)) change.removed.push(id);
  }

  #finishSync(change: BoardChange): void {
    const seen = this.#sync!.seen;
    this.#sync = null;
    for (const id of [...this.#alarms.keys()]) if (!seen.has(id)) this.#remove(id, change);
  }
}
