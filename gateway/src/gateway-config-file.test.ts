import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run gateway` with a GATEWAY_CONFIG file: a bad one stops it at once, every problem on one line. */
describe('GATEWAY_CONFIG file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-gateway-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a transport with a missing or misspelt setting stops the gateway with TRYGG_GW_CONFIG naming each path', async () => {
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, 'transports:\n  - { kind: serial, baudrate: 9600 }\n  - { kind: hid, devices: [{ deviceId: desk-1, model: no-such-model }] }\n');
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: repo, env: { ...process.env, GATEWAY_CONFIG: file, TRYGG_DATA_DIR: dir, MQTT_URL: 'mqtt://127.0.0.1:1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const fatal = output.split('\n').filter((l) => l.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain('TRYGG_GW_CONFIG');
    expect(fatal[0]).toContain("transports.0.path: must have required property 'path'");
    expect(fatal[0]).toContain('transports.0.baudrate: must NOT have additional properties');
    expect(fatal[0]).toContain('transports.1.devices.0.model: must be one of');
  }, 60_000);
});
