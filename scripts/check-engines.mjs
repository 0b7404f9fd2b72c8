#!/usr/bin/env node
/**
 * Fails when a package in package-lock.json declares an `engines.node` range that does not
 * accept every Node.js version the project promises in the root package.json's `engines.node`
 * (and the README). `npm ci` only warns about such a package; this check makes CI say so.
 *
 * Optional packages that are not installed on this machine (platform builds for other systems)
 * are skipped: npm never installs them here, so their engines cannot matter here.
 * Usage: npm run check:engines
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

const promised = manifest.engines?.node;
if (!promised || !semver.validRange(promised)) {
  console.error(`check-engines: package.json engines.node is missing or not a range: ${JSON.stringify(promised)}`);
  process.exit(1);
}

const problems = [];
let checked = 0;
let skipped = 0;
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '' || !entry.engines?.node) continue;
  if (entry.optional && !existsSync(join(root, path))) {
    skipped += 1;
    continue;
  }
  checked += 1;
  const range = entry.engines.node;
  const name = path.replace(/^.*node_modules\//, '');
  // A range npm cannot read is a finding too: npm would ignore it and so would we.
  if (!semver.validRange(range)) problems.push(`${name}@${entry.version}: engines.node "${range}" is not a valid range`);
  else if (!semver.subset(promised, range, { includePrerelease: false })) {
    problems.push(`${name}@${entry.version} (${path}): engines.node "${range}" excludes part of "${promised}"`);
  }
}

if (!semver.satisfies(process.version, promised)) {
  problems.push(`this Node.js ${process.version} is outside the promised "${promised}"`);
}

if (problems.length > 0) {
  console.error(`check-engines: ${problems.length} package(s) do not run on every Node.js the project promises (${promised}):`);
  for (const p of problems) console.error(`  ${p}`);
  console.error('Choose versions that do (an override in package.json), or change the promise in package.json and the README.');
  process.exit(1);
}
console.log(`check-engines: ${checked} packages accept Node.js ${promised} (${skipped} optional packages for other platforms not installed here)`);
