import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { decideCancel } from './cancel-policy';
import { LoneWorkFeature, pinProblems } from './lone-work-feature';
import { bootLoneWork, loneWorkConfig, PIN_KEY } from './lone-work-test-harness';
import { hashPin, pinHashProblem, pinKeyFrom, verifyPin } from './pin-hash';

const key = Buffer.from(PIN_KEY);

describe('PIN hashes (keyed, synchronous)', () => {
  it('verifies the PIN it was made from, nothing else, and nothing under another key', () => {
    const hash = hashPin('4711', key);
    expect(hash).toMatch(/^hmac-sha256\$[0-9a-f]{8}\$/);
    expect(hashPin('4711', key)).not.toBe(hash); // salted: equal PINs do not show as equal hashes
    expect(verifyPin('4711', hash, key)).toBe(true);
    expect(verifyPin('4712', hash, key)).toBe(false);
    const other = Buffer.from('another-install-key-0123456789abcdef');
    expect(verifyPin('4711', hash, other)).toBe(false);
    expect(pinHashProblem(hash, other)).toMatch(/another TRYGG_PIN_KEY/);
    expect(verifyPin('4711', `${hash.slice(0, -8)}AAAA`, key)).toBe(false);
    expect(verifyPin('4711', 'scrypt$16384$8$1$x$y', key)).toBe(false);
  });

  it('the key comes from TRYGG_PIN_KEY and must be long enough', () => {
    expect(pinKeyFrom({})).toEqual({});
    expect(pinKeyFrom({ TRYGG_PIN_KEY: 'short' }).problem).toMatch(/at least 32/);
    expect(pinKeyFrom({ TRYGG_PIN_KEY: PIN_KEY }).key).toEqual(key);
  });

  it('configured PINs without the key (or with another key) refuse to start, naming the path', async () => {
    const config = loneWorkConfig();
    const kari = config.sites[0]!.devices.findIndex((d) => d.id === 'alarm-kari');
    expect(pinProblems(config, undefined, undefined)).toEqual([`sites.0.devices.${kari}.cancelPinHash: PIN hashes need TRYGG_PIN_KEY`]);
    expect(pinProblems(config, Buffer.from('another-install-key-0123456789abcdef'), undefined)).toHaveLength(2);
    expect(pinProblems(config, key, undefined)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'trygg-pin-'));
    try {
      await expect(new LoneWorkFeature({}).start({ directory: { config } } as never)).rejects.toMatchObject({ code: 'TRYGG_SRV_CONFIG_INVALID' });
      // With the key it starts (and the harness uses it).
      const life = await bootLoneWork(dir, new FakeClock(), config);
      await life.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cancel policy', () => {
  const verify = (pin: string, hash: string) => hash === `h(${pin})`;
  const both = { cancel: 'h(1234)', duress: 'h(9911)' };
  it.each([
    ['duress PIN', '9911', both, 'duress'],
    ['cancel PIN', '1234', both, 'cancel'],
    ['wrong PIN', '0000', both, 'ignore'],
    ['no PIN where a cancel PIN is set', undefined, both, 'ignore'],
    ['no PIN, only a duress PIN set', undefined, { duress: 'h(9911)' }, 'cancel'],
    ['a PIN matching nothing, only a duress PIN set', '9912', { duress: 'h(9911)' }, 'ignore'],
    ['no PINs configured', '1234', {}, 'cancel'],
    ['one PIN as both (misconfigured): duress wins', '1234', { cancel: 'h(1234)', duress: 'h(1234)' }, 'duress'],
  ] as const)('%s -> %s', (_name, pin, pins, expected) => {
    expect(decideCancel(pin, pins, verify)).toBe(expected);
  });
});
