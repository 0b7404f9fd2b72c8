/**
 * How many cases a fast-check property runs. CI keeps the default small so `npm test` stays
 * quick; `FC_RUNS=2000 npx vitest run <file>` runs a deep local campaign of the same property.
 */
export function propertyRuns(ciDefault: number): number {
  const fromEnv = Number(process.env.FC_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : ciDefault;
}

/** A vitest timeout that grows with the number of runs (a deep run must not hit the 30 s default). */
export function propertyTimeout(runs: number, perRunMs: number): number {
  return Math.max(30_000, runs * perRunMs * 3);
}
