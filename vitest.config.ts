import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Every folder of src/ and streams/ must keep 90 % of its lines covered: the folders are listed
 * from the disk, so a new folder is held to it from its first commit. The command (src/cli)
 * and the socket server (src/serve/socketServer.ts) are measured too: the tests run them
 * in-process (test/cli/cliProcess.ts runCli, test/serve/socketServer.test.ts).
 */
const folders = [
  ...readdirSync('src', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `src/${entry.name}/**`),
  'streams/**',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'streams/**/*.ts'],
      // The dashboard's browser code runs in Chromium (test/browser), not under Node's coverage;
      // the tests' own helpers (test/streams/…) are not the project's code.
      exclude: ['src/serve/dashboard/**', 'test/**'],
      reporter: ['text-summary', 'text'],
      thresholds: Object.fromEntries(folders.map((folder) => [folder, { lines: 90 }])),
    },
  },
});
