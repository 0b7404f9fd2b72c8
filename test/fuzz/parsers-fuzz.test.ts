import { describe, expect, it } from 'vitest';
import { fuzzTarget } from '../../fuzz/fuzz-engine';
import { fuzzTargets } from '../../fuzz/targets';

/**
 * The CI sample of `npm run fuzz`: a few thousand random and mutated inputs per parser, the same
 * generator and checks, a fixed seed (FUZZ_SEED picks another). It asserts what must never
 * happen — an untyped exception or an accepted input whose output breaks the parser's contract.
 * The 100 ms per input limit is checked by `npm run fuzz` only (timing is not asserted in tests).
 */
const seed = Number(process.env.FUZZ_SEED ?? 20260105);
/** The configuration parser reads whole office files through the YAML parser: fewer inputs. */
const inputsFor = (name: string) => (name === 'config-yaml' ? 200 : 2000);

describe('fuzzing every parser (CI sample)', () => {
  it.each(fuzzTargets.map((t) => [t.name, t] as const))('%s: only typed errors', (_name, target) => {
    const report = fuzzTarget(target, { inputs: inputsFor(target.name), seed });
    const findings = report.findings.filter((f) => f.kind !== 'slow-input').map((f) => `${f.kind} at input ${f.index} (seed ${seed}): ${f.detail}`);
    expect(findings).toEqual([]);
    expect(report.inputs).toBe(inputsFor(target.name));
  }, 120_000);
});
