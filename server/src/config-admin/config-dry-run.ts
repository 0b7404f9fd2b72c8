import { transportSettingsProblems } from '@trygg/gateway';
import type { Clock } from '@trygg/protocol';
import { pino } from 'pino';
import type { TryggConfig } from '../config/types';
import { errorCatalogue, TryggError } from '../errors';
import { buildNotifier } from '../notify/notifier-factory';

export interface DryRunContext {
  clock: Clock;
  /** The secrets the server runs with (`TRYGG_SECRET_<NAME>`): a template naming a missing one is refused. */
  secrets: Record<string, string>;
}

/** Checks a configuration that has passed validateConfig; `[]` means it builds. */
export type RuntimeCheck = (config: TryggConfig) => string[];

const INVALID_PREFIX = errorCatalogue.TRYGG_SRV_CONFIG_INVALID.message.replace('%s', '');

/**
 * What the schema cannot see, found by building the parts the server would build from the
 * configuration: every notifier is constructed once (secrets resolved, templates and URLs checked,
 * DC-09 keys decoded) and closed at once; every gateway transport runs the checks its constructor
 * runs. So a configuration that passes is one the server will start with.
 *
 * Notifier constructors must not connect or start timers (the dry run would leave them behind);
 * connections begin on the first send, or the factory honours `BuildContext.dryRun`.
 */
export function runtimeProblems(config: TryggConfig, ctx: DryRunContext): string[] {
  const problems: string[] = [];
  const logger = pino({ level: 'silent' });
  (config.notifiers ?? []).forEach((n, i) => {
    try {
      const notifier = buildNotifier(n, { clock: ctx.clock, logger, secrets: ctx.secrets, dryRun: true });
      notifier.close?.().catch(() => undefined);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const text = err instanceof TryggError && message.startsWith(INVALID_PREFIX) ? message.slice(INVALID_PREFIX.length) : message;
      problems.push(`notifiers.${i}.settings: ${text}`);
    }
  });
  config.sites.forEach((site, s) => site.gateways.forEach((gateway, g) => {
    if (gateway.transports?.length) problems.push(...transportSettingsProblems(gateway.transports, `sites.${s}.gateways.${g}.transports`));
  }));
  return problems;
}

export function runtimeCheck(ctx: DryRunContext): RuntimeCheck {
  return (config) => runtimeProblems(config, ctx);
}
