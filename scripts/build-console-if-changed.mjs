// `npm start` / `npm test` run this first (prestart, pretest): the console is rebuilt only when
// what it is built from changed since the last build. The build takes seconds (type check +
// Vite); an unchanged console costs a hash of its sources (milliseconds). The stamp, a hash of
// every input file's path and content, is written into alarm-console/dist after a successful
// build, so a failed or interrupted build is tried again next time. TRYGG_CONSOLE_REBUILD=1 forces
// a build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'alarm-console', 'dist', '.build-stamp');

/** Everything the build reads: sources, static files, build and compiler settings, locked dependency versions. */
const INPUTS = [
  'alarm-console/src', 'alarm-console/public', 'alarm-console/index.html', 'alarm-console/vite.config.ts',
  'alarm-console/tsconfig.json', 'alarm-console/package.json', 'tsconfig.base.json', 'package-lock.json',
];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

export function consoleSourceHash(base = root) {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(join(base, input))) {
      hash.update(relative(base, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/** Whether the console in `base` must be built: no build yet, or its sources changed since the stamped one. */
export function consoleNeedsBuild(base = root) {
  const dist = join(base, 'alarm-console', 'dist');
  const stamp = join(dist, '.build-stamp');
  if (!existsSync(join(dist, 'index.html')) || !existsSync(stamp)) return true;
  return readFileSync(stamp, 'utf8').trim() !== consoleSourceHash(base);
}

function main() {
  const hash = consoleSourceHash();
  if (!consoleNeedsBuild() && process.env.TRYGG_CONSOLE_REBUILD !== '1') {
    console.log('alarm console unchanged since its last build; not rebuilding (TRYGG_CONSOLE_REBUILD=1 forces it)');
    return 0;
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '-w', 'alarm-console'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  writeFileSync(stampFile, `${hash}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
