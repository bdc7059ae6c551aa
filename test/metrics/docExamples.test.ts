// Every TSDoc example of src/metrics runs: each ```ts block is written to a file of its own,
// with `streamprop` and the relative imports pointed at the sources, and imported. What the
// examples print is compared with the `// …` comment that follows each console.log: the printed
// values, then optionally ` — ` and a word on them (a comment that starts with ≈ or … is not
// compared).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const folder = resolve('src/metrics');
const index = resolve('src/index.ts');
const scratch = mkdtempSync(join(tmpdir(), 'streamprop-metric-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The ```ts blocks of the TSDoc comments of `file`, without the leading ` * `. */
function examples(file: string): string[] {
  const text = readFileSync(join(folder, file), 'utf8');
  const blocks: string[] = [];
  for (const match of text.matchAll(/^\s*\* ```ts\n([\s\S]*?)^\s*\* ```/gm)) {
    blocks.push(match[1].replace(/^\s*\* ?/gm, ''));
  }
  return blocks;
}

/** The source made runnable from the scratch folder. */
function runnable(source: string): string {
  return source
    .replace(/from 'streamprop'/g, `from '${index}'`)
    .replace(/from '\.\/([\w]+)\.js'/g, (_m, name: string) => `from '${join(folder, name)}.ts'`)
    .replace(
      /from '\.\.\/([\w/]+)\.js'/g,
      (_m, name: string) => `from '${resolve('src', name)}.ts'`,
    );
}

/** What a `// comment` after console.log promises, when it starts with a plain value. */
function promised(line: string): string | undefined {
  const comment = /console\.log\(.*\);\s*\/\/ (.*)$/.exec(line)?.[1];
  if (comment === undefined || /^[≈…]/.test(comment)) return undefined;
  return comment.split(' — ')[0].trim();
}

const files = readdirSync(folder).filter((f) => f.endsWith('.ts'));
const cases = files.flatMap((file) =>
  examples(file).map((source, i): [string, string] => [`${file} #${i + 1}`, source]),
);

describe('the TSDoc examples of src/metrics', () => {
  it('there are examples to run', () => {
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(cases)('%s runs and prints what it says', async (name, source) => {
    const path = join(scratch, `${name.replace(/\W+/g, '_')}.ts`);
    writeFileSync(path, runnable(source));
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => {
      printed.push(values.map(show).join(' '));
    });
    try {
      await import(path);
    } finally {
      log.mockRestore();
    }
    const expected = source
      .split('\n')
      .filter((l) => /console\.log\(/.test(l))
      .map(promised);
    expect(printed.length).toBeGreaterThanOrEqual(expected.length);
    expected.forEach((want, i) => {
      if (want !== undefined) expect(printed[i], `${name}, console.log #${i + 1}`).toBe(want);
    });
  });
});

/** A printed value as the examples' comments write it. */
function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' || value === undefined) return String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const fields = Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`);
    return `{ ${fields.join(', ')} }`;
  }
  return JSON.stringify(value);
}
