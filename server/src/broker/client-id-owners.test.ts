import { describe, expect, it } from 'vitest';
import { ClientIdOwners } from './client-id-owners';

const conn = (closed = false): { closed: boolean } => ({ closed });

describe('ClientIdOwners', () => {
  it('lets the same account take its client id over, and refuses another account', () => {
    const owners = new ClientIdOwners<{ closed: boolean }>();
    expect(owners.claim('gw', 'gateway:oslo-gw', conn(), false)).toBe(true);
    expect(owners.claim('gw', 'gateway:oslo-gw', conn(), false)).toBe(true);
    expect(owners.claim('gw', 'device:oslo-devices', conn(), false)).toBe(false);
  });

  it('frees a clean session on disconnect, unless a newer connection took it over', () => {
    const owners = new ClientIdOwners<{ closed: boolean }>();
    const first = conn();
    const second = conn();
    owners.claim('gw', 'a', first, false);
    owners.claim('gw', 'a', second, false);
    owners.release('gw', first);
    expect(owners.claim('gw', 'b', conn(), false)).toBe(false);
    owners.release('gw', second);
    expect(owners.claim('gw', 'b', conn(), false)).toBe(true);
  });

  it('keeps a persistent session owned after disconnect, so its queue cannot be inherited', () => {
    const owners = new ClientIdOwners<{ closed: boolean }>();
    const holder = conn();
    owners.claim('gw', 'a', holder, true);
    holder.closed = true;
    owners.release('gw', holder);
    expect(owners.claim('gw', 'b', conn(), false)).toBe(false);
  });

  it('ignores a closed clean holder that never reached disconnect', () => {
    const owners = new ClientIdOwners<{ closed: boolean }>();
    owners.claim('gw', 'a', conn(true), false);
    expect(owners.claim('gw', 'b', conn(), false)).toBe(true);
  });

  it('always lets the privileged server claim', () => {
    const owners = new ClientIdOwners<{ closed: boolean }>();
    owners.claim('trygg-server', 'device:x', conn(), true);
    expect(owners.claim('trygg-server', 'server:trygg-server', conn(), false, true)).toBe(true);
    expect(owners.claim('trygg-server', 'device:x', conn(), false)).toBe(false);
  });
});
