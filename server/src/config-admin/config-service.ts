import type { Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import { ConfigError, validateConfig } from '../config/load-config';
import type { OfficeDirectory } from '../config/office-directory';
import type { TryggConfig } from '../config/types';
import type { ConfigVersionStore } from './config-version-store';

/**
 * Edits of the office configuration: each change is made on a copy, validated exactly like the
 * file (schema, then cross-references), stored as a new version with who made it, and applied
 * at once (directory.replace) without a restart. A rejected change leaves everything as it was.
 */
export class ConfigService {
  constructor(
    private readonly versions: ConfigVersionStore,
    private readonly directory: OfficeDirectory,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** At start: the stored configuration wins; the file only seeds a new installation. */
  static bootstrap(versions: ConfigVersionStore, fileConfig: TryggConfig, source: string, clock: Clock, logger: Logger): TryggConfig {
    const latest = versions.latest();
    if (latest) {
      const config = validateConfig(latest.config, `stored configuration version ${latest.version}`);
      logger.info({ version: latest.version, ignoredFile: source }, 'configuration from the store (the file only seeds a new installation; import it in the console or with PUT /api/v1/config)');
      return config;
    }
    versions.save(fileConfig, clock.now(), 'file', `seeded from ${source}`);
    logger.info({ source }, 'configuration seeded from file');
    return fileConfig;
  }

  current(): TryggConfig {
    return this.directory.rawConfig;
  }

  /** Applies `edit` to a copy; throws ConfigError (problems as `path: message`) and changes nothing if invalid. */
  change(edit: (draft: TryggConfig) => void, actor: string, note: string): { version: number; config: TryggConfig } {
    const draft = structuredClone(this.directory.rawConfig);
    edit(draft);
    return this.replaceWhole(draft, actor, note);
  }

  replaceWhole(candidate: unknown, actor: string, note: string): { version: number; config: TryggConfig } {
    const config = validateConfig(candidate, 'configuration change');
    const version = this.versions.save(config, this.clock.now(), actor, note);
    this.directory.replace(config);
    this.logger.info({ version, actor, note }, 'configuration changed');
    return { version, config };
  }

  history(limit?: number) {
    return this.versions.history(limit);
  }
}

export { ConfigError };
