import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { DeviceEvent, Receipt } from '@trygg/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../gateway/src/outbox/outbox-relay';
import { SqliteOutbox } from '../../gateway/src/outbox/sqlite-outbox';
import { AlarmService } from '../../server/src/alarm/alarm-service';
import { loadConfigFile } from '../../server/src/config/load-config';
import { OfficeDirectory } from '../../server/src/config/office-directory';
import { DEMO_CONFIG } from '../../server/src/environment';
import { createMetrics } from '../../server/src/metrics/metrics';
import { SqliteStore } from '../../server/src/store/sqlite/sqlite-store';
import { ConsoleHub } from '../../server/src/ws/console-hub';
import { propertyRuns, propertyTimeout } from '../support/property-runs';
import { SteppingClock, settle } from '../support/stepping-clock';

/**
 * Property over the whole delivery path, gateway outbox -> uplink -> server store: with the
 * gateway and the server crashing at random (the server also between a press's commit and its
 * receipt), messages and receipts lost, duplicated or late, people resolving alarms meanwhile,
 * every press the gateway accepted is stored exactly once when the faults stop, and it made
 * exactly one alarm or was folded into its device's open alarm: per device, the presses counted
 * by its alarms equal its distinct presses, and it never has two open alarms.
 * Two real SQLite files (outbox, store), the real relay, engine and store; time is simulated.
 */

const logger = pino({ level: 'silent' });
const directory = new OfficeDirectory(loadConfigFile(DEMO_CONFIG));
const DEVICES = ['reception-desk', 'interview-1', 'interview-2', 'interview-3'] as const;
const RESEND_MS = 2000;

type Action =
  | { t: 'press'; device: number }
  /** The device repeats a press it saw no confirmation for (same message id). */
  | { t: 'repeat'; pick: number }
  | { t: 'transit'; count: number; lose: boolean; duplicate: boolean }
  | { t: 'receipt'; fate: 'deliver' | 'lose' | 'duplicate' | 'delay' }
  | { t: 'advance'; ms: number }
  | { t: 'crash-gateway'; keepInFlight: boolean }
  | { t: 'crash-server'; afterCommit: boolean }
  | { t: 'resolve'; device: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('press' as const), device: fc.nat(DEVICES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('repeat' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('transit' as const), count: fc.integer({ min: 1, max: 4 }), lose: fc.boolean(), duplicate: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('receipt' as const), fate: fc.constantFrom('deliver' as const, 'lose' as const, 'duplicate' as const, 'delay' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3 * RESEND_MS }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash-gateway' as const), keepInFlight: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash-server' as const), afterCommit: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('resolve' as const), device: fc.nat(DEVICES.length - 1) }) },
);

class Gateway {
  readonly outbox: SqliteOutbox;
  readonly relay: OutboxRelay;
  constructor(file: string, clock: SteppingClock, publish: (e: DeviceEvent) => boolean) {
    this.outbox = SqliteOutbox.open(file);
    this.relay = new OutboxRelay({ outbox: this.outbox, publish, clock, logger, resendIntervalMs: RESEND_MS });
    this.relay.start();
    this.relay.flushAll(); // the uplink connects at start
  }
  crash(): void {
    this.relay.stop();
    this.outbox.close();
  }
}

class Server {
  readonly store: SqliteStore;
  readonly service: AlarmService;
  constructor(file: string, clock: SteppingClock) {
    this.store = new SqliteStore(file);
    const metrics = createMetrics();
    const hub = new ConsoleHub(this.store, directory, metrics, logger, clock, 0);
    this.service = new AlarmService({ store: this.store, directory, clock, hub, metrics, logger, outbound: { sendDeviceCommand: () => {}, publishAlarmState: () => {} } });
  }
  crash(): void {
    this.service.stop();
    void this.store.close();
  }
}

