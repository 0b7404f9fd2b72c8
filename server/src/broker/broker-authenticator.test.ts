import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/password';
import type { TryggConfig } from '../config/types';
import { createBrokerAuthenticator, type InternalBrokerAccount } from './broker-authenticator';
import { makeTestConfig, PASSWORDS } from './broker-test-fixtures';

const internal: InternalBrokerAccount[] = [
  { username: 'trygg-server', password: 'random-server-password', principal: { role: 'server' } },
];
const pw = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Counts scrypt verifications so cache behaviour is observed without timing anything. */
function countingVerify(): { verify: (p: string, h: string) => Promise<boolean>; calls: () => number } {
  let calls = 0;
  return {
    verify: (p, h) => {
      calls++;
      return verifyPassword(p, h);
    },
    calls: () => calls,
  };
}

describe('createBrokerAuthenticator', () => {
  let config: TryggConfig;
  beforeAll(async () => {
    config = await makeTestConfig();
  });

  it('maps a gateway to its site and gateway id', async () => {
    const auth = createBrokerAuthenticator(config, internal, { allowAnonymous: false });
    expect(await auth.authenticate('oslo-gw', pw(PASSWORDS.osloGw))).toEqual({ role: 'gateway', siteId: 'oslo', gatewayId: 'gw-1' });
    expect(await auth.authenticate('bergen-gw', pw(PASSWORDS.bergenGw))).toEqual({ role: 'gateway', siteId: 'bergen', gatewayId: 'gw-1' });
  });

  it('maps device accounts, restricted or not', async () => {
    const auth = createBrokerAuthenticator(config, internal, { allowAnonymous: false });
    expect(await auth.authenticate('oslo-devices', pw(PASSWORDS.osloDevices))).toEqual({ role: 'device', siteId: 'oslo' });
    expect(await auth.authenticate('oslo-buttons', pw(PASSWORDS.osloButtons))).toEqual({ role: 'device', siteId: 'oslo', deviceIds: ['btn-1'] });
  });

  it('refuses a wrong password, another account password, an unknown user and a missing password', async () => {
    const auth = createBrokerAuthenticator(config, internal, { allowAnonymous: true });
    expect(await auth.authenticate('oslo-gw', pw('wrong'))).toBeNull();
    expect(await auth.authenticate('oslo-gw', pw(PASSWORDS.bergenGw))).toBeNull();
    expect(await auth.authenticate('nobody', pw(PASSWORDS.osloGw))).toBeNull();
    expect(await auth.authenticate('oslo-gw', undefined)).toBeNull();
  });

  it('checks internal plaintext accounts', async () => {
    const auth = createBrokerAuthenticator(config, internal, { allowAnonymous: false });
    expect(await auth.authenticate('trygg-server', pw('random-server-password'))).toEqual({ role: 'server' });
    expect(await auth.authenticate('trygg-server', pw('random-server-passwor'))).toBeNull();
    expect(await auth.authenticate('trygg-server', pw('random-server-password!'))).toBeNull();
    expect(await auth.authenticate('trygg-server', Buffer.alloc(0))).toBeNull();
  });

  it('refuses anonymous unless enabled, and never downgrades bad credentials to anonymous', async () => {
    const closed = createBrokerAuthenticator(config, internal, { allowAnonymous: false });
    expect(await closed.authenticate(undefined, undefined)).toBeNull();
    expect(await closed.authenticate('', undefined)).toBeNull();
    const demo = createBrokerAuthenticator(config, internal, { allowAnonymous: true });
    expect(await demo.authenticate(undefined, undefined)).toEqual({ role: 'anonymous' });
    expect(await demo.authenticate(undefined, pw('x'))).toBeNull();
    expect(await demo.authenticate('nobody', pw('x'))).toBeNull();
  });

  it('refuses to start when a username is defined twice', () => {
    const dup: InternalBrokerAccount = { username: 'oslo-gw', password: 'x', principal: { role: 'server' } };
    expect(() => createBrokerAuthenticator(config, [dup], { allowAnonymous: false })).toThrow(/oslo-gw.*twice/);
  });

  it('verifies a good password once, then serves it from the cache; failures are not cached', async () => {
    const counter = countingVerify();
    const auth = createBrokerAuthenticator(config, internal, { allowAnonymous: false, verify: counter.verify });
    for (let i = 0; i < 3; i++) expect(await auth.authenticate('oslo-devices', pw(PASSWORDS.osloDevices))).not.toBeNull();
    expect(counter.calls()).toBe(1);
    // The cache is keyed by password too: a wrong one is checked (and refused) every time.
    expect(await auth.authenticate('oslo-devices', pw('wrong'))).toBeNull();
    expect(await auth.authenticate('oslo-devices', pw('wrong'))).toBeNull();
    expect(counter.calls()).toBe(3);
  });

  it('runs one scrypt for a burst of simultaneous connections with the same account', async () => {
    const counter = countingVerify();
    const auth = createBrokerAuthenticator(config, internal, { allowAnonymous: false, verify: counter.verify });
    const results = await Promise.all(Array.from({ length: 200 }, () => auth.authenticate('oslo-devices', pw(PASSWORDS.osloDevices))));
    expect(results.every((r) => r?.role === 'device')).toBe(true);
    expect(counter.calls()).toBe(1);
  });

  it('keeps the cache bounded, evicting the least recently used entry', async () => {
    const counter = countingVerify();
    const auth = createBrokerAuthenticator(config, internal, { allowAnonymous: false, verify: counter.verify, cacheEntries: 1 });
    await auth.authenticate('oslo-devices', pw(PASSWORDS.osloDevices));
    await auth.authenticate('oslo-gw', pw(PASSWORDS.osloGw));
    expect(counter.calls()).toBe(2);
    await auth.authenticate('oslo-gw', pw(PASSWORDS.osloGw));
    expect(counter.calls()).toBe(2);
    await auth.authenticate('oslo-devices', pw(PASSWORDS.osloDevices));
    expect(counter.calls()).toBe(3);
  });
});
