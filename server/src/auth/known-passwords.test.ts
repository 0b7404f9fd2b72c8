import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG, readEnvironment } from '../environment';
import { startTrygg } from '../server';
import { accountsOnKnownPasswords, CheckedHashes, configuredHashes, isLoopbackHost } from './known-passwords';
import { hashPassword } from './password';

const logger = pino({ level: 'silent' });

describe('known passwords', () => {
  it('tells loopback from every other address', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'trygg.example.org', '::ffff:10.0.0.1', '']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('HOST defaults to loopback, and MQTT_HOST follows it', () => {
    expect(readEnvironment({}).httpHost).toBe('127.0.0.1');
    expect(readEnvironment({}).mqttHost).toBeUndefined();
    expect(readEnvironment({ HOST: '0.0.0.0' }).httpHost).toBe('0.0.0.0');
  });

  it('finds every demo account by verifying its hash, and a fresh hash of a published password too', async () => {
    const config = loadConfigFile(DEMO_CONFIG);
    expect(await accountsOnKnownPasswords(config)).toEqual([
      { kind: 'user', username: 'manager' }, { kind: 'user', username: 'admin' }, { kind: 'user', username: 'kollega' }, { kind: 'user', username: 'sikkerhet' },
      { kind: 'gateway', username: 'demo-gw' }, { kind: 'device account', username: 'demo-devices' },
    ]);
    // Another salt, same published password: still known. A real password: not.
    config.users.find((u) => u.username === 'admin')!.passwordHash = await hashPassword('trygg-demo-gateway');
    for (const u of config.users.filter((x) => x.username !== 'admin')) u.passwordHash = await hashPassword(`${u.username} has a long own password`);
    config.sites[0]!.gateways[0]!.passwordHash = await hashPassword('gateway secret of this office');
    config.sites[0]!.deviceAccounts![0]!.passwordHash = await hashPassword('device secret of this office');
    expect(await accountsOnKnownPasswords(config)).toEqual([{ kind: 'user', username: 'admin' }]);
  });

  it('remembers hashes found clear in the data directory, never one on a published password, and forgets them when the list changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-known-memo-'));
    try {
      const file = join(dir, 'known-password-check.json');
      const config = loadConfigFile(DEMO_CONFIG);
      const own = await hashPassword('manager has a long own password');
      config.users.find((u) => u.username === 'manager')!.passwordHash = own;
      const first = new CheckedHashes(file);
      expect((await accountsOnKnownPasswords(config, undefined, first)).map((a) => a.username)).toEqual(['admin', 'kollega', 'sikkerhet', 'demo-gw', 'demo-devices']);
      first.save(configuredHashes(config));

      const second = new CheckedHashes(file);
      expect(second.isClear(own)).toBe(true);
      for (const known of [config.users[1]!.passwordHash, config.sites[0]!.gateways[0]!.passwordHash]) expect(second.isClear(known)).toBe(false);
      expect(new CheckedHashes(file, ['another published list']).isClear(own)).toBe(false);
      // The memo is what spares the scrypt runs: an entry is trusted as it stands.
      second.markClear(config.users[1]!.passwordHash);
      expect((await accountsOnKnownPasswords(config, undefined, second)).map((a) => a.username)).not.toContain('admin');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a server beyond loopback', () => {
    const dirs: string[] = [];
    afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

    async function start(httpHost: string, mqttHost: string | undefined, edit: (c: ReturnType<typeof loadConfigFile>) => Promise<void> = async () => undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'trygg-known-'));
      dirs.push(dir);
      const config = loadConfigFile(DEMO_CONFIG);
      await edit(config);
      const httpPort = await freePort();
      const run = startTrygg({ config, dataDir: dir, httpHost, httpPort, mqttHost, mqttPort: await freePort(), embeddedGateways: [], features: [], logger });
      return { run, httpPort };
    }

    it('refuses to start with demo passwords, naming the accounts in one line, and listens nowhere', async () => {
      const { run, httpPort } = await start('0.0.0.0', undefined);
      const err = await run.then(() => undefined, (e: unknown) => e as Error & { code: string });
      expect(err?.code).toBe('TRYGG_SRV_KNOWN_PASSWORD');
      expect(err?.message).not.toContain('\n');
      expect(err?.message).toContain('listening beyond loopback (0.0.0.0)');
      expect(err?.message).toContain('user manager, user admin, user kollega, user sikkerhet, gateway demo-gw, device account demo-devices');
      const refused = await new Promise<boolean>((resolve) => {
        const s = connect(httpPort, '127.0.0.1');
        s.once('connect', () => { s.destroy(); resolve(false); });
        s.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    });

    it('also when only the broker reaches beyond loopback (MQTT_HOST)', async () => {
      const { run } = await start('127.0.0.1', '0.0.0.0');
      await expect(run).rejects.toMatchObject({ code: 'TRYGG_SRV_KNOWN_PASSWORD', message: expect.stringContaining('(0.0.0.0)') });
    });

    it('starts beyond loopback once every account has its own password', async () => {
      const { run } = await start('0.0.0.0', undefined, async (config) => {
        for (const u of config.users) u.passwordHash = await hashPassword(`${u.username} has a long own password`);
        config.sites[0]!.gateways[0]!.passwordHash = await hashPassword('gateway secret of this office');
        config.sites[0]!.deviceAccounts![0]!.passwordHash = await hashPassword('device secret of this office');
      });
      const running = await run;
      await running.close();
    });
  });
});
