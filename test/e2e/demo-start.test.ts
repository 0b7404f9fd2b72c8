import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator } from '@trygg/firmware-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, login } from '../support/console-client';
import { freePort } from '../support/free-port';
import { TryggProcess } from '../support/trygg-process';

interface DeviceSeen {
  id: string;
  lastSeenAt: string | null;
}

const DEMO_DEVICES = ['interview-1', 'interview-2', 'interview-3', 'reception-desk'];

/**
 * `npm start` on the demo office runs its simulated buttons beside the server (scripts/start.ts),
 * so supervision sees a healthy office; the server alone (server/src/main.ts) never loads the
 * simulator.
 */
describe('npm start: the demo office and its simulated buttons', () => {
  let dir: string | undefined;
  let trygg: TryggProcess | undefined;

  afterEach(async () => {
    await trygg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(entry?: string): Promise<TryggProcess> {
    dir = mkdtempSync(join(tmpdir(), 'trygg-demo-start-'));
    trygg = new TryggProcess({
      dataDir: join(dir, 'data'),
      configFile: '',
      httpPort: await freePort(),
      mqttPort: await freePort(),
      entry,
      env: { TRYGG_CONFIG: '' },
    });
    await trygg.start();
    return trygg;
  }

  const devicesSeen = async (running: TryggProcess, cookie: string) => {
    const body = (await (await fetch(`${running.baseUrl}/api/v1/devices`, { headers: { cookie } })).json()) as { devices: DeviceSeen[] };
    return body.devices.filter((d) => DEMO_DEVICES.includes(d.id));
  };

  it('every demo button heartbeats once npm start is ready', async () => {
    const running = await start();
    const cookie = await login(running.baseUrl, 'manager');
    const seen = await eventually(
      async () => {
        const devices = await devicesSeen(running, cookie);
        return devices.length === DEMO_DEVICES.length && devices.every((d) => d.lastSeenAt !== null) ? devices : undefined;
      },
      20_000,
      'a heartbeat from every demo button',
    );
    expect(seen.map((d) => d.id).sort()).toEqual(DEMO_DEVICES);
  });

  it('the server alone runs no simulated buttons: only the one a test heartbeats is seen', async () => {
    const running = await start('server/src/main.ts');
    const cookie = await login(running.baseUrl, 'manager');
    const sim = await connectSimulator({
      url: `mqtt://127.0.0.1:${running.options.mqttPort}`,
      username: 'demo-devices',
      password: 'trygg-demo-devices',
      siteId: 'demo',
    });
    try {
      await sim.heartbeat('interview-2');
      const devices = await eventually(
        async () => {
          const list = await devicesSeen(running, cookie);
          return list.find((d) => d.id === 'interview-2')?.lastSeenAt ? list : undefined;
        },
        20_000,
        'the test heartbeat',
      );
      expect(devices.filter((d) => d.lastSeenAt !== null).map((d) => d.id)).toEqual(['interview-2']);
    } finally {
      await sim.close();
    }
  });
});
