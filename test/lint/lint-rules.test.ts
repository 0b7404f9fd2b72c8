import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** Planted files live inside the workspaces (the rules are per folder), in a folder of this name. */
const FOLDER = `lint-fixture-${process.pid}`;
const planted = (workspace: string) => `${workspace}/src/${FOLDER}`;
const SERVER = planted('server');
const GATEWAY = planted('gateway');
const PROTOCOL = planted('protocol');
const CONSOLE = planted('alarm-console');

/** Each planted file (path from the repository root) and what it says. */
const PLANTED: Record<string, string> = {
  // A two-file runtime cycle, and a cycle of `import type` only, which erases to nothing.
  [`${SERVER}/cycle-a.ts`]: "import { b } from './cycle-b';\nexport const a = (): number => b + 1;\n",
  [`${SERVER}/cycle-b.ts`]: "import { a } from './cycle-a';\nexport const b = 1;\nexport const later = (): number => a();\n",
  [`${SERVER}/types-a.ts`]: "import type { B } from './types-b';\nexport interface A { b?: B }\n",
  [`${SERVER}/types-b.ts`]: "import type { A } from './types-a';\nexport interface B { a?: A }\n",
  // The production server does not import the simulator; its tests may.
  [`${SERVER}/uses-simulator.ts`]: "import { connectSimulator } from '@trygg/firmware-sim';\nexport const sim = connectSimulator;\n",
  [`${SERVER}/uses-simulator.test.ts`]: "import { connectSimulator } from '@trygg/firmware-sim';\nexport const sim = connectSimulator;\n",
  // A relative path into another workspace's src/.
  [`${GATEWAY}/reaches-into-simulator.test.ts`]:
    "import { PtyPair } from '../../../firmware-sim/src/serial';\nexport const pty = PtyPair;\n",
  // Production code and test support.
  [`${SERVER}/uses-test-support.ts`]: "import { freePort } from '../../../test/support/free-port';\nexport const port = freePort;\n",
  [`${SERVER}/uses-vitest.ts`]: "import { expect } from 'vitest';\nexport const check = expect;\n",
  // Layering: the gateway knows no server; the protocol knows no other workspace.
  [`${GATEWAY}/uses-server.ts`]: "import { runFromEnvironment } from '@trygg/server';\nexport const run = runFromEnvironment;\n",
  [`${PROTOCOL}/uses-gateway.ts`]: "import { eventIdFor } from '@trygg/gateway';\nexport const id = eventIdFor;\n",
  // A workspace by its entry point only.
  [`${SERVER}/deep-import.ts`]:
    "import { startHeartbeatLoad } from '@trygg/firmware-sim/src/heartbeat-load';\nexport const load = startHeartbeatLoad;\n",
  // The console shares the protocol's types, nothing at run time.
  [`${CONSOLE}/protocol-values.ts`]: "import { topics } from '@trygg/protocol';\nexport const t = topics;\n",
  [`${CONSOLE}/protocol-types.ts`]: "import type { DeviceEvent } from '@trygg/protocol';\nexport type Event = DeviceEvent;\n",
  // What every workspace may do: its own layer below, by package name.
  [`${GATEWAY}/uses-protocol.ts`]: "import { topics } from '@trygg/protocol';\nexport const t = topics;\n",
};

describe('npm run lint: the rules catch what they are for', () => {
  const found = new Map<string, string[]>();

  beforeAll(async () => {
    for (const [file, text] of Object.entries(PLANTED)) {
      mkdirSync(dirname(join(ROOT, file)), { recursive: true });
      writeFileSync(join(ROOT, file), text);
    }
    const eslint = new ESLint({ cwd: ROOT });
    for (const result of await eslint.lintFiles(Object.keys(PLANTED))) {
      found.set(
        relative(ROOT, result.filePath),
        result.messages.map((m) => `${m.ruleId}: ${m.message}`),
      );
    }
  }, 60_000);

  afterAll(() => {
    for (const folder of [SERVER, GATEWAY, PROTOCOL, CONSOLE]) rmSync(join(ROOT, folder), { recursive: true, force: true });
  });

  const rulesOf = (file: string) => (found.get(file) ?? []).map((m) => m.split(':')[0]);

  it('reports a two-file runtime import cycle on both files', () => {
    expect(rulesOf(`${SERVER}/cycle-a.ts`)).toEqual(['import-x/no-cycle']);
    expect(rulesOf(`${SERVER}/cycle-b.ts`)).toEqual(['import-x/no-cycle']);
  });

  it('does not count a cycle of `import type` only', () => {
    expect(found.get(`${SERVER}/types-a.ts`)).toEqual([]);
    expect(found.get(`${SERVER}/types-b.ts`)).toEqual([]);
  });

  it('reports the production server importing the simulator, and lets its tests do it', () => {
    expect(found.get(`${SERVER}/uses-simulator.ts`)).toEqual([
      expect.stringMatching(/no-restricted-imports: .*server may not import firmware-sim/),
    ]);
    expect(found.get(`${SERVER}/uses-simulator.test.ts`)).toEqual([]);
  });

  it("reports a relative import into another workspace's src/", () => {
    expect(rulesOf(`${GATEWAY}/reaches-into-simulator.test.ts`)).toEqual(['import-x/no-relative-packages']);
  });

  it('reports production code importing test support or vitest', () => {
    expect(rulesOf(`${SERVER}/uses-test-support.ts`)).toContain('import-x/no-restricted-paths');
    expect(found.get(`${SERVER}/uses-vitest.ts`)).toEqual([expect.stringMatching(/no-restricted-imports: .*does not import test support/)]);
  });

  it('reports imports against the layers: gateway -> server, protocol -> gateway, a deep import', () => {
    expect(found.get(`${GATEWAY}/uses-server.ts`)).toEqual([expect.stringMatching(/gateway may not import server/)]);
    expect(found.get(`${PROTOCOL}/uses-gateway.ts`)).toEqual([expect.stringMatching(/protocol may not import gateway/)]);
    expect(found.get(`${SERVER}/deep-import.ts`)).toEqual([expect.stringMatching(/by its package name/)]);
  });

  it("lets the console import the protocol's types, and nothing of it at run time", () => {
    expect(found.get(`${CONSOLE}/protocol-values.ts`)).toEqual([
      expect.stringMatching(/alarm-console may not import protocol except with `import type`/),
    ]);
    expect(found.get(`${CONSOLE}/protocol-types.ts`)).toEqual([]);
  });

  it('accepts what the rules allow', () => {
    expect(found.get(`${GATEWAY}/uses-protocol.ts`)).toEqual([]);
  });
});
