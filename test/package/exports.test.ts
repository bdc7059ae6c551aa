// The package as its users load it: by name, through package.json "exports", from both module
// systems (Node ≥ 20.19 loads ES modules with require). Needs `npm run build` (npm test does it).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const node = (args: string[]): string =>
  execFileSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

describe('package entry points', () => {
  it('declares both entries with types and default, the bin and the engines', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.name).toBe('streamprop');
    expect(pkg.type).toBe('module');
    for (const entry of ['.', './streams', './serve']) {
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
      "import { train, network } from 'streamprop'; import { sineFeed } from 'streamprop/streams'; import { serve } from 'streamprop/serve'; console.log(typeof train, typeof network, typeof sineFeed, typeof serve)",
    ]);
    expect(out).toBe('function function function function');
  });

  it('loads with require', () => {
    const out = node([
      '-e',
      "const { train } = require('streamprop'); const { sineFeed } = require('streamprop/streams'); console.log(typeof train, typeof sineFeed)",
    ]);
    expect(out).toBe('function function');
  });
});
