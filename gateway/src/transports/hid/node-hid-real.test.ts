import { createRequire } from 'node:module';
import { FakeClock } from '@trygg/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { HidDeviceTransport } from './hid-device-transport';
import { loadNodeHidBackend } from './node-hid-backend';

const installed = (() => {
  try {
    createRequire(import.meta.url).resolve('node-hid');
    return true;
  } catch {
    return false;
  }
})();

/** Against the real node-hid where it is installed: no USB devices needed, none touched. */
describe.skipIf(!installed)('real node-hid', () => {
  it('loads and lists (or is refused) without throwing anything but a rejection', async () => {
    const backend = await loadNodeHidBackend();
    const listed = await backend.devices().then(
      (devices) => devices,
      (err: unknown) => err,
    );
    expect(Array.isArray(listed) || listed instanceof Error).toBe(true);
  });

  it('lets the transport start and stop whatever this machine allows', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
    const sink = { input: () => {}, reject: () => {}, linkChanged: () => {} };
    const transport = new HidDeviceTransport(
      { siteId: 'demo', gatewayId: 'gw', logger, clock: new FakeClock(), sink },
      { kind: 'hid', devices: [{ deviceId: 'absent-button', model: 'trygg-panic-v1', serialNumber: 'not-plugged-in' }] },
    );
    await expect(transport.start()).resolves.toBeUndefined();
    if (!transport.isUp()) expect(warnings.filter((w) => w.startsWith('USB HID unavailable'))).toHaveLength(1);
    await transport.stop();
  });
});
