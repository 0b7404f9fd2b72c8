import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate } from './mutate';
import { Rng } from './rng';
import { ContractViolation, type FuzzTarget } from './target';

/** No single input may take longer than this (issue 9: "no input over 100 ms"). */
export const SLOW_INPUT_MS = 100;
/**
 * Time is the process's CPU time (user + system), not wall time: on a shared machine the wall
 * clock also counts the time other processes had the CPU. An input whose first run took longer
 * than this is timed twice more and its fastest run counts (a garbage-collection pause is not
 * the input's fault).
 */
const RETIME_OVER_MS = 20;
const MAX_FILES_PER_TARGET = 5;

export interface Finding {
  kind: 'untyped-exception' | 'contract-violation' | 'slow-input';
  index: number;
  detail: string;
  file?: string;
}

export interface TargetReport {
  target: string;
  inputs: number;
  seconds: number;
  perSecond: number;
  slowestMs: number;
  slowestIndex: number;
  /** Inputs the parser rejected with its typed error (thrown coded errors only; result objects are not counted). */
  typedThrows: number;
  untyped: number;
  contract: number;
  slow: number;
  findings: Finding[];
}

export interface FuzzOptions {
  inputs: number;
  seed: number;
  /** Where offending inputs are written; undefined writes nothing. */
  findingsDir?: string;
  /** Stop a target after this many seconds even if fewer inputs ran (the report says how many did). */
  maxSeconds?: number;
  onProgress?: (target: string, done: number) => void;
}

export function fuzzTarget(target: FuzzTarget, opts: FuzzOptions): TargetReport {
  const report: TargetReport = {
    target: target.name, inputs: 0, seconds: 0, perSecond: 0, slowestMs: 0, slowestIndex: -1, typedThrows: 0, untyped: 0, contract: 0, slow: 0, findings: [],
  };
  const started = performance.now();
  for (let index = 0; index < opts.inputs; index++) {
    const input = generate(Rng.for(opts.seed, target.name, index), target);
    let ms = timeOnce(target, input, report, index, opts);
    if (ms > RETIME_OVER_MS) ms = Math.min(ms, retime(target, input), retime(target, input));
    if (ms > report.slowestMs) {
      report.slowestMs = ms;
      report.slowestIndex = index;
    }
    if (ms > SLOW_INPUT_MS) {
      report.slow++;
      record(report, target, input, opts, { kind: 'slow-input', index, detail: `${ms.toFixed(1)} ms CPU (fastest of 3 runs)` });
    }
    report.inputs++;
    if (index % 1000 === 999) {
      if (opts.onProgress && index % 50_000 === 49_999) opts.onProgress(target.name, index + 1);
      if (opts.maxSeconds !== undefined && performance.now() - started > opts.maxSeconds * 1000) break;
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  report.perSecond = report.inputs / Math.max(report.seconds, 1e-9);
  return report;
}

/** CPU milliseconds used since `from` (a process.cpuUsage() reading). */
function cpuMs(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

function timeOnce(target: FuzzTarget, input: Uint8Array, report: TargetReport, index: number, opts: FuzzOptions): number {
  const t0 = process.cpuUsage();
  try {
    target.run(input);
  } catch (err) {
    const ms = cpuMs(t0);
    if (err instanceof ContractViolation) {
      report.contract++;
      record(report, target, input, opts, { kind: 'contract-violation', index, detail: err.message });
    } else if (target.isTypedError(err)) {
      report.typedThrows++;
    } else {
      report.untyped++;
      record(report, target, input, opts, { kind: 'untyped-exception', index, detail: describe(err) });
    }
    return ms;
  }
  return cpuMs(t0);
}

function retime(target: FuzzTarget, input: Uint8Array): number {
  const t0 = process.cpuUsage();
  try {
    target.run(input);
  } catch {
    // classified on the first run
  }
  return cpuMs(t0);
}

function record(report: TargetReport, target: FuzzTarget, input: Uint8Array, opts: FuzzOptions, finding: Finding): void {
  const dir = opts.findingsDir;
  if (report.findings.length < MAX_FILES_PER_TARGET) {
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${target.name}-${finding.kind}-${finding.index}.bin`);
      writeFileSync(file, input);
      writeFileSync(`${file}.txt`, `${finding.detail}\n`);
      finding.file = file;
    }
    report.findings.push(finding);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}\n${err.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`;
  return `non-Error thrown: ${String(err)}`;
}

export function formatReport(r: TargetReport): string {
  return `${r.target.padEnd(20)} inputs ${r.inputs.toLocaleString('en').padStart(9)}  ${Math.round(r.perSecond).toLocaleString('en').padStart(8)}/s` +
    `  slowest ${r.slowestMs.toFixed(2).padStart(7)} ms CPU (input ${r.slowestIndex})  untyped exceptions ${r.untyped}  contract violations ${r.contract}  over ${SLOW_INPUT_MS} ms ${r.slow}`;
}
