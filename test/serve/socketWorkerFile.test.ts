import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { socketWorkerFile } from '../../src/serve/socketWorkerFile.js';

let root = '';
afterEach(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
  root = '';
});

/** A package tree: src/serve/serve.ts and, if asked, dist/src/serve/socketWorker.js, with times in seconds. */
function tree(files: Record<string, number>): string {
  root = mkdtempSync(join(tmpdir(), 'streamprop-worker-file-'));
  for (const [path, seconds] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, '// stand-in\n');
    utimesSync(full, seconds, seconds);
  }
  return root;
}

describe('socketWorkerFile', () => {
  it('uses the worker next to the compiled module', () => {
    const dir = tree({ 'dist/src/serve/serve.js': 1000, 'dist/src/serve/socketWorker.js': 1000 });
    const from = pathToFileURL(join(dir, 'dist/src/serve/serve.js')).href;
    expect(fileURLToPath(socketWorkerFile(from))).toBe(join(dir, 'dist/src/serve/socketWorker.js'));
  });

  it('says so when the compiled worker is missing', () => {
    const dir = tree({ 'dist/src/serve/serve.js': 1000 });
    const from = pathToFileURL(join(dir, 'dist/src/serve/serve.js')).href;
    expect(() => socketWorkerFile(from)).toThrow(/socketWorker\.js is missing/);
  });

  it('from TypeScript sources, uses the build of npm run build when it is up to date', () => {
    const dir = tree({
      'src/serve/serve.ts': 1000,
      'src/serve/frames.ts': 1000,
      'dist/src/serve/socketWorker.js': 2000,
    });
    const from = pathToFileURL(join(dir, 'src/serve/serve.ts')).href;
    expect(fileURLToPath(socketWorkerFile(from))).toBe(join(dir, 'dist/src/serve/socketWorker.js'));
  });

  it('from TypeScript sources, asks for npm run build when the build is missing or stale', () => {
    let dir = tree({ 'src/serve/serve.ts': 1000 });
    expect(() => socketWorkerFile(pathToFileURL(join(dir, 'src/serve/serve.ts')).href)).toThrow(
      /missing: run npm run build/,
    );
    rmSync(dir, { recursive: true, force: true });
    dir = tree({
      'src/serve/serve.ts': 1000,
      'src/serve/frames.ts': 3000,
      'dist/src/serve/socketWorker.js': 2000,
    });
    expect(() => socketWorkerFile(pathToFileURL(join(dir, 'src/serve/serve.ts')).href)).toThrow(
      /frames\.ts changed after .* was built: run npm run build/,
    );
  });

  it('finds the real build when run from this repository', () => {
    expect(socketWorkerFile().href).toMatch(/\/dist\/src\/serve\/socketWorker\.js$/);
  });
});
