import { performance } from 'node:perf_hooks';

/**
 * What a bench part tells its runner while it runs: where it is (so a stall names its place) and
 * what must be torn down if it never finishes (a server process, a heartbeat load).
 */
export interface PartContext {
  /** The step the part is at now, e.g. "heartbeat storm: press 412 of 1,020". */
  stage(text: string): void;
  /** Registers a teardown; run (newest first) when the part times out, else left to the part. */
  onTimeout(teardown: () => Promise<void> | void): void;
}

export type PartOutcome = { ok: true; seconds: number } | { ok: false; seconds: number; reason: string };

/**
 * Runs one bench part within `budgetMs`. A part that finishes (or fails) in time reports that; one
 * that does not is abandoned: its teardowns run, and the outcome says where it stalled, so a stall
 * at 10,000 heartbeating devices ends the part with a message instead of hanging the bench.
 */
export async function runTimedPart(name: string, budgetMs: number, part: (ctx: PartContext) => Promise<void>): Promise<PartOutcome> {
  const t0 = performance.now();
  let stage = 'starting';
  const teardowns: (() => Promise<void> | void)[] = [];
  const ctx: PartContext = {
    stage: (text) => (stage = text),
    onTimeout: (teardown) => void teardowns.push(teardown),
  };
  const seconds = () => (performance.now() - t0) / 1000;
  // Where a long part stands, on stderr, so a watcher sees progress (or the place it stopped moving).
  const heartbeat = setInterval(() => process.stderr.write(`alarms-first ${name}: ${seconds().toFixed(0)} s, ${stage}\n`), 30_000);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), budgetMs)));
  // Settled either way, so an abandoned part that fails later is no unhandled rejection.
  const running = part(ctx).then(() => 'done' as const, (err: unknown) => ({ err }));
  const result = await Promise.race([running, timedOut]);
  clearTimeout(timer);
  clearInterval(heartbeat);
  if (result === 'done') return { ok: true, seconds: seconds() };
  if (result !== 'timeout') return { ok: false, seconds: seconds(), reason: `failed at "${stage}": ${(result.err as Error).message}` };
  const reason = `timed out after ${(budgetMs / 1000).toFixed(0)} s at "${stage}" (part ${name})`;
  for (const teardown of teardowns.reverse()) {
    try {
      await teardown();
    } catch {
      // Best effort: the part is already abandoned; the next part starts on fresh ports and dirs.
    }
  }
  return { ok: false, seconds: seconds(), reason };
}
