import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectSimulator } from '@trygg/firmware-sim';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import type { Alarm } from '../server/src/alarm/alarm-types';
import type { TryggConfig } from '../server/src/config/types';
import { DEMO_CONFIG } from '../server/src/environment';
import { SqliteStore } from '../server/src/store/sqlite/sqlite-store';
import { ConsoleClient } from '../test/support/console-client';
import { freePort } from '../test/support/free-port';
import { TryggProcess } from '../test/support/trygg-process';
import { numbered } from './bench-office';

/** Shared pieces of the alarms-first bench parts: an office, a server process, a press loop. */
const ROOMS = ['interview-1', 'interview-2', 'interview-3', 'reception'];
export const DEVICE_LOGIN = { username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' };

export interface OfficeShape {
  /** Press devices (one alarm each). */
  presses: string[];
  /** Heartbeat devices. */
  heartbeat?: string[];
  /** Extra console stations that step 0 of the standard chain reaches (besides backoffice). */
  stations?: string[];
}

export function writeOffice(dir: string, shape: OfficeShape): string {
  const config = parse(readFileSync(DEMO_CONFIG, 'utf8')) as TryggConfig;
  const site = config.sites[0]!;
  [...shape.presses, ...(shape.heartbeat ?? [])].forEach((id, i) =>
    site.devices.push({ id, type: 'panic-button', roomId: ROOMS[i % ROOMS.length]!, gatewayId: 'demo-gw' }));
  if (shape.stations?.length) {
    for (const id of shape.stations) site.stations.push({ id, name: id, zoneId: 'back', roomId: 'backoffice' });
    const team = site.groups.find((g) => g.id === 'backoffice-team')!;
    team.stations = [...(team.stations ?? []), ...shape.stations];
  }
  const file = join(dir, 'alarms-first-office.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

export interface BenchServer {
  trygg: TryggProcess;
  dir: string;
  mqttUrl: string;
  stop(): Promise<void>;
}

/** The server as `npm start` runs it (own process, embedded broker and gateway) on a fresh data dir. */
export async function startServer(shape: OfficeShape, opts: { env?: Record<string, string>; seed?: (dbFile: string) => void } = {}): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-af-'));
  const dataDir = join(dir, 'data');
  opts.seed?.(join(dataDir, 'trygg.db'));
  const trygg = new TryggProcess({
    dataDir, configFile: writeOffice(dir, shape), httpPort: await freePort(), mqttPort: await freePort(),
    env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', TRYGG_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0', ...opts.env },
  });
  try {
    await trygg.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    trygg, dir, mqttUrl: `mqtt://127.0.0.1:${trygg.options.mqttPort}`,
    stop: async () => {
      await trygg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Press-to-pop-up at one console (backoffice): each device presses once, the next press goes
 * after the pop-up arrived and `gapMs`. Returns ms per press after `warmup`.
 */
export async function pressLoop(
  server: BenchServer, devices: string[], warmup: number, gapMs: number, progress?: (done: number, total: number) => void,
): Promise<number[]> {
  const console = await ConsoleClient.open(server.trygg.baseUrl, 'backoffice');
  const sim = await connectSimulator({ url: server.mqttUrl, ...DEVICE_LOGIN });
  const arrived = new Map<string, number>();
  let waiting: { deviceId: string; resolve: () => void } | undefined;
  const push = console.messages.push.bind(console.messages);
  console.messages.push = (...items) => {
    const now = performance.now();
    for (const m of items) {
      if (m.type !== 'popup' || !m.alarm.deviceId || arrived.has(m.alarm.deviceId)) continue;
      arrived.set(m.alarm.deviceId, now);
      if (waiting?.deviceId === m.alarm.deviceId) waiting.resolve();
      console.send({ type: 'resolve', alarmId: m.alarm.id, outcome: 'test' });
    }
    return push(...items);
  };
  const samples: number[] = [];
  try {
    for (const [i, deviceId] of devices.entries()) {
      progress?.(i, devices.length);
      const shown = new Promise<void>((resolve) => (waiting = { deviceId, resolve }));
      const { sentAt } = await sim.press(deviceId);
      await withTimeout(shown, 15_000, `no pop-up for ${deviceId}`);
      if (i >= warmup) samples.push(arrived.get(deviceId)! - sentAt);
      await sleep(gapMs);
    }
  } finally {
    await sim.close();
    console.close();
  }
  return samples;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))])
    .finally(() => clearTimeout(timer));
}

export { numbered };

/**
 * Stores `count` closed alarms straight into SQLite before the server starts (the store's own
 * schema, rows shaped as the engine writes them), spread over the past year.
 */
export function seedHistory(dbFile: string, count: number): void {
  void new SqliteStore(dbFile).close(); // creates the schema (migrations)
  const db = new Database(dbFile);
  const insert = db.prepare(`INSERT INTO alarms (id, site_id, kind, state, device_id, raised_at, updated_at, next_step_due_at, version, data)
    VALUES (?, 'demo', 'panic', 'resolved', ?, ?, ?, NULL, 5, ?)`);
  const now = Date.now();
  const year = 365 * 24 * 3600 * 1000;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `seed-${String(i).padStart(6, '0')}`;
      const raisedAt = now - year + Math.floor((i / count) * (year - 3600_000));
      const alarm: Alarm = {
        id, siteId: 'demo', kind: 'panic', drill: false, deviceId: `old-${i % 500}`, roomId: ROOMS[i % 4], zoneId: 'front',
        chain: { chainId: 'standard', steps: [{ afterSeconds: 0, targets: [{ group: 'backoffice-team' }], until: 'acknowledged' }] },
        state: 'resolved', raisedAt, updatedAt: raisedAt + 60_000, pressCount: 1, responders: [{ username: 'kollega', name: 'Kari Kollega', at: raisedAt + 30_000 }],
        acknowledgedBy: { type: 'user', username: 'kollega', name: 'Kari Kollega' }, acknowledgedAt: raisedAt + 20_000, outcome: 'real', closedAt: raisedAt + 60_000,
        lastStep: 0, lastNotifiedStep: 0, nextStepDueAt: null, routedStations: ['backoffice'], version: 5,
      };
      insert.run(id, alarm.deviceId!, raisedAt, raisedAt + 60_000, JSON.stringify(alarm));
    }
  })();
  db.close();
}
