import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { ConfigService } from './config-service';
import { ConfigVersionStore } from './config-version-store';

/**
 * TRYGG_CONFIG seeds a new installation only. A file that differs from the stored configuration
 * is not applied, and the start says so with the way to import it (TRYGG_SRV_CONFIG_FILE_IGNORED).
 */
describe('the configuration file after the first start', () => {
  const dirs: string[] = [];
  const clock = { now: () => 1_700_000_000_000 } as never;
  const silent = pino({ level: 'silent' });
  const versionsIn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-config-file-'));
    dirs.push(dir);
    return new ConfigVersionStore(join(dir, 'trygg.db'));
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('seeds the first start, then runs the store and names the import when the file was edited', () => {
    const versions = versionsIn();
    try {
      const first = ConfigService.bootstrap(versions, loadConfigFile(DEMO_CONFIG), 'office.yaml', clock, silent);
      expect(first.version).toBe(1);
      expect(first.fileIgnored).toBeUndefined();

      const same = ConfigService.bootstrap(versions, loadConfigFile(DEMO_CONFIG), 'office.yaml', clock, silent);
      expect(same.fileIgnored).toBeUndefined();

      const edited = loadConfigFile(DEMO_CONFIG);
      edited.sites[0]!.name = 'Nytt namn';
      const again = ConfigService.bootstrap(versions, edited, 'office.yaml', clock, silent);
      expect(again.version).toBe(1);
      expect(again.config.sites[0]!.name).toBe('Demokontoret');
      expect(again.fileIgnored?.code).toBe('TRYGG_SRV_CONFIG_FILE_IGNORED');
      expect(again.fileIgnored?.message).toMatch(/^office\.yaml differs from the stored configuration \(version 1\)/);
      expect(again.fileIgnored?.message).toContain('PUT /api/v1/config');
      expect(again.fileIgnored?.message).toContain('Import and export');
    } finally {
      versions.close();
    }
  });
});
