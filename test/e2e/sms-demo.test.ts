import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, login } from '../support/console-client';
import { freePort } from '../support/free-port';
import { SmscSimulator } from '../support/smsc-simulator';
import { TryggProcess } from '../support/trygg-process';

/**
 * The README's SMS demo: the demo office with TRYGG_DEMO_SMPP pointing at an SMSC (system id
 * `trygg`, password `trygg-demo`). An evacuation texts the demo people; "OK" from a phone marks
 * that person safe.
 */
describe('SMS over SMPP, demo office (TRYGG_DEMO_SMPP)', () => {
  let dir: string;
  let trygg: TryggProcess;
  let smsc: SmscSimulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-smpp-'));
    smsc = await new SmscSimulator({ port: await freePort(), systemId: 'trygg', password: 'trygg-demo' }).start();
    trygg = new TryggProcess({
      dataDir: join(dir, 'data'), configFile: '', httpPort: await freePort(), mqttPort: await freePort(),
      env: { TRYGG_CONFIG: '', TRYGG_DEMO_SMPP: `127.0.0.1:${smsc.port}`, TRYGG_DEMO_DEVICES: 'off' },
    });
    await trygg.start();
  });

  afterAll(async () => {
    await trygg?.stop();
    await smsc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an evacuation texts the demo people, and "ok" from Kari marks her safe', async () => {
    await eventually(() => smsc.boundSessions() > 0 || undefined, 15_000, 'Trygg bound to the SMSC');
    const cookie = await login(trygg.baseUrl, 'manager');
    const res = await fetch(`${trygg.baseUrl}/api/v1/sites/demo/evacuations`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: trygg.baseUrl }, body: '{}',
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { evacuation } = (await res.json()) as { evacuation: { id: string } };
    await eventually(() => {
      const to = new Set(smsc.messages.map((m) => m.to));
      return to.has('+4740000001') && to.has('+4740000002') ? to : undefined;
    }, 15_000, 'evacuation SMS to Mona and Kari');
    expect(smsc.messages.find((m) => m.to === '+4740000002')!.text).toMatch(/TRYGG OK/);

    smsc.reply('+4740000002', 'ok');
    const kari = await eventually(async () => {
      const rollCall = (await (await fetch(`${trygg.baseUrl}/api/v1/evacuations/${evacuation.id}`, { headers: { cookie } })).json()) as {
        people: { username: string; state: string; via?: string }[];
      };
      return rollCall.people.find((p) => p.username === 'kollega' && p.state === 'safe');
    }, 15_000, 'Kari safe in the roll call');
    expect(kari).toBeDefined();
  });
});
