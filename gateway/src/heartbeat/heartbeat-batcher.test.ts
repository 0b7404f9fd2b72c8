import { FakeClock, validateHeartbeatBatch, type HeartbeatBatch } from '@trygg/protocol';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { HeartbeatBatcher } from './heartbeat-batcher';

function setup(maxPerBatch?: number) {
  const clock = new FakeClock();
  const batches: HeartbeatBatch[] = [];
  const state = { up: true };
  const batcher = new HeartbeatBatcher({
    siteId: 'demo',
    gatewayId: 'demo-gw',
    clock,
    logger: pino({ level: 'silent' }),
    flushMs: 1000,
    maxPerBatch,
    publish: (b) => {
      if (!state.up) return false;
      batches.push(b);
      return true;
    },
  });
  batcher.start();
  return { clock, batches, state, batcher };
}

const at = '2026-01-05T09:00:00.000Z';

describe('HeartbeatBatcher', () => {
  it('publishes the latest heartbeat of each device once per flush interval', () => {
    const { clock, batches, batcher } = setup();
    batcher.record({ deviceId: 'a', at, battery: 90 });
    batcher.record({ deviceId: 'b', at });
    batcher.record({ deviceId: 'a', at, battery: 89 });
    clock.advance(999);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.devices).toEqual([{ deviceId: 'b', at }, { deviceId: 'a', at, battery: 89 }]);
    expect(validateHeartbeatBatch(batches[0]).ok).toBe(true);
    clock.advance(5000);
    expect(batches).toHaveLength(1); // nothing new, nothing sent
  });

  it('splits large flushes into batches of at most maxPerBatch devices', () => {
    const { clock, batches, batcher } = setup(2);
    for (const id of ['a', 'b', 'c', 'd', 'e']) batcher.record({ deviceId: id, at });
    clock.advance(1000);
    expect(batches.map((b) => b.devices.map((d) => d.deviceId))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('walks the waiting heartbeats once per flush, however many batches they fill', () => {
    const { clock, batches, batcher } = setup();
    const fleet = 40_000;
    for (let i = 0; i < fleet; i++) batcher.record({ deviceId: `hb-${i}`, at });
    // Counts the entries handed out by every walk over a Map's values during the flush.
    let walked = 0;
    const values = Map.prototype.values;
    const spy = vi.spyOn(Map.prototype, 'values').mockImplementation(function (this: Map<unknown, unknown>) {
      const inner = values.call(this);
      const counting = {
        next: () => {
          const step = inner.next();
          if (!step.done) walked++;
          return step;
        },
        [Symbol.iterator]: () => counting,
      };
      return counting as unknown as MapIterator<unknown>;
    });
    try {
      clock.advance(1000);
    } finally {
      spy.mockRestore();
    }
    expect(batches).toHaveLength(fleet / 2000);
    expect(batches.flatMap((b) => b.devices)).toHaveLength(fleet);
    expect(walked).toBe(fleet); // was 420,000: the whole remainder copied again for each of the 20 batches
  });

  it('keeps heartbeats while the uplink is down and sends them after it returns', () => {
    const { clock, batches, state, batcher } = setup();
    state.up = false;
    batcher.record({ deviceId: 'a', at });
    clock.advance(3000);
    expect(batcher.waiting()).toBe(1);
    state.up = true;
    clock.advance(1000);
    expect(batches[0]!.devices.map((d) => d.deviceId)).toEqual(['a']);
    expect(batcher.waiting()).toBe(0);
  });

  it('with nothing to report the gateway still heartbeats: an empty batch every 15 s, no more', () => {
    const { clock, batches, batcher } = setup();
    clock.advance(1000);
    expect(batches.map((b) => b.devices.length)).toEqual([0]);
    clock.advance(14_000);
    expect(batches).toHaveLength(1);
    clock.advance(1000);
    expect(batches).toHaveLength(2);
    expect(validateHeartbeatBatch(batches[1]).ok).toBe(true);
    // A batch with devices counts as the gateway's heartbeat too.
    batcher.record({ deviceId: 'a', at });
    clock.advance(1000);
    clock.advance(14_000);
    expect(batches.map((b) => b.devices.length)).toEqual([0, 0, 1]);
  });

  it('stops flushing when stopped', () => {
    const { clock, batches, batcher } = setup();
    batcher.record({ deviceId: 'a', at });
    batcher.stop();
    clock.advance(5000);
    expect(batches).toHaveLength(0);
    expect(clock.pendingTimers()).toBe(0);
  });
});
