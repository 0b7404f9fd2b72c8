import assert from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TryggError } from '../errors';
import { openBrokerPersistence } from './broker-persistence';

/**
 * aedes-persistence's own abstract suite (the spec every aedes persistence must pass), run
 * against the broker's persistence exactly as opened in production (LevelDB on disk, fsync on).
 * The suite is written for node:test; `nodeTest` hands each case a node:test-shaped context
 * whose `t.assert` is node:assert (as node:test's is) and whose `t.plan` is enforced.
 */
const require = createRequire(import.meta.url);
const abstractPersistence = require('aedes-persistence/abstract') as (opts: Record<string, unknown>) => void;

type Assertion = (...args: never[]) => void;
interface NodeTestContext {
  plan(count: number): void;
  diagnostic(message: string): void;
  assert: Record<'equal' | 'notEqual' | 'deepEqual' | 'ok', Assertion>;
}

function nodeTest(name: string, fn: (t: NodeTestContext) => Promise<void>): void {
  it(name, async () => {
    let planned: number | undefined;
    let made = 0;
    const counted = (a: Assertion): Assertion => (...args) => {
      made++;
      a(...args);
    };
    await fn({
      plan: (count) => { planned = count; },
      diagnostic: () => undefined,
      assert: {
        equal: counted(assert.equal as Assertion),
        notEqual: counted(assert.notEqual as Assertion),
        deepEqual: counted(assert.deepEqual as Assertion),
        ok: counted(assert.ok as Assertion),
      },
    });
    if (planned !== undefined) expect(made, 'assertions made vs t.plan()').toBe(planned);
  });
}

const root = await mkdtemp(join(tmpdir(), 'trygg-broker-persistence-'));
let dbs = 0;
const fresh = async () => (await openBrokerPersistence(join(root, String(++dbs)))).persistence;

afterAll(() => rm(root, { recursive: true, force: true }));

// aedes 1.x calls the persistence's promise interface (setup(), then methods without callbacks).
describe('aedes-persistence abstract suite, promise interface (as aedes uses it)', () => {
  abstractPersistence({ test: nodeTest, persistence: fresh, testAsync: true });
});

// The callback interface, as aedes-persistence-level's own test runs the suite.
describe('aedes-persistence abstract suite, callback interface', () => {
  abstractPersistence({ test: nodeTest, persistence: fresh, waitForReady: true });
});

describe('broker persistence directory', () => {
  it('refuses a second opener with TRYGG_SRV_BROKER_STORE_LOCKED and reopens once closed', async () => {
    const dir = join(root, 'locked');
    const first = await openBrokerPersistence(dir);
    const second = openBrokerPersistence(dir);
    await expect(second).rejects.toBeInstanceOf(TryggError);
    await expect(second).rejects.toMatchObject({ code: 'TRYGG_SRV_BROKER_STORE_LOCKED' });
    await first.close();
    const again = await openBrokerPersistence(dir);
    await again.close();
  });

  it('keeps subscriptions and queued messages across a reopen', async () => {
    const dir = join(root, 'reopen');
    const client = { id: 'trygg-gw-oslo-gw-1-dev' };
    const sub = { topic: 'trygg/v1/sites/oslo/devices/+/up', qos: 1 };
    const first = await openBrokerPersistence(dir);
    const broker = { id: 'broker-a', counter: 0 };
    await first.persistence.setup(broker);
    await (first.persistence.addSubscriptions as (c: unknown, s: unknown[]) => Promise<void>)(client, [sub]);
    const packet = { cmd: 'publish', topic: 'trygg/v1/sites/oslo/devices/btn-1/up', payload: Buffer.from('press'), qos: 1, retain: false, brokerId: 'broker-a', brokerCounter: 1 };
    await (first.persistence.outgoingEnqueueCombi as (s: unknown[], p: unknown) => Promise<void>)([{ clientId: client.id, ...sub }], packet);
    await first.close();

    const second = await openBrokerPersistence(dir);
    await second.persistence.setup({ id: 'broker-b', counter: 0 });
    const subs = await second.persistence.subscriptionsByTopic('trygg/v1/sites/oslo/devices/btn-9/up');
    expect(subs.map((s) => [s.clientId, s.topic, s.qos])).toEqual([[client.id, sub.topic, 1]]);
    const queued: { topic: string; payload: Buffer }[] = [];
    for await (const p of second.persistence.outgoingStream(client)) queued.push(p as { topic: string; payload: Buffer });
    expect(queued.map((p) => [p.topic, Buffer.from(p.payload).toString()])).toEqual([[packet.topic, 'press']]);
    await second.close();
  });

  it('a retained-message lookup that races the close at shutdown is reported, not an unheard error', async () => {
    const dir = join(root, 'shutdown-race');
    const errors: string[] = [];
    const store = await openBrokerPersistence(dir, { onStreamError: (_err, stream) => errors.push(stream) });
    await store.persistence.setup({ id: 'broker-a', counter: 0 });
    for (let i = 0; i < 50; i++) {
      await (store.persistence.storeRetained as (p: unknown) => Promise<void>)({ cmd: 'publish', topic: `trygg/v1/sites/oslo/gateways/gw-${i}/directory`, payload: Buffer.from('{}'), qos: 1, retain: true });
    }
    await store.close();
    // A SUBSCRIBE that arrives as the broker shuts down: its retained lookup meets a closed database.
    const stream = (store.persistence.createRetainedStreamCombi as (p: string[]) => NodeJS.ReadableStream)(['trygg/v1/sites/oslo/gateways/+/directory']);
    await new Promise<void>((resolve) => {
      stream.on('error', () => resolve());
      stream.on('end', () => resolve());
      stream.resume();
    });
    expect(errors.every((e) => e === 'createRetainedStreamCombi')).toBe(true);
  });
});
