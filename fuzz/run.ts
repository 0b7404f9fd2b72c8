import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, fuzzTarget, type TargetReport } from './fuzz-engine';
import { fuzzTargets } from './targets';

/**
 * `npm run fuzz [-- --inputs N] [--seed S] [--only a,b] [--findings DIR] [--max-seconds T]`: feeds N random and
 * mutated inputs to every parser, prints one line per parser, writes offending inputs to
 * DIR (default fuzz/findings/) and exits 1 on any untyped exception, contract violation or
 * input slower than 100 ms. The default N is a quick check; issue 9 asks for 1,000,000 locally.
 * `--max-seconds` caps each parser's time (the line then shows how many inputs ran).
 */
const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    only: { type: 'string' },
    findings: { type: 'string', default: join(import.meta.dirname, 'findings') },
    'max-seconds': { type: 'string' },
  },
});
const inputs = Number(values.inputs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
if (!Number.isInteger(inputs) || inputs < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- [--inputs N] [--seed S] [--only name,name] [--findings DIR] [--max-seconds T]\n');
  process.exit(2);
}
const only = values.only?.split(',').map((s) => s.trim());
const targets = fuzzTargets.filter((t) => !only || only.includes(t.name));
if (targets.length === 0) {
  process.stderr.write(`no such target; known: ${fuzzTargets.map((t) => t.name).join(', ')}\n`);
  process.exit(2);
}

process.stdout.write(`fuzz: seed ${seed}, ${inputs.toLocaleString('en')} inputs per parser, ${targets.length} parsers\n`);
const reports: TargetReport[] = [];
for (const target of targets) {
  const report = fuzzTarget(target, {
    inputs, seed, findingsDir: values.findings,
    ...(values['max-seconds'] !== undefined ? { maxSeconds: Number(values['max-seconds']) } : {}),
    onProgress: (name, done) => process.stderr.write(`  ${name}: ${done.toLocaleString('en')}\r`),
  });
  reports.push(report);
  process.stdout.write(`${formatReport(report)}\n`);
  for (const f of report.findings) process.stdout.write(`  ${f.kind} at input ${f.index}${f.file ? ` (${f.file})` : ''}: ${f.detail.split('\n')[0]}\n`);
}
const bad = reports.reduce((n, r) => n + r.untyped + r.contract + r.slow, 0);
process.stdout.write(`fuzz: ${reports.length} parsers, ${reports.reduce((n, r) => n + r.inputs, 0).toLocaleString('en')} inputs, findings ${bad}` +
  `${bad ? ` (replay: --seed ${seed} --only <parser>)` : ''}\n`);
process.exit(bad > 0 ? 1 : 0);
