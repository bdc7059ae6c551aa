import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'streams/**/*.ts'],
      // The dashboard's browser code runs in Chromium (test/browser), not under Node's coverage.
      exclude: ['src/serve/dashboard/**'],
      reporter: ['text-summary', 'text'],
      thresholds: {
        'src/core/**': { lines: 90 },
        'src/optim/**': { lines: 90 },
        'src/operators/**': { lines: 90 },
        'src/metrics/**': { lines: 90 },
        'src/checks/**': { lines: 90 },
        'src/samples/**': { lines: 90 },
        'src/scaling/**': { lines: 90 },
        'src/steps/**': { lines: 90 },
        'src/drift/**': { lines: 90 },
        'src/tracking/**': { lines: 90 },
        'src/fleet/**': { lines: 90 },
      },
    },
  },
});
