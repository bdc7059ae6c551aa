// The package as its users load it: by name, through package.json "exports", from both module
// systems (Node ≥ 20.19 loads ES modules with require). Needs `npm run build` (npm test does it).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const node = (args: string[]): string =>
  execFileSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

/** The built files a module loads statically: itself and all its relative imports. */
const filesLoadedBy = (entry: string): Set<string> => {
  const seen = new Set<string>();
  packagesLoadedBy(entry, seen);
  return seen;
};

/** The packages a built module imports statically, through all its relative imports. */
const packagesLoadedBy = (entry: string, seen = new Set<string>()): Set<string> => {
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/^(?:import|export)[^'"]*from '([^']+)';$/gm)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else
        packages.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0],
        );
    }
  };
  visit(resolve(entry));
  return packages;
};

describe('package entry points', () => {
  it('declares both entries with types and default, the bin and the engines', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.name).toBe('streamprop');
    expect(pkg.type).toBe('module');
    for (const entry of ['.', './streams', './serve', './fleet']) {
      expect(Object.keys(pkg.exports[entry])).toEqual(['types', 'default']);
    }
    expect(pkg.bin.streamprop).toBe('dist/src/cli/main.js');
    expect(pkg.engines.node).toBe('>=20.19');
    expect(Object.keys(pkg.dependencies)).toContain('rxjs');
  });

  it('loads with import', () => {
    const out = node([
      '--input-type=module',
      '-e',
      "import { train, network } from 'streamprop'; import { sineFeed } from 'streamprop/streams'; import { serve } from 'streamprop/serve'; import { redisLog, shardOf } from 'streamprop/fleet'; console.log(typeof train, typeof network, typeof sineFeed, typeof serve, typeof redisLog, typeof shardOf)",
    ]);
    expect(out).toBe('function function function function function function');
  });

  it('keeps the Redis client out of the root entry: only streamprop/fleet loads ioredis', () => {
    expect(packagesLoadedBy('dist/src/index.js')).not.toContain('ioredis');
    expect(packagesLoadedBy('dist/streams/index.js')).not.toContain('ioredis');
    expect(packagesLoadedBy('dist/src/fleet/index.js')).toContain('ioredis');
  });

  it('keeps the server out of the root entry: import "streamprop" loads no file of serve/ and not ws', () => {
    const files = [...filesLoadedBy('dist/src/index.js')];
    expect(files.length).toBeGreaterThan(50); // the walk follows the imports
    expect(files.filter((f) => f.includes('/serve/'))).toEqual([]);
    expect(packagesLoadedBy('dist/src/index.js')).not.toContain('ws');
    expect(
      [...filesLoadedBy('dist/src/serve/index.js')].some((f) => f.endsWith('/serve/serve.js')),
    ).toBe(true);
    const loaded = node([
      '--input-type=module',
      '-e',
      "import { createRequire } from 'node:module'; await import('streamprop'); const cache = Object.keys(createRequire(import.meta.url).cache); console.log(cache.length > 0, cache.filter((f) => /node_modules.(ws|mqtt|ioredis)./.test(f)).length)",
    ]);
    expect(loaded).toBe('true 0'); // modules loaded (rxjs is CommonJS), but none of ws, mqtt, ioredis
  });

  it('loads with require', () => {
    const out = node([
      '-e',
      "const { train } = require('streamprop'); const { sineFeed } = require('streamprop/streams'); console.log(typeof train, typeof sineFeed)",
    ]);
    expect(out).toBe('function function');
  });
});
