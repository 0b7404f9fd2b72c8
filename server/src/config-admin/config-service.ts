import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import { ConfigError, validateConfig } from '../config/load-config';
import type { OfficeDirectory } from '../config/office-directory';
import type { TryggConfig } from '../config/types';
import { TryggError } from '../errors';
import type { RuntimeCheck } from './config-dry-run';
import type { ConfigVersionStore } from './config-version-store';

/** Where the configuration a server starts with came from. */
export interface BootstrapResult {
  config: TryggConfig;
  /** Its stored version; undefined when the file runs, unstored, after every stored version failed. */
  version?: number;
  /** The newest stored version failed at start and this one runs instead. */
  fallback?: ConfigFallback;
  /**
   * The file differs from the stored configuration that runs: it was not applied (it only seeds a
   * new installation). The error says how to import it; `npm start` prints it as one line.
   */
  fileIgnored?: TryggError;
}

export interface ConfigFallback {
  failedVersion: number;
  /** Why it failed, as `path: message`. */
  problems: string[];
  /** `version <n>` or the file's name. */
  running: string;
}

type Tried = { ok: true; config: TryggConfig } | { ok: false; problems: string[] };

/**
 * Edits of the office configuration: each change is made on a copy, validated exactly like the
 * file (schema, then cross-references, then a dry run that builds its notifiers and transports),
 * stored as a new version with who made it, and applied at once (directory.replace) without a
 * restart. A rejected change leaves everything as it was.
 */
export class ConfigService {
  constructor(
    private readonly versions: ConfigVersionStore,
    private readonly directory: OfficeDirectory,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** What the schema cannot see (config-dry-run.ts); none by default. */
    private readonly check: RuntimeCheck = () => [],
  ) {}

  /**
   * At start: the stored configuration wins; the file only seeds a new installation. A newest
   * version that fails (schema, references, or building notifiers and transports) must not keep
   * the server down: the newest version the server ran with is used instead, or, if none ever
   * ran, the file. Only when the file fails too does this throw (ConfigError, one line).
   */
  static bootstrap(versions: ConfigVersionStore, fileConfig: TryggConfig, source: string, clock: Clock, logger: Logger, check: RuntimeCheck = () => []): BootstrapResult {
    const attempt = (data: unknown, label: string): Tried => {
      try {
        const config = validateConfig(data, label);
        const problems = check(config);
        return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
      } catch (err) {
        if (err instanceof ConfigError) return { ok: false, problems: err.problems };
        return { ok: false, problems: [(err as Error).message] };
      }
    };
    const latest = versions.latest();
    if (!latest) {
      const file = attempt(fileConfig, source);
      if (!file.ok) throw new ConfigError(source, file.problems);
      const version = versions.save(file.config, clock.now(), 'file', `seeded from ${source}`);
      logger.info({ source, version }, 'configuration seeded from file');
      return { config: file.config, version };
    }
    const newest = attempt(latest.config, `stored configuration version ${latest.version}`);
    if (newest.ok) {
      // Stored JSON against the file as validated (phones normalised): any difference is an edit the operator may expect to run.
      if (isDeepStrictEqual(JSON.parse(JSON.stringify(fileConfig)), latest.config)) {
        logger.info({ version: latest.version, file: source }, 'configuration from the store (the file is the same)');
        return { config: newest.config, version: latest.version };
      }
      const fileIgnored = new TryggError('TRYGG_SRV_CONFIG_FILE_IGNORED', [source, latest.version]);
      logger.warn({ code: fileIgnored.code, version: latest.version, ignoredFile: source }, fileIgnored.message);
      return { config: newest.config, version: latest.version, fileIgnored };
    }
    const failed = { failedVersion: latest.version, problems: newest.problems };
    for (const earlier of versions.workedBefore(latest.version)) {
      const tried = attempt(earlier.config, `stored configuration version ${earlier.version}`);
      if (tried.ok) return { config: tried.config, version: earlier.version, fallback: { ...failed, running: `version ${earlier.version}` } };
      logger.warn({ version: earlier.version, problems: tried.problems }, 'an earlier configuration version that ran before fails now too');
    }
    const file = attempt(fileConfig, source);
    if (file.ok) return { config: file.config, fallback: { ...failed, running: source } };
    throw new ConfigError(`stored configuration version ${latest.version}, no earlier version that ran, and ${source}`, [
      ...newest.problems, ...file.problems.map((p) => `${source}: ${p}`),
    ]);
  }

  current(): TryggConfig {
    return this.directory.rawConfig;
  }

  /** The server started with this version: later starts may fall back to it. */
  markStarted(version: number | undefined): void {
    if (version !== undefined) this.versions.markStartedOk(version);
  }

  /** Applies `edit` to a copy; throws ConfigError (problems as `path: message`) and changes nothing if invalid. */
  change(edit: (draft: TryggConfig) => void, actor: string, note: string): { version: number; config: TryggConfig } {
    const draft = structuredClone(this.directory.rawConfig);
    edit(draft);
    return this.replaceWhole(draft, actor, note);
  }

  replaceWhole(candidate: unknown, actor: string, note: string): { version: number; config: TryggConfig } {
    const config = validateConfig(candidate, 'configuration change');
    const problems = this.check(config);
    if (problems.length > 0) throw new ConfigError('configuration change', problems);
    const version = this.versions.save(config, this.clock.now(), actor, note);
    this.directory.replace(config);
    // Applied live (notifiers rebuilt, broker accounts swapped): a later start may fall back to it.
    this.versions.markStartedOk(version);
    this.logger.info({ version, actor, note }, 'configuration changed');
    return { version, config };
  }

  history(limit?: number) {
    return this.versions.history(limit);
  }
}

export { ConfigError };
