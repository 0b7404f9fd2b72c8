import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface StoredAlarm {
  id: string;
  deviceId: string;
  kind: string;
  state: string;
  raisedAt: number;
}

export interface StoredPressEvent {
  eventId: string;
  deviceId: string;
  gatewayId: string;
  receivedAt: number;
  alarmId: string | null;
}

export interface StoredState {
  alarms: StoredAlarm[];
  pressEvents: StoredPressEvent[];
}

/**
 * What the server stored, read from its SQLite file read-only after every process stopped: the
 * alarms with a device, and the press events (one row per event id the server accepted).
 */
export function readStoredState(dbFile: string): StoredState {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const alarms = db.prepare(`SELECT id, device_id AS deviceId, kind, state, raised_at AS raisedAt FROM alarms WHERE device_id IS NOT NULL`).all() as StoredAlarm[];
    const pressEvents = db.prepare(`SELECT event_id AS eventId, device_id AS deviceId, gateway_id AS gatewayId, received_at AS receivedAt, alarm_id AS alarmId
      FROM device_events WHERE kind = 'press'`).all() as StoredPressEvent[];
    return { alarms, pressEvents };
  } finally {
    db.close();
  }
}

/** Events still waiting in a gateway's outbox (never receipted by the server). */
export function outboxLeftovers(file: string): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
