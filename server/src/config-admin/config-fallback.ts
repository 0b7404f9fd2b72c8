import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { AlarmService } from '../alarm/alarm-service';
import type { OfficeDirectory } from '../config/office-directory';
import { TryggError } from '../errors';
import type { ConfigFallback } from './config-service';

/**
 * A start on an older configuration than the newest stored one is never silent: one error log
 * line with the problems (code TRYGG_SRV_CONFIG_FALLBACK), a counter, and — once the alarm
 * service runs — a technical alarm to the security contacts of every site.
 */
export function reportConfigFallback(fallback: ConfigFallback | undefined, logger: Logger, registry: Registry): void {
  // Registered on every start, so a dashboard sees 0 rather than no series.
  const counter = new Counter({ name: 'trygg_config_fallbacks_total', help: 'Starts on an older configuration because the newest stored one failed', registers: [registry] });
  if (!fallback) return;
  counter.inc();
  const error = fallbackError(fallback);
  logger.error({ code: error.code, failedVersion: fallback.failedVersion, running: fallback.running, problems: fallback.problems }, error.message);
}

/** Raised per site (technical chain: security role); deduplicated while open, so a restart loop raises one alarm. */
export async function raiseConfigFallbackAlarm(fallback: ConfigFallback, alarms: AlarmService, directory: OfficeDirectory, logger: Logger): Promise<void> {
  const note = fallbackError(fallback).message.slice(0, 500);
  for (const site of directory.allSites()) {
    try {
      await alarms.raise({
        siteId: site.id, kind: 'technical', dedupeKey: `config-fallback:${fallback.failedVersion}`,
        detail: { technical: { cause: 'config-fallback', subject: `configuration version ${fallback.failedVersion}` }, note },
      });
    } catch (err) {
      logger.error({ err, siteId: site.id }, 'raising the configuration fallback alarm failed');
    }
  }
}

function fallbackError(f: ConfigFallback): TryggError {
  const shown = f.problems.slice(0, 5).join('; ') + (f.problems.length > 5 ? `; and ${f.problems.length - 5} more` : '');
  return new TryggError('TRYGG_SRV_CONFIG_FALLBACK', [f.failedVersion, shown, f.running]);
}
