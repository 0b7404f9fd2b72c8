import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ConfigError, loadConfigFile } from '../../server/src/config/load-config';
import { OfficeDirectory } from '../../server/src/config/office-directory';
import { DEMO_CONFIG } from '../../server/src/environment';
import { TryggError } from '../../server/src/errors';
import { bytes, type FuzzTarget } from '../target';

/**
 * The server's configuration file: loadConfigFile on a real file (YAML/JSON parse, schema,
 * cross-references), then the OfficeDirectory the server builds from it at start. The typed
 * failure is ConfigError (TRYGG_SRV_CONFIG_INVALID / _UNREADABLE); any other exception, from the
 * loader or from a configuration it accepted, is a finding. Seeds: the demo office, a fuller
 * office (notifiers, small-office profile, escalation policy) and a minimal one (fuzz/seeds/).
 */
const dir = mkdtempSync(join(tmpdir(), 'trygg-fuzz-config-'));
const file = join(dir, 'office.yaml');
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

const seed = (name: string) => readFileSync(new URL(`../seeds/${name}`, import.meta.url), 'utf8');
const small = seed('config-small-office.yaml');
// The small office four times: most inputs stay short, so a million of them fit in a local run.
const seedTexts = [readFileSync(DEMO_CONFIG, 'utf8'), seed('config-full-office.yaml'), small, small, small, small];

export const configYamlTarget: FuzzTarget = {
  name: 'config-yaml',
  seeds: seedTexts.map((t) => bytes(t)),
  dictionary: ['\n', ': ', '- ', '{', '}', '[', ']', '&a', '*a', '<<: *a', '!!binary', '!!js/function', '---', '...', '%YAML 1.2', '? ', '|', '>',
    'sites:', 'chains:', 'steps:', 'afterSeconds:', 'targets:', 'notifiers:', 'settings:', 'users:', 'role: admin', '${secret:X}', 'null', '~', '.inf', '0x1F', '1e400'],
  structured: {
    values: seedTexts.map((t) => parseYaml(t) as unknown),
    // Mostly JSON (YAML is its superset and JSON encodes fast); YAML now and then for its own syntax.
    encode: (value, rng) => bytes(rng.bool(0.25) ? stringifyYaml(value, { aliasDuplicateObjects: false }) : JSON.stringify(value) ?? 'null'),
  },
  run(input) {
    writeFileSync(file, input);
    new OfficeDirectory(loadConfigFile(file));
  },
  // Any coded error of the server catalogue is typed (a start-up failure with a code and a message).
  isTypedError: (err) => err instanceof ConfigError || err instanceof TryggError,
};
