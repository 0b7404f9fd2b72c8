import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { bootSupervision, type SupervisionLife } from './supervision-test-kit';

describe('device status: a device that raised an alarm is heard (real SQLite, fake clock)', () => {
  let dir: string;
  let clock: FakeClock;
  let life: SupervisionLife;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-seen-'));
    clock = new FakeClock();
    life = await bootSupervision(dir, clock, structuredClone(loadConfigFile(DEMO_CONFIG)));
  });
  afterEach(async () => {
    await life.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a press from a device without any heartbeat records it as seen at the press; a later, older event never moves it back', async () => {
    expect(await life.store.listDevicesSeen()).toEqual([]);
    clock.advance(5_000);
    const pressedAt = clock.now();
    const receipt = await life.event('interview-1', 'press');
    expect(receipt.alarmId).toBeDefined();
    expect(await life.store.listDevicesSeen()).toEqual([{ siteId: 'demo', deviceId: 'interview-1', gatewayId: 'demo-gw', lastSeenAt: pressedAt }]);

    clock.advance(5_000);
    await life.event('interview-1', 'cancel', { at: new Date(pressedAt - 60_000).toISOString() });
    expect((await life.store.listDevicesSeen())[0]!.lastSeenAt).toBe(pressedAt);
  });
});
