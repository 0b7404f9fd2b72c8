import { afterEach, describe, expect, it } from 'vitest';
import type { AuthenticateError } from 'aedes';
import type { MqttClient } from 'mqtt';
import { TestBroker } from '../../test/support/test-broker';
import { connectOnce } from './mqtt-connect';

/** A broker that answers CONNACK `code` until `admit` is set, like Trygg's before the gateway subscribes. */
async function refusingBroker(code: number) {
  const state = { admit: false, refusals: 0, onRefusal: () => {} };
  const broker = await TestBroker.start(0, {
    authenticate: (_client, _username, _password, done) => {
      if (state.admit) return done(null, true);
      state.refusals++;
      state.onRefusal();
      done(Object.assign(new Error('refused'), { returnCode: code }) as AuthenticateError, false);
    },
  });
  return { broker, state };
}

let broker: TestBroker | undefined;
let client: MqttClient | undefined;

afterEach(async () => {
  await client?.endAsync(true);
  client = undefined;
  await broker?.stop();
  broker = undefined;
});

describe('connectOnce', () => {
  it('keeps retrying through "server unavailable" and resolves once admitted', async () => {
    const b = await refusingBroker(3);
    broker = b.broker;
    const waits: Error[] = [];
    const twoRefusals = new Promise<void>((resolve) => { b.state.onRefusal = () => { if (b.state.refusals >= 2) resolve(); }; });
    const connecting = connectOnce({ url: broker.url }, { reconnectPeriod: 50 }, (err) => waits.push(err));
    await twoRefusals;
    b.state.admit = true;
    client = await connecting;
    expect(client.connected).toBe(true);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits.every((e) => (e as Error & { code?: number }).code === 3)).toBe(true);
  });

  it('reconnects through "server unavailable" after the first connect too', async () => {
    const b = await refusingBroker(3);
    broker = b.broker;
    b.state.admit = true;
    client = await connectOnce({ url: broker.url }, { reconnectPeriod: 50 });
    client.on('error', () => undefined);
    b.state.admit = false;
    const refused = new Promise<void>((resolve) => { b.state.onRefusal = resolve; });
    await broker.stop();
    await broker.restart();
    await refused;
    const back = new Promise<void>((resolve) => client!.once('connect', () => resolve()));
    b.state.admit = true;
    await back;
    expect(client.connected).toBe(true);
  });

  it('still fails fast on refused credentials', async () => {
    const b = await refusingBroker(4);
    broker = b.broker;
    await expect(connectOnce({ url: broker.url, username: 'x', password: 'y' }, { reconnectPeriod: 50 })).rejects.toMatchObject({ code: 'TRYGG_SIM_CREDENTIALS_REFUSED' });
  });
});
