import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { DeviceCommand, DeviceEvent, Receipt } from '@trygg/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { propertyRuns, propertyTimeout } from '../../../test/support/property-runs';
import { SteppingClock, settle } from '../../../test/support/stepping-clock';
import { loadConfigFile } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import type { UserConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import { TryggError } from '../errors';
import { createMetrics } from '../metrics/metrics';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub, type ConsoleConnection } from '../ws/console-hub';
import { AlarmService, type UserCommand } from './alarm-service';
import type { Alarm, AlarmEvent } from './alarm-types';

/**
 * Property: whatever the order of presses, redeliveries, server restarts (crashes included, even
 * between a press's commit and its effects), console presence changes, people's actions and the
 * passing of time, (1) every distinct press is one alarm or folded into its device's open alarm,
 * (2) a redelivered event never makes a second alarm, and (3) every alarm ends owned or loudly
 * escalated: the loud last step fires within the chain's total wait (plus the time the server
 * was down), and an owned alarm nobody marks "on scene" is escalated again in time.
 * Real SQLite file, real engine, real console hub; only time is simulated.
 */

const logger = pino({ level: 'silent' });
const directory = new OfficeDirectory(loadConfigFile(DEMO_CONFIG));
const DEVICES = ['reception-desk', 'interview-1', 'interview-2', 'interview-3'] as const;
const STATIONS = ['backoffice', 'reception', 'manager-office'] as const;
const USERS: UserConfig[] = ['kollega', 'manager'].map((u) => directory.user(u)!);
const COMMANDS = ['acknowledge', 'respond', 'on-scene', 'resolve', 'cancel'] as const;
/** Longer than the demo chain (0+30+60 s, loud step 60 s later) plus the on-scene check (180 s). */
const DRAIN_MS = 10 * 60_000;

type Action =
  | { t: 'press'; device: number; crashAfterCommit: boolean }
  | { t: 'redeliver'; pick: number }
  | { t: 'act'; command: (typeof COMMANDS)[number]; pick: number; user: number }
  | { t: 'advance'; ms: number }
  | { t: 'restart'; downMs: number; consolesBeforeResume: boolean }
  | { t: 'console'; station: number; user: number | null };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('press' as const), device: fc.nat(DEVICES.length - 1), crashAfterCommit: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('redeliver' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('act' as const), command: fc.constantFrom(...COMMANDS), pick: fc.nat(), user: fc.nat(USERS.length - 1) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 200_000 })) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const), downMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300_000 })), consolesBeforeResume: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('console' as const), station: fc.nat(STATIONS.length - 1), user: fc.option(fc.nat(USERS.length - 1), { nil: null }) }) },
);

/** One server "life" over the data file, built as a (re)start builds it. */
class Life {
  readonly store: SqliteStore;
  readonly hub: ConsoleHub;
  readonly service: AlarmService;
  readonly commands: DeviceCommand[] = [];

  constructor(file: string, clock: SteppingClock) {
    this.store = new SqliteStore(file);
    const metrics = createMetrics();
    this.hub = new ConsoleHub(this.store, directory, metrics, logger, clock, 0);
    this.service = new AlarmService({
      store: this.store, directory, clock, hub: this.hub, metrics, logger,
      outbound: { sendDeviceCommand: (_s, _g, c) => this.commands.push(c), publishAlarmState: () => {} },
    });
  }

  /** The process dies: timers gone, the file stays. Synchronous, so it can land between a commit and its effects. */
  crash(): void {
    this.service.stop();
    void this.store.close();
  }
}

function consoleAt(stationId: string, user: UserConfig): ConsoleConnection {
  return { stationId, user, send: () => {} };
}

interface ModelAlarm {
  device: string;
  presses: Set<string>;
  closed: boolean;
}

/** What the test knows must be true, updated from the receipts and acts it sees. */
class Model {
  readonly events: DeviceEvent[] = [];
  readonly alarmOf = new Map<string, string>();
  readonly alarms = new Map<string, ModelAlarm>();
  readonly openByDevice = new Map<string, string>();
  /** [when the server went down, for how long]. */
  readonly downtimes: [number, number][] = [];

