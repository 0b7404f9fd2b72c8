import { describe, expect, it } from 'vitest';
import { HousekeepingQueue } from './housekeeping-queue';

/** A queue whose turns are taken by hand, so the test decides when the event loop would run it. */
function manual(maxHeartbeatBatches: number) {
  const turns: (() => void)[] = [];
  const done: string[] = [];
  const errors: string[] = [];
  let shed = 0;
  const queue = new HousekeepingQueue({
    maxHeartbeatBatches, onShed: () => shed++, onError: (err, kind) => errors.push(`${kind}:${(err as Error).message}`),
    schedule: (run) => turns.push(run),
  });
  const turn = async () => {
    const run = turns.shift();
    if (!run) throw new Error('nothing scheduled');
    run();
    await new Promise((r) => setImmediate(r));
  };
  return { queue, done, errors, shed: () => shed, turns, turn, job: (name: string) => async () => void done.push(name) };
}

describe('HousekeepingQueue', () => {
  it('runs one item per turn, in order: whatever arrives between turns (a press) never waits for the backlog', async () => {
    const q = manual(100);
    for (let i = 0; i < 5; i++) q.queue.push('heartbeats', q.job(`hb${i}`));
    q.queue.push('status', q.job('status'));
    expect(q.done).toEqual([]); // nothing runs where it was pushed
    expect(q.turns).toHaveLength(1); // one turn at a time, not the whole backlog
    await q.turn();
    expect(q.done).toEqual(['hb0']);
    q.done.push('press'); // the alarm path, between two turns
    while (q.turns.length > 0) await q.turn();
    expect(q.done).toEqual(['hb0', 'press', 'hb1', 'hb2', 'hb3', 'hb4', 'status']);
    await q.queue.idle();
  });

  it('sheds the oldest heartbeat batches beyond the bound, counts them, and never sheds status', async () => {
    const q = manual(3);
    q.queue.push('status', q.job('s1'));
    for (let i = 0; i < 6; i++) q.queue.push('heartbeats', q.job(`hb${i}`));
    q.queue.push('status', q.job('s2'));
    expect(q.shed()).toBe(3);
    expect(q.queue.depth).toBe(5);
    while (q.turns.length > 0) await q.turn();
    expect(q.done).toEqual(['s1', 'hb3', 'hb4', 'hb5', 's2']);
  });

  it('a failing item is reported and the queue goes on', async () => {
    const q = manual(10);
    q.queue.push('heartbeats', async () => { throw new Error('disk full'); });
    q.queue.push('status', q.job('after'));
    while (q.turns.length > 0) await q.turn();
    expect(q.errors).toEqual(['heartbeats:disk full']);
    expect(q.done).toEqual(['after']);
  });

  it('with the event loop scheduling, works off everything and resolves idle()', async () => {
    const done: number[] = [];
    const queue = new HousekeepingQueue({ maxHeartbeatBatches: 1000, onShed: () => undefined, onError: () => undefined });
    for (let i = 0; i < 50; i++) queue.push('heartbeats', async () => void done.push(i));
    await queue.idle();
    expect(done).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
