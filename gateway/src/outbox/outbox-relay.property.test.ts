import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { FakeClock, type DeviceEvent, type Receipt } from '@trygg/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { propertyRuns, propertyTimeout } from '../../../test/support/property-runs';
import { OutboxRelay } from './outbox-relay';
import { SqliteOutbox } from './sqlite-outbox';

/**
 * Property: the gateway's outbox and relay never drop an event. Under random gateway crashes
 * (the SQLite file closed and reopened, whatever was in flight lost), uplink outages, messages
 * lost on the way, and receipts lost, duplicated or late, every submitted event stays in the
 * outbox until a receipt for it arrives, and is published again until then; when the faults
 * stop, every event reaches the server. The server here is a set of stored eventIds that
 * answers every copy with a receipt, as the real one dedupes by eventId.
 */

const logger = pino({ level: 'silent' });
const RESEND_MS = 2000;

type Action =
  | { t: 'submit'; device: number }
  /** The device sends a press again with the same message id (it saw no confirmation). */
  | { t: 'resubmit'; pick: number }
  | { t: 'link'; up: boolean }
  | { t: 'transit'; count: number; lose: boolean }
  | { t: 'receipt'; fate: 'deliver' | 'lose' | 'duplicate' | 'delay' }
  | { t: 'advance'; ms: number }
  | { t: 'crash'; keepInFlight: boolean };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('submit' as const), device: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('resubmit' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('link' as const), up: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('transit' as const), count: fc.integer({ min: 1, max: 5 }), lose: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('receipt' as const), fate: fc.constantFrom('deliver' as const, 'lose' as const, 'duplicate' as const, 'delay' as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3 * RESEND_MS }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash' as const), keepInFlight: fc.boolean() }) },
);

/** One gateway process: the outbox file opened, a relay over it (as gateway.ts builds them). */
class GatewayLife {
  readonly outbox: SqliteOutbox;
  readonly relay: OutboxRelay;

  constructor(file: string, clock: FakeClock, publish: (e: DeviceEvent) => boolean) {
    this.outbox = SqliteOutbox.open(file);
    this.relay = new OutboxRelay({ outbox: this.outbox, publish, clock, logger, resendIntervalMs: RESEND_MS });
    this.relay.start();
  }

  crash(): void {
    this.relay.stop();
    this.outbox.close();
  }
}

async function runScenario(actions: Action[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-prop-outbox-'));
  const file = join(dir, 'outbox.db');
  const clock = new FakeClock();
  let linkUp = true;
  const inFlight: DeviceEvent[] = [];
  const receipts: Receipt[] = [];
  const serverStored = new Set<string>();
  const submitted: DeviceEvent[] = [];
  /** Events the gateway holds (submitted and not yet removed by a receipt it processed). */
  const mustHold = new Set<string>();
  const publishes = new Map<string, number>();
  const publish = (event: DeviceEvent) => {
    if (!linkUp) return false;
    inFlight.push(structuredClone(event));
    publishes.set(event.eventId, (publishes.get(event.eventId) ?? 0) + 1);
    return true;
  };
  let life = new GatewayLife(file, clock, publish);
  let n = 0;

  const serverTakes = (event: DeviceEvent) => {
    const status = serverStored.has(event.eventId) ? 'duplicate' : 'stored';
    serverStored.add(event.eventId);
    receipts.push({ v: 1, eventId: event.eventId, status });
  };
  const receiptArrives = (receipt: Receipt) => {
    life.relay.acknowledge(receipt);
    mustHold.delete(receipt.eventId);
  };
  const submit = (event: DeviceEvent) => {
    const result = life.relay.submit(event);
    expect(['stored', 'already-pending']).toContain(result);
    mustHold.add(event.eventId);
  };
  const checkHeld = () => {
    // Never dropped: everything not receipted is still in the outbox file.
    for (const id of mustHold) expect(life.outbox.has(id), `event ${id} dropped before its receipt`).toBe(true);
    expect(life.outbox.depth()).toBe(mustHold.size);
  };

  try {
    for (const action of actions) {
      switch (action.t) {
        case 'submit': {
          n++;
          const event: DeviceEvent = {
            v: 1, eventId: `d${action.device}-m${n}`, siteId: 'demo', gatewayId: 'gw', deviceId: `d${action.device}`, kind: 'press', seq: n,
            at: new Date(clock.now()).toISOString(),
          };
          submitted.push(event);
          submit(event);
          break;
        }
        case 'resubmit':
          if (submitted.length > 0) submit(submitted[action.pick % submitted.length]!);
          break;
        case 'link':
          linkUp = action.up;
          if (linkUp) life.relay.flushAll(); // the gateway flushes on every (re)connect
          break;
        case 'transit':
          for (let i = 0; i < action.count && inFlight.length > 0; i++) {
            const event = inFlight.shift()!;
            if (!action.lose) serverTakes(event);
          }
          break;
        case 'receipt': {
          if (receipts.length === 0) break;
          if (action.fate === 'delay') {
            receipts.push(receipts.shift()!); // overtaken by later receipts
            break;
          }
          const receipt = receipts.shift()!;
          if (action.fate === 'lose') break;
          receiptArrives(receipt);
          if (action.fate === 'duplicate') receiptArrives(receipt);
          break;
        }
        case 'advance':
          clock.advance(action.ms);
          break;
        case 'crash':
          life.crash();
          // What the process had handed to its MQTT client may or may not have left the machine.
          if (!action.keepInFlight) inFlight.length = 0;
          life = new GatewayLife(file, clock, publish);
          if (linkUp) life.relay.flushAll();
          break;
      }
      checkHeld();
    }

    // The faults stop: link up, nothing lost. Within a few resend intervals everything is receipted.
    linkUp = true;
    life.relay.flushAll();
    for (let round = 0; round < 50 && (life.outbox.depth() > 0 || inFlight.length > 0 || receipts.length > 0); round++) {
      while (inFlight.length > 0) serverTakes(inFlight.shift()!);
      while (receipts.length > 0) receiptArrives(receipts.shift()!);
      checkHeld();
      clock.advance(RESEND_MS + RESEND_MS / 4);
    }
    expect(life.outbox.depth()).toBe(0);
    for (const event of submitted) {
      expect(serverStored.has(event.eventId), `event ${event.eventId} never reached the server`).toBe(true);
      expect(publishes.get(event.eventId) ?? 0).toBeGreaterThan(0);
    }
  } finally {
    life.crash();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('gateway outbox + relay under crashes and lost or duplicated receipts (fast-check, SQLite file)', () => {
  const runs = propertyRuns(40);
  it('every submitted event is held and re-published until receipted, and never dropped', async () => {
    await fc.assert(fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 60 }), runScenario), { numRuns: runs });
  }, propertyTimeout(runs, 200));
});
