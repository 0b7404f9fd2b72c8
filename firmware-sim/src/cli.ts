/**
 * `npm run sim -- <command>`: the device simulator from a shell. See cli/cli-args.ts for usage.
 */
import { runCli } from './cli/run-cli';

const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

runCli(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interrupted: () => interrupted,
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
