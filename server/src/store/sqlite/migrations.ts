import type { Migration } from './migrate';

/** Migrations of the core tables (module `core`); see migrate.ts. */

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'alarms, device events, sessions',
    sql: `
      CREATE TABLE device_events (
        event_id    TEXT PRIMARY KEY,
        site_id     TEXT NOT NULL,
        gateway_id  TEXT NOT NULL,
        device_id   TEXT NOT NULL,
        kind        TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        at          TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        alarm_id    TEXT
      );
      CREATE TABLE alarms (
        id               TEXT PRIMARY KEY,
        site_id          TEXT NOT NULL,
        kind             TEXT NOT NULL,
        state            TEXT NOT NULL,
        device_id        TEXT,
        raised_at        INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        next_step_due_at INTEGER,
        version          INTEGER NOT NULL,
        data             TEXT NOT NULL
      );
      CREATE INDEX alarms_state ON alarms (state, raised_at);
      CREATE INDEX alarms_due ON alarms (next_step_due_at) WHERE next_step_due_at IS NOT NULL;
      -- One alarm per incident: at most one open alarm per device, enforced by the database too.
      CREATE UNIQUE INDEX alarms_one_open_per_device ON alarms (site_id, device_id)
        WHERE device_id IS NOT NULL AND state IN ('raised', 'acknowledged', 'responding');
      CREATE TABLE alarm_events (
        alarm_id TEXT NOT NULL REFERENCES alarms (id),
        seq      INTEGER NOT NULL,
        type     TEXT NOT NULL,
        at       INTEGER NOT NULL,
        data     TEXT NOT NULL,
        PRIMARY KEY (alarm_id, seq)
      );
      CREATE TABLE alarm_routes (
        alarm_id   TEXT NOT NULL REFERENCES alarms (id),
        station_id TEXT NOT NULL,
        PRIMARY KEY (alarm_id, station_id)
      );
      CREATE INDEX alarm_routes_station ON alarm_routes (station_id);
      CREATE TABLE devices_seen (
        site_id      TEXT NOT NULL,
        device_id    TEXT NOT NULL,
        gateway_id   TEXT NOT NULL,
        last_seen_at INTEGER NOT NULL,
        battery      INTEGER,
        PRIMARY KEY (site_id, device_id)
      );
      CREATE TABLE gateway_status (
        site_id      TEXT NOT NULL,
        gateway_id   TEXT NOT NULL,
        state        TEXT NOT NULL,
        at           INTEGER NOT NULL,
        outbox_depth INTEGER,
        PRIMARY KEY (site_id, gateway_id)
      );
      -- Which consoles were online, so a restarted server gives them a grace period to reconnect
      -- before presence-aware routing treats them as gone.
      CREATE TABLE station_presence (
        station_id TEXT PRIMARY KEY,
        online     INTEGER NOT NULL,
        changed_at INTEGER NOT NULL
      );
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username   TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'device events wait for their handlers',
    sql: `
      -- An event's feature handlers (self-test, man-down, check-in, fire input ...) run after the
      -- commit; until they have, the event is "unhandled" and a restarted server runs them again,
      -- so a crash between commit and handler loses nothing. pending_detail keeps what they need
      -- (time, location, battery; never a PIN) only until then.
      ALTER TABLE device_events ADD COLUMN handled_at INTEGER;
      ALTER TABLE device_events ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE device_events ADD COLUMN pending_detail TEXT;
      UPDATE device_events SET handled_at = received_at;
      CREATE INDEX device_events_unhandled ON device_events (received_at) WHERE handled_at IS NULL;
    `,
  },
  {
    version: 3,
    name: 'alarm history served by an index',
    sql: `
      -- History pages are keyset-paginated newest first (raised_at DESC, id DESC): these indexes
      -- serve that ORDER BY without a sort, for all sites, one site, and one state, so a page
      -- costs its own rows whatever the number of stored alarms. alarms_state_history replaces
      -- alarms_state (same leading columns).
      CREATE INDEX alarms_history ON alarms (raised_at, id);
      CREATE INDEX alarms_site_history ON alarms (site_id, raised_at, id);
      CREATE INDEX alarms_state_history ON alarms (state, raised_at, id);
      DROP INDEX alarms_state;
    `,
  },
];
