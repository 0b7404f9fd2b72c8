import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, verifyPassword } from './password';

describe('password hashing', () => {
  it('verifies a password against its own hash', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(isPasswordHash(hash)).toBe(true);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
  });

  it('refuses a wrong password', async () => {
    const hash = await hashPassword('trygg-demo');
    expect(await verifyPassword('trygg-demo ', hash)).toBe(false);
    expect(await verifyPassword('Trygg-demo', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts: two hashes of the same password differ, and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('handles passwords with non-ASCII characters', async () => {
    const hash = await hashPassword('blåbærsyltetøy');
    expect(await verifyPassword('blåbærsyltetøy', hash)).toBe(true);
    expect(await verifyPassword('blabarsyltetoy', hash)).toBe(false);
  });

  it('accepts the demo office hash for its documented demo password', async () => {
    const demoHash = 'scrypt$16384$8$1$YGupddiFMddJGZO5BmxT3A==$TLEOS0N7vwCtqLQecxdXaba6LXxq7U2ZnU7dFYjIMDY=';
    expect(await verifyPassword('trygg-demo', demoHash)).toBe(true);
    expect(await verifyPassword('trygg-demo-gateway', demoHash)).toBe(false);
  });
});

describe('verifyPassword with a malformed hash', () => {
  // Hashes come from the configuration file; a damaged one must refuse the login, never let
  // anyone in and never throw (a throw turns a refused login into a server error).
  const malformed: [string, string][] = [
    ['empty', ''],
    ['plain text', 'trygg-demo'],
    ['another algorithm', '$2b$10$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
    ['too few fields', 'scrypt$16384$8$1$c2FsdA=='],
    ['too many fields', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==$extra'],
    ['non-numeric parameters', 'scrypt$N$8$1$c2FsdA==$aGFzaA=='],
    ['characters outside base64', 'scrypt$16384$8$1$c2FsdA==$not base64!'],
    ['an empty salt', 'scrypt$16384$8$1$$aGFzaA=='],
    ['N zero', 'scrypt$0$8$1$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['N not a power of two', 'scrypt$3$8$1$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['N beyond the memory limit', 'scrypt$1048576$8$1$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['a digest of zero bytes', 'scrypt$16384$8$1$c2FsdA==$='],
    ['a digest cut to one character', 'scrypt$16384$8$1$c2FsdA==$A'],
  ];

  it.each(malformed)('returns false for %s', async (_what, hash) => {
    await expect(verifyPassword('trygg-demo', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });
});