  /** A press the server stored: folded into the device's open alarm, or a new alarm. */
  stored(event: DeviceEvent, alarmId: string | undefined): void {
    expect(alarmId, `press ${event.eventId} got no alarm`).toBeDefined();
    const open = this.openByDevice.get(event.deviceId);
    if (open) {
      expect(alarmId, `press ${event.eventId} not folded into the open alarm`).toBe(open);
    } else {
      expect(this.alarms.has(alarmId!), `press ${event.eventId} reused closed alarm ${alarmId}`).toBe(false);
      this.alarms.set(alarmId!, { device: event.deviceId, presses: new Set(), closed: false });
      this.openByDevice.set(event.deviceId, alarmId!);
    }
    this.alarms.get(alarmId!)!.presses.add(event.eventId);
    this.alarmOf.set(event.eventId, alarmId!);
  }

  closed(alarmId: string): void {
    const alarm = this.alarms.get(alarmId)!;
    alarm.closed = true;
    if (this.openByDevice.get(alarm.device) === alarmId) this.openByDevice.delete(alarm.device);
  }

  downtimeAfter(at: number): number {
    return this.downtimes.filter(([from]) => from >= at).reduce((sum, [, ms]) => sum + ms, 0);
  }
}

async function runScenario(actions: Action[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-prop-alarm-'));
  const file = join(dir, 'trygg.db');
  const clock = new SteppingClock();
  const model = new Model();
  const online = new Map<string, UserConfig>();
  const connections = new Map<string, ConsoleConnection>();
  let life = new Life(file, clock);
  let n = 0;

  const attachAll = async () => {
    for (const [stationId, user] of online) {
      const conn = consoleAt(stationId, user);
      connections.set(stationId, conn);
      await life.hub.attach(conn, { stationId, siteId: 'demo', user: user.name });
    }
  };
  const restart = async (downMs: number, consolesBeforeResume: boolean, redeliver?: DeviceEvent) => {
    model.downtimes.push([clock.now(), downMs]);
    clock.skip(downMs);
    life = new Life(file, clock);
    connections.clear();
    if (consolesBeforeResume) await attachAll();
    await life.service.resume();
    await clock.advance(0, settle); // overdue steps fire at once
    if (!consolesBeforeResume) await attachAll();
    // The gateway's outbox sends again what the dead server never receipted.
    if (redeliver) model.stored(redeliver, expectDuplicate(await deliver(redeliver), redeliver));
  };
  const deliver = (event: DeviceEvent): Promise<Receipt> => life.service.handleDeviceEvent(event, clock.now());
  const expectDuplicate = (receipt: Receipt, event: DeviceEvent): string | undefined => {
    expect(receipt.status, `redelivered ${event.eventId}`).toBe('duplicate');
    return receipt.alarmId;
  };

  try {
    for (const action of actions) {
      switch (action.t) {
        case 'press': {
          const deviceId = DEVICES[action.device]!;
          n++;
          const event: DeviceEvent = {
            v: 1, eventId: `${deviceId}-m${n}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq: n,
            at: new Date(clock.now()).toISOString(),
          };
          model.events.push(event);
          if (!action.crashAfterCommit) {
            const receipt = await deliver(event);
            expect(receipt.status).toBe('stored');
            model.stored(event, receipt.alarmId);
            break;
          }
          // The commit runs synchronously inside the call; the crash lands before any effect or receipt.
          const pending = deliver(event).then(() => undefined, () => undefined);
          life.crash();
          await pending;
          await restart(0, true, event);
          break;
        }
        case 'redeliver': {
          if (model.events.length === 0) break;
          const event = model.events[action.pick % model.events.length]!;
          expect(expectDuplicate(await deliver(event), event)).toBe(model.alarmOf.get(event.eventId));
          break;
        }
        case 'act': {
          if (model.alarms.size === 0) break;
          const ids = [...model.alarms.keys()];
          const alarmId = ids[action.pick % ids.length]!;
          const user = USERS[action.user]!;
          const command: UserCommand = action.command === 'resolve' ? { type: 'resolve', outcome: 'real' } : { type: action.command };
          const result = life.service.act(alarmId, command, { type: 'user', username: user.username, name: user.name });
          if (model.alarms.get(alarmId)!.closed) {
            // Acting on a closed alarm is refused with a coded error, never a crash or a change.
            await expect(result).rejects.toBeInstanceOf(TryggError);
            break;
          }
          const alarm = await result;
          if (action.command === 'resolve' || action.command === 'cancel') {
            expect(alarm.state).toBe(action.command === 'resolve' ? 'resolved' : 'cancelled');
            model.closed(alarmId);
          }
          break;
        }
        case 'advance':
          await clock.advance(action.ms, settle);
          break;
        case 'restart':
          life.crash();
          await restart(action.downMs, action.consolesBeforeResume);
          break;
        case 'console': {
          const stationId = STATIONS[action.station]!;
          const existing = connections.get(stationId);
          if (existing) life.hub.detach(existing);
          connections.delete(stationId);
          online.delete(stationId);
          if (action.user === null) break;
          const user = USERS[action.user]!;
          online.set(stationId, user);
          const conn = consoleAt(stationId, user);
          connections.set(stationId, conn);
          await life.hub.attach(conn, { stationId, siteId: 'demo', user: user.name });
          break;
        }
      }
    }

    // Every event once more, after all the restarts: each is a duplicate of the alarm it made.
    for (const event of model.events) expect(expectDuplicate(await deliver(event), event)).toBe(model.alarmOf.get(event.eventId));
    await clock.advance(DRAIN_MS, settle);
    await checkStore(life.store, model, clock.now());
  } finally {
    life.crash();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function checkStore(store: SqliteStore, model: Model, now: number): Promise<void> {
  const stored = await store.listAlarms({ limit: 1000 });
  // (1) + (2): exactly the alarms the receipts named, each holding exactly its presses.
  expect(stored.map((a) => a.id).sort()).toEqual([...model.alarms.keys()].sort());
  const openPerDevice = new Map<string, number>();
  for (const alarm of stored) {
    const expected = model.alarms.get(alarm.id)!;
    expect(alarm.pressCount, `presses of ${alarm.id}`).toBe(expected.presses.size);
    expect(alarm.deviceId).toBe(expected.device);
    expect(alarm.state === 'resolved' || alarm.state === 'cancelled').toBe(expected.closed);
    if (!expected.closed) openPerDevice.set(alarm.deviceId!, (openPerDevice.get(alarm.deviceId!) ?? 0) + 1);
    const events = (await store.alarmEvents(alarm.id)).map((e) => e.event);
    checkOwnedOrLoud(alarm, events, model, now);
  }
  for (const [deviceId, count] of openPerDevice) expect(count, `open alarms of ${deviceId}`).toBe(1);
}

/** (3) "Every alarm ends owned or loudly escalated", as chain-snapshot.ts and alarm-projection.ts define it. */
function checkOwnedOrLoud(alarm: Alarm, events: AlarmEvent[], model: Model, now: number): void {
  const steps = alarm.chain.steps;
  const loudStep = steps.length - 1;
  expect(steps[loudStep]?.repeatSeconds, 'the chain ends with the repeating loud step').toBeGreaterThan(0);
  const chainMs = steps.reduce((sum, s) => sum + s.afterSeconds * 1000, 0);
  const loudBy = alarm.raisedAt + chainMs + model.downtimeAfter(alarm.raisedAt);
  expect(now).toBeGreaterThan(loudBy);
  const ownedAt = events.find((e) => ['acknowledged', 'responding', 'resolved', 'cancelled'].includes(e.type))?.at;
  if (ownedAt === undefined || ownedAt > loudBy) {
    const loud = events.find((e) => (e.type === 'step-notified' || e.type === 'step-skipped') && e.step === loudStep);
    expect(loud, `alarm ${alarm.id} never owned and never loud: ${events.map((e) => e.type).join(',')}`).toBeDefined();
    expect(loud!.at, `loud step of ${alarm.id} late`).toBeLessThanOrEqual(loudBy);
  }
  // Owned, but nobody marked "on scene" in time: escalated loudly again.
  if (alarm.acknowledgedAt === undefined || !alarm.onSceneSeconds) return;
  const onSceneBy = alarm.acknowledgedAt + alarm.onSceneSeconds * 1000 + model.downtimeAfter(alarm.acknowledgedAt);
  const closedAt = alarm.closedAt ?? Infinity;
  const onSceneAt = alarm.onSceneAt ?? Infinity;
  if (closedAt <= onSceneBy || onSceneAt <= onSceneBy) return;
  const again = events.find((e) => e.type === 're-escalated');
  expect(again, `owned alarm ${alarm.id} never on scene and not re-escalated`).toBeDefined();
  expect(again!.at).toBeGreaterThanOrEqual(alarm.acknowledgedAt);
  expect(again!.at, `re-escalation of ${alarm.id} late`).toBeLessThanOrEqual(onSceneBy);
}

describe('alarm lifecycle under random interleavings (fast-check, SQLite file, simulated clock)', () => {
  const runs = propertyRuns(25);
  it('every press is one alarm or folded, redeliveries never add one, every alarm ends owned or loudly escalated', async () => {
    await fc.assert(fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 40 }), runScenario), { numRuns: runs });
  }, propertyTimeout(runs, 400));
});
