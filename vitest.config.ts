import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,gateway,server,firmware-sim,alarm-console}/src/**/*.test.ts', 'test/**/*.test.ts', 'chaos/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn processes and bind ports; two workers suit the 2-core machines.
    maxWorkers: 2,
  },
});
