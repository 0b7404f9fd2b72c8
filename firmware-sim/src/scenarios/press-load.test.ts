import { FakeClock } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { startPressLoad } from './press-load';

describe('press load', () => {
  it('spaces presses evenly and spreads them over distinct devices first', async () => {
    const clock = new FakeClock();
    const pressed: [number, string][] = [];
    const start = clock.now();
    const load = startPressLoad({ press: async (id) => void pressed.push([clock.now() - start, id]), devices: ['a', 'b', 'c'], perSecond: 4, clock });
    clock.advance(1000);
    await load.stop();
    expect(pressed).toEqual([[0, 'a'], [250, 'b'], [500, 'c'], [750, 'a'], [1000, 'b']]);
    expect({ sent: load.sent, devicesPressed: load.devicesPressed, failed: load.failed }).toEqual({ sent: 5, devicesPressed: 3, failed: 0 });
  });

  it('catches up after a late timer instead of drifting, and counts failures', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const load = startPressLoad({ press: async () => { if (++calls % 2 === 0) throw new Error('x'); }, devices: ['a', 'b'], perSecond: 10, clock });
    clock.advance(1000);
    await load.stop();
    expect(calls).toBe(11);
    expect(load.failed).toBe(5);
    expect(() => startPressLoad({ press: async () => {}, devices: [], perSecond: 1 })).toThrow(/no devices/);
  });
});
