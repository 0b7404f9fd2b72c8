import { createRequire } from 'node:module';

/**
 * The `smpp` package is CommonJS and builds its exports in a loop, which Node's ESM loader cannot
 * see as named exports; loading it through require gives every export under tsx and vitest alike.
 */
const require = createRequire(import.meta.url);
export const smpp = require('smpp') as typeof import('smpp');
