import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleNeedsBuild, consoleSourceHash } from '../scripts/build-console-if-changed.mjs';

/** prestart/pretest: the console is rebuilt only when what it is built from changed. */
describe('console build stamp', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const stamp = () => write('alarm-console/dist/.build-stamp', `${consoleSourceHash(root)}\n`);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'trygg-stamp-'));
    write('alarm-console/src/main.tsx', 'export {};');
    write('alarm-console/index.html', '<html></html>');
    write('alarm-console/vite.config.ts', 'export default {};');
    write('package-lock.json', '{}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('needs a build without dist or stamp; not after a stamped build; again after any source, config or lock change', () => {
    expect(consoleNeedsBuild(root)).toBe(true);
    write('alarm-console/dist/index.html', '<html>built</html>');
    expect(consoleNeedsBuild(root)).toBe(true); // built by hand, never stamped
    stamp();
    expect(consoleNeedsBuild(root)).toBe(false);
    write('alarm-console/dist/assets/index-abc.js', 'built output'); // the build's own output changes nothing
    expect(consoleNeedsBuild(root)).toBe(false);

    for (const [path, text] of [['alarm-console/src/views/new-page.tsx', 'export {};'], ['alarm-console/src/main.tsx', 'export const x = 1;'],
      ['alarm-console/vite.config.ts', 'export default { base: "/" };'], ['package-lock.json', '{"v":2}']] as const) {
      write(path, text);
      expect(consoleNeedsBuild(root), path).toBe(true);
      stamp();
      expect(consoleNeedsBuild(root), path).toBe(false);
    }
  });

  it('a renamed source file counts as a change (paths are part of the hash)', () => {
    write('alarm-console/dist/index.html', '<html>built</html>');
    stamp();
    rmSync(join(root, 'alarm-console/src/main.tsx'));
    write('alarm-console/src/entry.tsx', 'export {};');
    expect(consoleNeedsBuild(root)).toBe(true);
  });
});
