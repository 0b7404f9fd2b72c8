import { FakeClock } from '@trygg/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThrottlePolicy } from '../security/login-throttle';
import { createAuthFailureLimiter } from './auth-failure-limiter';
import { createBrokerAuthenticator } from './broker-authenticator';
import { connectClient, connectRefused, makeTestConfig, PASSWORDS } from './broker-test-fixtures';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';

/**
 * Password guessing against the embedded broker over real MQTT connections: wrong passwords lock
 * the account (and the address) with a growing lockout during which the right password is
 * refused too; the lockout ends on the injected clock, and a client that logged in before from
 * its address is not locked out by guesses for its name.
 */
const policy: ThrottlePolicy = {
  account: { freeFailures: 3, baseDelayMs: 10_000, maxDelayMs: 600_000, forgetAfterMs: 900_000 },
  address: { freeFailures: 50, baseDelayMs: 10_000, maxDelayMs: 600_000, forgetAfterMs: 900_000 },
  pair: { freeFailures: 3, baseDelayMs: 10_000, maxDelayMs: 600_000, forgetAfterMs: 900_000 },
  knownForMs: 3_600_000,
};

describe('MQTT authentication failures', () => {
  const clock = new FakeClock();
  const lockouts: string[] = [];
  const rejections: { reason: string; detail: Record<string, unknown> }[] = [];
  let broker: EmbeddedBroker;
  let url: string;

  beforeAll(async () => {
    const config = await makeTestConfig();
    broker = await startEmbeddedBroker({
      host: '127.0.0.1', port: 0, clock, logger: pino({ level: 'silent' }), gateDevices: false,
      authenticator: createBrokerAuthenticator(config, [], { allowAnonymous: false }),
      authFailures: createAuthFailureLimiter(clock, policy, (scope) => lockouts.push(scope)),
      onReject: (reason, detail) => rejections.push({ reason, detail }),
    });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });

  afterAll(async () => {
    await broker?.close();
  });

  it('locks an account after the free failures: the right password is refused until the lockout ends, and each further failure doubles it', async () => {
    for (let i = 0; i < 4; i++) expect((await connectRefused(url, { username: 'bergen-gw', password: `guess-${i}` })).code).toBe(4);
    expect(lockouts).toEqual(['pair']);
    // Locked: refused before the password is looked at (5 = not authorized), the right one included.
    expect((await connectRefused(url, { username: 'bergen-gw', password: PASSWORDS.bergenGw })).code).toBe(5);
    expect(rejections.filter((r) => r.detail.cause === 'locked')).toHaveLength(1);

    clock.advance(10_000);
    expect((await connectRefused(url, { username: 'bergen-gw', password: 'guess-5' })).code).toBe(4);
    // The fifth failure locks for 20 s, not 10.
    clock.advance(10_000);
    expect((await connectRefused(url, { username: 'bergen-gw', password: PASSWORDS.bergenGw })).code).toBe(5);
    clock.advance(10_000);
    const gw = await connectClient(url, { username: 'bergen-gw', password: PASSWORDS.bergenGw });
    expect(gw.connected).toBe(true);
    gw.end(true);
  });

  it('a gateway that logged in from its address keeps getting in while its name is locked by guesses from elsewhere', () => {
    // Other source addresses cannot be made over loopback sockets: the limiter itself, as the hook uses it.
    const limiter = createAuthFailureLimiter(clock, policy);
    limiter.record('oslo-gw', '127.0.0.1', true);
    for (let i = 0; i < 6; i++) limiter.record('oslo-gw', '203.0.113.9', false);
    // The guesser's address is locked for the name; the gateway's own address is not.
    expect(limiter.check('oslo-gw', '203.0.113.9')).toMatchObject({ scope: 'pair' });
    expect(limiter.check('oslo-gw', '198.51.100.7')).toMatchObject({ scope: 'account' });
    expect(limiter.check('oslo-gw', '127.0.0.1')).toBeUndefined();
  });

  it('allows the free failures and locks on the next one for the base delay', () => {
    const limiter = createAuthFailureLimiter(clock, policy);
    for (let i = 0; i < 3; i++) limiter.record('oslo-devices', '127.0.0.1', false);
    expect(limiter.check('oslo-devices', '127.0.0.1')).toBeUndefined();
    limiter.record('oslo-devices', '127.0.0.1', false);
    expect(limiter.check('oslo-devices', '127.0.0.1')?.retryAfterMs).toBe(10_000);
  });
});
