// @ts-check
/**
 * Rules a machine checks (`npm run lint`). docs/architecture.md explains the package rules in
 * prose; eslint/package-boundaries.js is the same rules as code, so keep the two in step.
 *
 * Three groups of rules:
 *  1. typescript-eslint's recommended set, without type information. The type-aware set was
 *     measured on server/src: 39 s of CPU instead of 14 s, and 473 findings, nearly all
 *     `require-await` and `no-unsafe-*` on working code; `tsc` (also in `npm run lint`) already
 *     checks the types.
 *  2. No runtime import cycles (import-x/no-cycle). `import type` does not count: it is erased
 *     before anything runs. Modules in node_modules are not followed (ignoreExternal): they
 *     cannot import us, and following them cost 14 of the lint's 38 s of CPU.
 *  3. Package boundaries: which workspace may import which, that no workspace reaches into another
 *     by relative path, and that production code never imports test support.
 */
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { boundaryConfigs, TEST_SUPPORT } from './eslint/package-boundaries.js';

export default defineConfig(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'fuzz/findings/**', '**/*.d.mts', '**/*.d.ts'],
  },
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    extends: [tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    settings: {
      // import-x reads a module's imports only for these extensions, parsed by this parser.
      'import-x/extensions': ['.ts', '.tsx', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mjs', '.js'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.mjs', '.js', '.json', '.node'], conditionNames: ['import', 'node', 'default'] }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // The code marks an intentionally unused name with `_` (mostly a field left out of a copy by
      // rest destructuring, `const { hash: _hash, ...user } = u`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests build bad input on purpose (`Record<string, any>` to break a valid config).
    files: TEST_SUPPORT,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain Node scripts: tsc does not check them, so undefined names are ESLint's job.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: { 'no-undef': 'error' },
  },
  ...boundaryConfigs(),
);
