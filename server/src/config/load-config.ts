import { readFileSync } from 'node:fs';
import { createAjv, formatSchemaErrors } from '@trygg/protocol';
import { TryggError } from '../errors';
import { checkConfigReferences } from './config-references';
import { configSchema } from './config-schema';
import { normaliseConfigPhones } from './normalise-phones';
import { parseConfigText } from './parse-config-text';
import type { TryggConfig } from './types';

const validateSchema = createAjv().compile<TryggConfig>(configSchema);

export class ConfigError extends TryggError {
  constructor(readonly source: string, readonly problems: string[], cause?: unknown) {
    super(cause ? 'TRYGG_SRV_CONFIG_UNREADABLE' : 'TRYGG_SRV_CONFIG_INVALID', [source], { cause });
    this.message = `${this.message}: ${problems.join('; ')}`;
  }
}

/** Validates parsed configuration data: schema first (all problems), then cross-references. */
export function validateConfig(data: unknown, source = 'configuration'): TryggConfig {
  // `if` errors only say that a `then` (a notifier's or transport's settings schema) failed; that failure is listed itself.
  if (!validateSchema(data)) throw new ConfigError(source, formatSchemaErrors(validateSchema.errors?.filter((e) => e.keyword !== 'if')));
  const problems = [...normaliseConfigPhones(data), ...checkConfigReferences(data)];
  if (problems.length > 0) throw new ConfigError(source, problems);
  return data;
}

/** Reads a YAML or JSON configuration file (YAML is a superset of JSON). */
export function loadConfigFile(path: string): TryggConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [(err as Error).message], err);
  }
  return validateConfig(parseConfigDocument(text, path), path);
}

/** Parses a YAML or JSON configuration document; a syntax problem is a ConfigError naming the source. */
export function parseConfigDocument(text: string, source: string): unknown {
  try {
    return parseConfigText(text);
  } catch (err) {
    throw new ConfigError(source, [`not valid YAML/JSON: ${(err as Error).message}`]);
  }
}
