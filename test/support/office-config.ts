import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { TryggConfig } from '../../server/src/config/types';
import { DEMO_CONFIG } from '../../server/src/environment';

/**
 * The demo office with a short escalation chain, so end-to-end tests watch a real chain climb in
 * seconds: back office at once, the manager's console after `escalateAfterSeconds`.
 */
export function writeTestOffice(dir: string, escalateAfterSeconds = 1, edit?: (c: TryggConfig) => void): string {
  const config = parse(readFileSync(DEMO_CONFIG, 'utf8')) as TryggConfig;
  const site = config.sites[0]!;
  site.chains = [{
    id: 'standard',
    steps: [
      { afterSeconds: 0, targets: [{ group: 'backoffice-team' }], until: 'acknowledged' },
      { afterSeconds: escalateAfterSeconds, targets: [{ station: 'manager-office' }], until: 'acknowledged' },
    ],
  }];
  edit?.(config);
  const file = join(dir, 'office.yaml');
  writeFileSync(file, stringify(config));
  return file;
}
