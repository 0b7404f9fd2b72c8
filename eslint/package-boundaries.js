// @ts-check
/**
 * Package boundaries as ESLint rules: which workspace may import which (by its package name and
 * entry point only), and that production code never imports test support. docs/architecture.md
 * ("The rules") states the same in prose.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SOURCE = '{ts,tsx,mjs,js}';

/**
 * What each workspace's production code may import, and what its tests may import on top.
 * `typesFrom`: packages whose types (and nothing at run time) may be imported.
 * @type {Record<string, { may: string[], testsMay?: string[], typesFrom?: string[], why: string }>}
 */
export const WORKSPACE_RULES = {
  protocol: { may: [], why: 'the protocol is the bottom layer every other part builds on' },
  'firmware-sim': { may: ['protocol'], why: 'the simulator speaks only the wire protocol, as a real button would' },
  gateway: { may: ['protocol'], testsMay: ['firmware-sim'], why: 'the gateway knows the server only through MQTT' },
  server: {
    may: ['protocol', 'gateway'],
    testsMay: ['firmware-sim'],
    why: 'the server embeds a gateway (and validates its transport settings), and never ships the simulator',
  },
  'alarm-console': {
    may: [],
    typesFrom: ['protocol'],
    why: 'the console talks to the server over HTTP and WebSocket; it shares only the protocol types',
  },
};

/**
 * Test support that lives beside the code it tests. Production code must not import these (nor
 * anything under test/, nor vitest).
 */
export const TEST_SUPPORT = [
  '**/*.test.{ts,tsx}',
  '**/test-support/**',
  '**/*-test-kit.ts',
  '**/*-test-harness.ts',
  '**/*-under-test.ts',
  '**/*-conformance.ts',
  '**/*-suite.ts',
  '**/notifiers/far-end-http.ts',
];

const ALL = Object.keys(WORKSPACE_RULES);

/**
 * @param {string} workspace
 * @param {string[]} allowed workspaces it may import at run time
 * @param {string[]} typesOnly workspaces it may import types from
 * @param {boolean} production
 */
function importRules(workspace, allowed, typesOnly, production) {
  const { why } = /** @type {{ why: string }} */ (WORKSPACE_RULES[workspace]);
  const paths = ALL.filter((other) => other !== workspace && !allowed.includes(other)).map((other) => ({
    name: `@trygg/${other}`,
    allowTypeImports: typesOnly.includes(other),
    message: `${workspace} may not import ${other}${typesOnly.includes(other) ? ' except with `import type`' : ''}: ${why} (docs/architecture.md).`,
  }));
  if (production) paths.push({ name: 'vitest', allowTypeImports: false, message: 'Production code does not import test support.' });
  return {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        paths,
        patterns: [{ group: ['@trygg/*/*'], message: 'Import a workspace by its package name: its entry point is its public face.' }],
      },
    ],
  };
}

/** Production code anywhere: nothing from test/ and no test support beside the code. */
const noTestSupport = {
  'import-x/no-restricted-paths': [
    'error',
    {
      basePath: ROOT,
      zones: [{ target: '.', from: ['test/**', ...TEST_SUPPORT], message: 'Production code does not import test support.' }],
    },
  ],
};

/** @returns {import('eslint').Linter.Config[]} */
export function boundaryConfigs() {
  /** @type {import('eslint').Linter.Config[]} */
  const configs = [];
  for (const [workspace, rule] of Object.entries(WORKSPACE_RULES)) {
    const files = [`${workspace}/**/*.${SOURCE}`];
    const tests = TEST_SUPPORT.map((glob) => `${workspace}/${glob}`);
    configs.push({
      name: `trygg/boundaries/${workspace}`,
      files,
      ignores: tests,
      rules: {
        ...importRules(workspace, rule.may, rule.typesFrom ?? [], true),
        // A relative path out of the workspace (into another one's src/, or into test/) is
        // an import the package rules above cannot see.
        'import-x/no-relative-packages': 'error',
        ...noTestSupport,
      },
    });
    configs.push({
      name: `trygg/boundaries/${workspace}/tests`,
      files: tests,
      rules: {
        ...importRules(workspace, [...rule.may, ...(rule.testsMay ?? [])], rule.typesFrom ?? [], false),
        // Tests share the repository's test support in test/support/, by relative path.
        'import-x/no-relative-packages': ['error', { ignore: ['^(\\.\\./)+test/support/'] }],
      },
    });
  }
  // `npm start` and the build scripts ship; the harnesses (test/, bench/, chaos/, fuzz/) are
  // white-box and may reach into any workspace.
  configs.push({ name: 'trygg/boundaries/scripts', files: [`scripts/**/*.${SOURCE}`], rules: noTestSupport });
  return configs;
}
