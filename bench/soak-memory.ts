/**
 * Memory and CPU samples of one process over a soak run, and the growth figure computed from
 * them. Growth compares window means, not single samples: V8's heap is a saw-tooth between
 * collections and RSS follows it, so one sample can sit anywhere between a trough and a peak.
 */
export interface MemorySample {
  /** Milliseconds since the load started. */
  atMs: number;
  rssMiB: number;
  /** V8 heap in use, MiB; null when the process does not expose it. */
  heapMiB: number | null;
  /** User + system CPU seconds used so far. */
  cpuSeconds: number;
}

export interface Growth {
  baseline: number;
  final: number;
  percent: number;
  baselineSamples: number;
  finalSamples: number;
}

export interface GrowthWindows {
  /** Start-up allocation happens before this; no sample before it counts. */
  warmupMs: number;
  /** Length of the baseline window (right after the warm-up) and of the final window (the run's end). */
  windowMs: number;
  durationMs: number;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Mean of `pick` over the samples in [warmup, warmup + window) against the mean over
 * [duration - window, duration]; growth = (final - baseline) / baseline * 100.
 */
export function growthOf(samples: MemorySample[], w: GrowthWindows, pick: (s: MemorySample) => number | null): Growth | null {
  const values = (from: number, to: number, closed: boolean) =>
    samples.filter((s) => s.atMs >= from && (closed ? s.atMs <= to : s.atMs < to)).map(pick).filter((v): v is number => v !== null);
  const base = values(w.warmupMs, w.warmupMs + w.windowMs, false);
  const last = values(w.durationMs - w.windowMs, w.durationMs, true);
  if (base.length === 0 || last.length === 0) return null;
  const baseline = mean(base);
  const final = mean(last);
  return { baseline, final, percent: ((final - baseline) / baseline) * 100, baselineSamples: base.length, finalSamples: last.length };
}

/** CPU as a share of one core between the first sample at or after `fromMs` and the last sample. */
export function cpuCores(samples: MemorySample[], fromMs: number): number {
  const first = samples.find((s) => s.atMs >= fromMs);
  const last = samples[samples.length - 1];
  if (!first || !last || last.atMs <= first.atMs) return Number.NaN;
  return (last.cpuSeconds - first.cpuSeconds) / ((last.atMs - first.atMs) / 1000);
}
