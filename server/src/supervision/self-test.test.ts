import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceEvent } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SelfTest } from './self-test';
import { SupervisionDb } from './supervision-db';

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const press = (deviceId: string, eventId: string): DeviceEvent => ({ v: 1, eventId, siteId: 'demo', gatewayId: 'gw', deviceId, kind: 'press', seq: 1, at: new Date(T0).toISOString() });

describe('self-test state (memory, written through to SQLite)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'trygg-selftest-db-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('test mode and passed tests survive a restart; only presses in an active test mode are claimed', () => {
    const db1 = new SupervisionDb(join(dir, 'trygg.db'));
    const first = new SelfTest(db1, () => 30);
    first.start('demo', 'a', 15, 'manager', T0);
    expect(first.claim({ ...press('a', 'e1'), kind: 'release' }, T0)).toBe(false);
    expect(first.claim(press('b', 'e2'), T0)).toBe(false);
    expect(first.claim(press('a', 'e3'), T0 + 1000)).toBe(true);
    expect(first.recordPass(press('a', 'e3'), T0 + 1000)).toBe(true);
    expect(first.recordPass(press('b', 'e2'), T0 + 1000)).toBe(false); // not ours
    db1.close();

    const db2 = new SupervisionDb(join(dir, 'trygg.db'));
    const second = new SelfTest(db2, () => 30);
    expect(second.status('demo', 'a', T0 + 2000)).toEqual({
      deviceId: 'a', siteId: 'demo', lastTestedAt: new Date(T0 + 1000).toISOString(), inTestModeUntil: new Date(T0 + 15 * 60_000).toISOString(), overdue: false,
    });
    expect(second.claim(press('a', 'e4'), T0 + 15 * 60_000 - 1)).toBe(true);
    expect(second.claim(press('a', 'e5'), T0 + 15 * 60_000)).toBe(false); // expired: the button alarms again
    expect(second.overdue('demo', 'a', T0 + 1000 + 30 * 86_400_000 + 1)).toBe(true);
    db2.close();
  });
});
