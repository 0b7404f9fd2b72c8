import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDeviceTable, readConfiguredDevices } from './demo-devices';

describe('readConfiguredDevices', () => {
  it('finds the demo office devices in the repository', () => {
    const devices = readConfiguredDevices();
    expect(devices.map((d) => d.id)).toContain('interview-1');
    expect(devices.find((d) => d.id === 'interview-1')).toMatchObject({ siteId: 'demo', type: 'panic-button', roomId: 'interview-1' });
  });

  it('reads a given file and reports an unusable one clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-sim-'));
    try {
      const file = join(dir, 'office.yaml');
      writeFileSync(file, 'sites:\n  - id: oslo\n    devices:\n      - { id: door, type: pendant }\n');
      expect(readConfiguredDevices(file)).toEqual([{ siteId: 'oslo', id: 'door', type: 'pendant' }]);
      writeFileSync(file, 'version: 1\n');
      expect(() => readConfiguredDevices(file)).toThrow(/no "sites" list/);
      expect(() => readConfiguredDevices(join(dir, 'missing.yaml'))).toThrow(/cannot read configuration/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats an aligned table', () => {
    expect(formatDeviceTable([{ siteId: 'demo', id: 'a', type: 'panic-button', roomId: 'r1' }])).toEqual([
      'DEVICE  TYPE          ROOM  SITE',
      'a       panic-button  r1    demo',
    ]);
  });
});
