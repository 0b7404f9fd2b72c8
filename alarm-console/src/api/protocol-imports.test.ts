import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The console takes every REST and WebSocket shape from @trygg/protocol, and only as types:
 * `import type` is erased by the build, so the browser bundle carries no protocol code (ajv,
 * schemas, Node's Buffer) and no local copy of the shapes can drift from the server's.
 */
const SRC = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []);
}

describe('console imports of the protocol', () => {
  const files = sources(SRC).filter((f) => !f.endsWith('.test.ts'));

  it('imports @trygg/protocol with `import type` only', () => {
    const runtime = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*from '@trygg\/protocol';/gm)]
      .map((m) => `${file.slice(SRC.length)}: ${m[0]}`));
    expect(runtime).toEqual([]);
    expect(files.some((file) => readFileSync(file, 'utf8').includes("from '@trygg/protocol'"))).toBe(true);
  });

  it('has no local copy of the shapes', () => {
    expect(files.map((f) => f.slice(SRC.length))).not.toContain('api/types.ts');
  });
});
