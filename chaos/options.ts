/**
 * Command-line knobs of `npm run chaos` (docs/reliability.md, "Fault injection"). Every knob has
 * a default sized for CI: `npm run chaos -- --faults 20` takes two to three minutes.
 */
export const TRANSPORTS = ['mqtt', 'serial', 'zigbee', 'hid'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface ChaosOptions {
  /** Faults to inject before the run settles. */
  faults: number;
  /** Seed of every random choice (fault kinds, targets, gaps, freeze lengths); printed, so a run can be repeated. */
  seed: number;
  /** Mean time between two faults (exponentially distributed), ms. */
  meanGapMs: number;
  /** Presses per second over all transports. */
  rate: number;
  /** Longest freeze (SIGSTOP … SIGCONT), ms; most freezes are much shorter. */
  freezeMaxMs: number;
  /** Longest wait after the last fault for every confirmed press to be stored and shown, ms. */
  settleMs: number;
  transports: Transport[];
  /** Only these fault targets (names as printed, e.g. `server`, `server+gw-main`); default all. */
  targets?: string[];
  /** Keep the temp dir (logs, databases) even when the run passes. */
  keep: boolean;
  /** Print each fault as it happens. */
  verbose: boolean;
}

export const USAGE = `npm run chaos -- [options]
  --faults N          faults to inject (default 20)
  --seed N            random seed (default: random, printed)
  --gap-ms N          mean time between faults in ms (default 2500)
  --rate N            presses per second over all transports (default 2)
  --freeze-max-ms N   longest SIGSTOP freeze in ms (default 8000)
  --settle-ms N       longest wait for the system to settle at the end (default 120000)
  --transports LIST   comma-separated subset of ${TRANSPORTS.join(',')} (default all)
  --targets LIST      only these fault targets (server, gw-main, gw-hid, server+gw-main, zigbee-broker)
  --keep              keep the temp dir with logs and databases
  --verbose           print every fault as it happens`;

export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, integer = true): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} needs a positive ${integer ? 'integer' : 'number'}, got "${raw ?? ''}"`);
  }
  return n;
}

export function parseOptions(argv: readonly string[]): ChaosOptions {
  const options: ChaosOptions = {
    faults: 20,
    seed: Math.floor(Math.random() * 2 ** 31),
    meanGapMs: 2500,
    rate: 2,
    freezeMaxMs: 8000,
    settleMs: 120_000,
    transports: [...TRANSPORTS],
    keep: false,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--faults': options.faults = positive(flag, value()); break;
      case '--seed': options.seed = positive(flag, value()); break;
      case '--gap-ms': options.meanGapMs = positive(flag, value()); break;
      case '--rate': options.rate = positive(flag, value(), false); break;
      case '--freeze-max-ms': options.freezeMaxMs = positive(flag, value()); break;
      case '--settle-ms': options.settleMs = positive(flag, value()); break;
      case '--transports': {
        const list = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = list.filter((t) => !(TRANSPORTS as readonly string[]).includes(t));
        if (list.length === 0 || unknown.length > 0) throw new UsageError(`--transports: unknown ${unknown.join(', ') || '(empty list)'}; known: ${TRANSPORTS.join(', ')}`);
        options.transports = [...new Set(list)] as Transport[];
        break;
      }
      case '--targets': {
        const list = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (list.length === 0) throw new UsageError('--targets: empty list');
        options.targets = list;
        break;
      }
      case '--keep': options.keep = true; break;
      case '--verbose': options.verbose = true; break;
      case '--help': case '-h': throw new UsageError('');
      default: throw new UsageError(`unknown option "${arg}"`);
    }
  }
  return options;
}
