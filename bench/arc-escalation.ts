/**
 * Issue figures for "beyond the office": time from an unacknowledged alarm to the SIA DC-09
 * frame leaving for the guards, against the configured step times. The demo office runs as
 * `npm start` does, with TRYGG_DEMO_ARC pointing at the receiver written from the standard
 * (test/support/dc09-receiver.ts) and TRYGG_DEMO_FAST (every step waits at most 5 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectSimulator } from '@trygg/firmware-sim';
import { ConsoleClient } from '../test/support/console-client';
import { Dc09Receiver } from '../test/support/dc09-receiver';
import { freePort } from '../test/support/free-port';
import { TryggProcess } from '../test/support/trygg-process';

export interface ArcFigure {
  /** Sum of the waits the chain configures before the guards' step, in seconds. */
  configuredS: number;
  /** Measured from the press leaving the simulator to the frame arriving at the receiver. */
  measuredS: number;
  /** With nobody online: the guards' step comes at once (small-office rule). */
  nobodyOnlineS: number;
}

export async function measureArcEscalation(): Promise<ArcFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-arc-'));
  const arc = await new Dc09Receiver({ port: await freePort(), udp: false }).start();
  const trygg = new TryggProcess({
    dataDir: join(dir, 'data'), configFile: '', httpPort: await freePort(), mqttPort: await freePort(),
    env: { TRYGG_CONFIG: '', TRYGG_DEMO_ARC: `127.0.0.1:${arc.port}`, TRYGG_DEMO_FAST: '1', LOG_LEVEL: 'warn', TRYGG_DEMO_DEVICES: 'off' },
  });
  try {
    await trygg.start();
    const sim = await connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
    const frameAfter = async (from: number, sent: number): Promise<number> => {
      for (;;) {
        const f = arc.frames.slice(from).find((x) => x.data?.includes('PA'));
        if (f) return (performance.now() - sent) / 1000;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    // Nobody online: every console step is skipped at once.
    let before = arc.frames.length;
    let sent = (await sim.press('interview-1')).sentAt;
    const nobodyOnlineS = await frameAfter(before, sent);
    // Colleagues and the manager online, nobody answers: the chain climbs 0 s, +5 s, +5 s, then the guards at +5 s.
    const backoffice = await ConsoleClient.open(trygg.baseUrl, 'backoffice');
    const manager = await ConsoleClient.open(trygg.baseUrl, 'manager-office', 'manager');
    before = arc.frames.length;
    sent = (await sim.press('interview-2')).sentAt;
    const measuredS = await frameAfter(before, sent);
    backoffice.close();
    manager.close();
    await sim.close();
    return { configuredS: 15, measuredS, nobodyOnlineS };
  } finally {
    await trygg.stop();
    await arc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
