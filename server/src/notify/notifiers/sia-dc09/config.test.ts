import { describe, expect, it } from 'vitest';
import { demoArcTarget, resolveArcTarget, validateArcTargets } from './config';

const primary = { host: 'arc.example.net', port: 7000, protocol: 'tcp' };

describe('ARC target configuration', () => {
  it('accepts a minimal and a full target and applies the defaults', () => {
    const full = {
      primary, secondary: { ...primary, protocol: 'udp' }, account: '12AB', receiver: '1', prefix: '2',
      key: '00'.repeat(32), format: 'ADM-CID', area: 3, zones: { reception: 1 }, defaultZone: 9,
      timeoutMs: 3000, attempts: 3, retryBackoffMs: 100, linkTestIntervalS: 60,
    };
    const v = validateArcTargets({ oslo: { primary, account: '1234' }, bergen: full });
    expect(v.ok).toBe(true);
    expect(resolveArcTarget('oslo', { primary: primary as never, account: '1234' })).toMatchObject({
      line: '0', format: 'SIA-DCS', area: 1, defaultZone: 0, timeoutMs: 5000, attempts: 2, linkTestIntervalS: 0,
    });
    expect(resolveArcTarget('bergen', full as never)).toMatchObject({ account: '12AB', line: '2', receiver: '1' });
    expect(resolveArcTarget('bergen', full as never).receivers.map((r) => r.role)).toEqual(['primary', 'secondary']);
  });

  it('reports every problem as path: message, and never the key', () => {
    const key = 'C0FFEE'.repeat(5); // 30 hex digits: wrong length
    const v = validateArcTargets({ oslo: { primary: { ...primary, protocol: 'sctp' }, account: 'xyz', receiver: '1234567', colour: 'red' } });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toEqual(expect.arrayContaining([
      'arc.oslo.primary.protocol: must be one of tcp, udp',
      expect.stringMatching(/^arc\.oslo\.account: /),
      expect.stringMatching(/^arc\.oslo\.receiver: /),
      'arc.oslo.colour: must NOT have additional properties',
    ]));
    const bad = validateArcTargets({ oslo: { primary, account: '1234', key, line: '1', prefix: '2' } });
    expect(bad).toEqual({ ok: false, errors: [
      'arc.oslo.key: must be 32, 48 or 64 hex digits (AES-128/192/256); a key of 16, 24 or 32 characters needs keyFormat: ascii',
      "arc.oslo.prefix: is the standard's name for line; give one or the other",
    ] });
    expect(JSON.stringify(bad)).not.toContain(key);
    expect(() => resolveArcTarget('oslo', { primary: primary as never, account: '1234', key })).toThrow(/key must be/);
    try {
      resolveArcTarget('oslo', { primary: primary as never, account: '1234', key });
    } catch (e) {
      expect(String(e)).not.toContain(key);
    }
  });

  it('AES keys as installers write them: 16/24/32 ASCII characters with keyFormat ascii, never guessed', () => {
    for (const ascii of ['AAAAAAAAAAAAAAAA', 'Tr\\ygg-demo key 24 chars', 'x'.repeat(32)]) {
      expect(validateArcTargets({ oslo: { primary, account: '1234', key: ascii, keyFormat: 'ascii' } }).ok).toBe(true);
      expect(resolveArcTarget('oslo', { primary: primary as never, account: '1234', key: ascii, keyFormat: 'ascii' }).key).toEqual(Buffer.from(ascii, 'latin1'));
    }
    // The same key both ways: 16 characters, or their 32 hex digits.
    expect(resolveArcTarget('oslo', { primary: primary as never, account: '1234', key: '41'.repeat(16) }).key)
      .toEqual(resolveArcTarget('oslo', { primary: primary as never, account: '1234', key: 'A'.repeat(16), keyFormat: 'ascii' }).key);
    // 32 hex digits are also 32 characters: which one is meant is said, not guessed.
    expect(resolveArcTarget('oslo', { primary: primary as never, account: '1234', key: '0'.repeat(32), keyFormat: 'ascii' }).key).toHaveLength(32);
    expect(resolveArcTarget('oslo', { primary: primary as never, account: '1234', key: '0'.repeat(32) }).key).toHaveLength(16);
    const bad = validateArcTargets({ oslo: { primary, account: '1234', key: 'seventeen chars!!', keyFormat: 'ascii' }, bergen: { primary, account: '1234', keyFormat: 'hex' } });
    expect(bad).toEqual({ ok: false, errors: [
      'arc.oslo.key: must be 16, 24 or 32 printable ASCII characters (AES-128/192/256) with keyFormat ascii',
      'arc.bergen.keyFormat: given without a key',
    ] });
    expect(JSON.stringify(bad)).not.toContain('seventeen');
    expect(validateArcTargets({ oslo: { primary, account: '1234', key: 'A'.repeat(16) } })).toMatchObject({ ok: false, errors: [expect.stringContaining('needs keyFormat: ascii')] });
    expect(validateArcTargets({ oslo: { primary, account: '1234', key: 'A'.repeat(16), keyFormat: 'base64' } }).ok).toBe(false);
  });

  it('TRYGG_DEMO_ARC=<host>:<port> is a plain TCP target for account 1234', () => {
    expect(demoArcTarget('127.0.0.1:7000')).toEqual({ primary: { host: '127.0.0.1', port: 7000, protocol: 'tcp' }, account: '1234' });
    expect(demoArcTarget('[::1]:7000').primary.host).toBe('::1');
    expect(validateArcTargets({ demo: demoArcTarget('arc.local:7000') }).ok).toBe(true);
    for (const bad of ['7000', 'host:', 'host:70000', '']) expect(() => demoArcTarget(bad)).toThrow(/TRYGG_DEMO_ARC/);
  });
});
