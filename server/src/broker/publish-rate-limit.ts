import type { Clock } from '@trygg/protocol';
import { TryggError } from '../errors';
import { TokenBucket } from './token-bucket';

/**
 * Per device account PUBLISH rate: one token bucket per account (all its connections share it),
 * so one flooding account cannot take broker time, disk queue and gateway outbox from the others.
 */
export interface PublishRateLimitSettings {
  /** Sustained PUBLISH per second per account; 0 turns the limit off. */
  perSecond: number;
  /** PUBLISH allowed at once after a quiet period. */
  burst: number;
}

export const DEFAULT_PUBLISH_RATE_LIMIT: PublishRateLimitSettings = { perSecond: 2000, burst: 4000 };

/**
 * `TRYGG_BROKER_PUBLISH_LIMIT`: `off`, `<perSecond>` or `<perSecond>/<burst>`; it wins over the
 * configuration's `broker.devicePublishLimit` (load tests, an emergency raise without an edit).
 */
export function publishLimitFromEnv(env: NodeJS.ProcessEnv): PublishRateLimitSettings | undefined {
  const raw = env.TRYGG_BROKER_PUBLISH_LIMIT?.trim();
  if (!raw) return undefined;
  if (raw === 'off') return { perSecond: 0, burst: 0 };
  const m = /^(\d{1,7})(?:\/(\d{1,7}))?$/.exec(raw);
  if (!m || Number(m[1]) < 1) {
    throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`TRYGG_BROKER_PUBLISH_LIMIT must be "off", "<perSecond>" or "<perSecond>/<burst>" (positive integers), got "${raw}"`]);
  }
  const perSecond = Number(m[1]);
  return { perSecond, burst: m[2] !== undefined ? Math.max(1, Number(m[2])) : perSecond * 2 };
}

/** Buckets are dropped once full again, so idle accounts cost nothing; checked every this many takes. */
const SWEEP_EVERY = 10_000;

export class PublishRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();
  private takes = 0;
  private settings: PublishRateLimitSettings;

  constructor(private readonly clock: Clock, settings: PublishRateLimitSettings = DEFAULT_PUBLISH_RATE_LIMIT) {
    this.settings = settings;
  }

  /** New settings apply to new buckets; existing ones are restarted so a raise takes effect now. */
  configure(settings: PublishRateLimitSettings): void {
    if (settings.perSecond === this.settings.perSecond && settings.burst === this.settings.burst) return;
    this.settings = settings;
    this.buckets.clear();
  }

  /** True if this account may publish once more now. */
  allow(account: string): boolean {
    const { perSecond, burst } = this.settings;
    if (perSecond <= 0) return true;
    const now = this.clock.now();
    if (++this.takes % SWEEP_EVERY === 0) this.sweep(now);
    let bucket = this.buckets.get(account);
    if (!bucket) {
      bucket = new TokenBucket(perSecond, Math.max(1, burst), now);
      this.buckets.set(account, bucket);
    }
    return bucket.take(now);
  }

  private sweep(now: number): void {
    for (const [account, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(account);
  }
}
