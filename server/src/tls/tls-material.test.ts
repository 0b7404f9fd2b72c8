import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvironment } from '../environment';
import { loadTlsMaterial } from './tls-material';
import { issue, makeCa, type TestCertificate } from './test-certificates';

describe('TLS settings at start', () => {
  let dir: string;
  let ca: TestCertificate;
  let server: TestCertificate;
  let other: TestCertificate;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-tls-files-'));
    ca = makeCa(dir, 'ca');
    server = issue(dir, ca, 'server', 'server');
    other = issue(dir, ca, 'other', 'server');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads certificate, key and CA', () => {
    const m = loadTlsMaterial({ certFile: server.certFile, keyFile: server.keyFile, caFile: ca.certFile });
    expect(m.cert).toBe(server.cert);
    expect(m.key).toBe(server.key);
    expect(m.ca).toBe(ca.cert);
  });

  it('stops with TRYGG_SRV_TLS_FILES on a missing file, a file without PEM, or a key of another certificate', () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    const cases: [Parameters<typeof loadTlsMaterial>[0], RegExp][] = [
      [{ certFile: join(dir, 'missing.pem'), keyFile: server.keyFile }, /cannot read TRYGG_TLS_CERT .*ENOENT/],
      [{ certFile: junk, keyFile: server.keyFile }, /TRYGG_TLS_CERT .* holds no PEM certificate/],
      [{ certFile: server.certFile, keyFile: junk }, /TRYGG_TLS_KEY .* holds no PEM private key/],
      [{ certFile: server.certFile, keyFile: other.keyFile }, /do not make a usable pair/],
      [{ certFile: server.certFile, keyFile: server.keyFile, caFile: junk }, /TRYGG_TLS_CA .* holds no PEM certificate/],
    ];
    for (const [files, message] of cases) {
      expect(() => loadTlsMaterial(files)).toThrow(expect.objectContaining({ code: 'TRYGG_SRV_TLS_FILES', message: expect.stringMatching(message) }));
    }
  });

  it('reads the variables: certificate and key together, or neither', () => {
    expect(readEnvironment({}).tls).toBeUndefined();
    expect(readEnvironment({ TRYGG_TLS_CERT: 'c.pem', TRYGG_TLS_KEY: 'k.pem' }).tls).toEqual({ certFile: 'c.pem', keyFile: 'k.pem' });
    expect(() => readEnvironment({ TRYGG_TLS_CERT: 'c.pem' })).toThrow(expect.objectContaining({ code: 'TRYGG_SRV_TLS_FILES' }));
    expect(() => readEnvironment({ TRYGG_TLS_CA: 'ca.pem' })).toThrow(expect.objectContaining({ code: 'TRYGG_SRV_TLS_FILES' }));
  });

  it('reads the session timeouts, and refuses nonsense', () => {
    expect(readEnvironment({ TRYGG_SESSION_IDLE_MINUTES: '15', TRYGG_SESSION_MAX_HOURS: '8' })).toMatchObject({ sessionIdleMs: 900_000, sessionMaxMs: 28_800_000 });
    expect(readEnvironment({}).sessionIdleMs).toBeUndefined();
    for (const bad of ['0', '-1', 'soon', '99999999']) expect(() => readEnvironment({ TRYGG_SESSION_IDLE_MINUTES: bad })).toThrow(/TRYGG_SESSION_IDLE_MINUTES/);
  });
});
