import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator } from '@trygg/firmware-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, login } from '../support/console-client';
import { freePort } from '../support/free-port';
import { SmscSimulator } from '../support/smsc-simulator';
import { TryggProcess } from '../support/trygg-process';

/**
 * The README's SMS demo: the demo office with TRYGG_DEMO_SMPP pointing at an SMSC (system id
 * `trygg`, password `trygg-demo`) and TRYGG_DEMO_FAST. An evacuation texts the demo people; "OK"
 * from a phone marks that person safe; an alarm nobody takes texts the manager in the loud step.
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
      env: { TRYGG_CONFIG: '', TRYGG_DEMO_SMPP: `127.0.0.1:${smsc.port}`, TRYGG_DEMO_FAST: '1', TRYGG_DEMO_DEVICES: 'off' },
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

  it('an alarm nobody takes reaches Mona (a manager) by SMS in the loud step', async () => {
    const sim = await connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
    try {
      const before = smsc.messages.length;
      await sim.pressReliably('interview-3', { giveUpMs: 30_000 });
      const sms = await eventually(() => smsc.messages.slice(before).find((m) => m.to === '+4740000001'), 30_000, 'loud-step SMS to Mona');
      expect(sms.text).toMatch(/Samtalerom 3/);
      expect(smsc.messages.slice(before).some((m) => m.to === '+4740000002')).toBe(false); // Kari is a responder, not a security contact
    } finally {
      await sim.close();
    }
  });
});