async function runScenario(actions: Action[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-prop-delivery-'));
  const clock = new SteppingClock();
  const inFlight: DeviceEvent[] = [];
  const receipts: Receipt[] = [];
  const pressed: DeviceEvent[] = [];
  const publish = (event: DeviceEvent) => {
    inFlight.push(structuredClone(event));
    return true;
  };
  let gateway = new Gateway(join(dir, 'outbox.db'), clock, publish);
  let server = new Server(join(dir, 'trygg.db'), clock);
  await server.service.resume();
  let n = 0;

  const restartServer = async () => {
    server = new Server(join(dir, 'trygg.db'), clock);
    await server.service.resume();
  };
  const serverTakes = async (event: DeviceEvent) => {
    const receipt = await server.service.handleDeviceEvent(event, clock.now());
    expect(['stored', 'duplicate']).toContain(receipt.status);
    receipts.push(receipt);
  };

  try {
    for (const action of actions) {
      switch (action.t) {
        case 'press': {
          const deviceId = DEVICES[action.device]!;
          n++;
          const event: DeviceEvent = { v: 1, eventId: `${deviceId}-m${n}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq: n, at: new Date(clock.now()).toISOString() };
          pressed.push(event);
          gateway.relay.submit(event);
          break;
        }
        case 'repeat':
          if (pressed.length > 0) gateway.relay.submit(pressed[action.pick % pressed.length]!);
          break;
        case 'transit':
          for (let i = 0; i < action.count && inFlight.length > 0; i++) {
            const event = inFlight.shift()!;
            if (action.lose) continue;
            await serverTakes(event);
            if (action.duplicate) await serverTakes(event); // QoS 1 delivers at least once
          }
          break;
        case 'receipt': {
          if (receipts.length === 0) break;
          if (action.fate === 'delay') {
            receipts.push(receipts.shift()!);
            break;
          }
          const receipt = receipts.shift()!;
          if (action.fate === 'lose') break;
          gateway.relay.acknowledge(receipt);
          if (action.fate === 'duplicate') gateway.relay.acknowledge(receipt);
          break;
        }
        case 'advance':
          await clock.advance(action.ms, settle);
          break;
        case 'crash-gateway':
          gateway.crash();
          if (!action.keepInFlight) inFlight.length = 0;
          gateway = new Gateway(join(dir, 'outbox.db'), clock, publish);
          break;
        case 'crash-server': {
          const event = inFlight.shift();
          if (action.afterCommit && event) {
            // The commit happens inside the call; the crash comes before the receipt is sent.
            const pending = server.service.handleDeviceEvent(event, clock.now()).then(() => undefined, () => undefined);
            server.crash();
            await pending;
          } else {
            server.crash();
            if (event) inFlight.unshift(event);
          }
          receipts.length = 0; // receipts the dead server had not sent yet
          await restartServer();
          break;
        }
        case 'resolve': {
          const open = (await server.store.listAlarms({ state: 'open', siteIds: ['demo'] })).find((a) => a.deviceId === DEVICES[action.device]);
          if (open) await server.service.act(open.id, { type: 'resolve', outcome: 'real' }, { type: 'user', username: 'manager', name: 'Mona' });
          break;
        }
      }
    }

    // The faults stop: the relay's resends and the receipts flow until the outbox is empty.
    for (let round = 0; round < 50 && (gateway.outbox.depth() > 0 || inFlight.length > 0 || receipts.length > 0); round++) {
      while (inFlight.length > 0) await serverTakes(inFlight.shift()!);
      while (receipts.length > 0) gateway.relay.acknowledge(receipts.shift()!);
      await clock.advance(RESEND_MS + RESEND_MS / 2, settle);
    }
    expect(gateway.outbox.depth(), 'outbox drained').toBe(0);

    // Every press stored exactly once: a redelivery now is a duplicate of the alarm it made.
    const distinct = new Map(pressed.map((e) => [e.eventId, e]));
    for (const event of distinct.values()) {
      const receipt = await server.service.handleDeviceEvent(event, clock.now());
      expect(receipt.status, `press ${event.eventId} was never stored`).toBe('duplicate');
      expect(receipt.alarmId, `press ${event.eventId} made no alarm`).toBeDefined();
    }
    const alarms = await server.store.listAlarms({ limit: 1000 });
    for (const deviceId of DEVICES) {
      const mine = alarms.filter((a) => a.deviceId === deviceId);
      const presses = [...distinct.values()].filter((e) => e.deviceId === deviceId).length;
      expect(mine.reduce((sum, a) => sum + a.pressCount, 0), `presses counted by ${deviceId}'s alarms`).toBe(presses);
      expect(mine.filter((a) => a.state !== 'resolved' && a.state !== 'cancelled').length).toBeLessThanOrEqual(1);
    }
  } finally {
    gateway.crash();
    server.crash();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('press delivery, gateway outbox to server store (fast-check, SQLite files, simulated clock)', () => {
  const runs = propertyRuns(25);
  it('every accepted press is stored once and is one alarm or folded, whatever crashes and losses happen', async () => {
    await fc.assert(fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 50 }), runScenario), { numRuns: runs });
  }, propertyTimeout(runs, 400));
});
