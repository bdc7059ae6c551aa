// Known answers for the generator behind every bit-for-bit claim of the project (same seed, same
// network, same run): rng() is sfc32 (Chris Doty-Humphrey's small fast chaotic generator, as
// PractRand defines it) seeded through a splitmix-style hash. The first draws from a zero state
// are worked by hand below; then thousands of draws, from raw states and from seeds, are compared
// with test/fixtures/sfc32/sfc32.c, the algorithm's reference definition written in C and built
// here with gcc.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sfc32FromState } from '../../src/core/rng.js';
import { type Rng, rng } from '../../src/index.js';
import { runsWith } from '../requiredTool.js';

const TWO_32 = 4294967296;

/** The next 32-bit output: next() is that output divided by 2³², exactly. */
function outputs(random: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(random.next() * TWO_32);
  return out;
}

describe('sfc32: worked by hand', () => {
  it('from a = b = c = 0, counter 1: 1, 2, 12, 18874399', () => {
    // out = a + b + counter (counter then +1); a ← b ^ (b >> 9); b ← c + (c << 3);
    // c ← rotl(c, 21) + out.
    // 1: out = 0 + 0 + 1 = 1;          a = 0, b = 0,              c = 0 + 1 = 1
    // 2: out = 0 + 0 + 2 = 2;          a = 0, b = 1 + 8 = 9,      c = 2²¹ + 2 = 2097154
    // 3: out = 0 + 9 + 3 = 12;         a = 9, b = 9 · 2097154 = 18874386,
    //                                   c = rotl(2²¹ + 2, 21) + 12 = 2²² + 2¹⁰ + 12 = 4195340
    // 4: out = 9 + 18874386 + 4 = 18874399
    expect(outputs(sfc32FromState(0, 0, 0, 1), 4)).toEqual([1, 2, 12, 18874399]);
  });

  it('wraps every word at 2³² (all ones): out = 2³² − 1 + 2³² − 1 + 1 mod 2³²', () => {
    const all = 0xffffffff;
    expect(outputs(sfc32FromState(all, all, all, 1), 1)).toEqual([all]);
  });
});

const hasGcc = (() => {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(runsWith('gcc', hasGcc, 'gcc'))('sfc32: against the reference in C', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sfc32-'));
  const exe = join(dir, 'sfc32');
  const source = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/sfc32/sfc32.c');
  execFileSync('gcc', ['-O2', '-o', exe, source]);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const reference = (...args: string[]): number[] =>
    execFileSync(exe, args, { encoding: 'utf8' }).trim().split('\n').map(Number);

  it.each([
    [0, 0, 0, 1],
    [0x9e3779b9, 0x243f6a88, 0xb7e15162, 1],
    [0xffffffff, 0x80000000, 0x00000001, 0xfffffff0], // the counter wraps within the run
  ])('10,000 outputs from the state a=%i b=%i c=%i counter=%i', (a, b, c, counter) => {
    const expected = reference('state', `${a}`, `${b}`, `${c}`, `${counter}`, '10000');
    expect(outputs(sfc32FromState(a, b, c, counter), 10_000)).toEqual(expected);
  });

  it.each([0, 1, 42, 2 ** 31, 2 ** 32 - 1])('10,000 draws of rng(%i), seeding included', (seed) => {
    expect(outputs(rng(seed), 10_000)).toEqual(reference('seed', `${seed}`, '10000'));
  });
});
