// The corpus of bad inputs `npm run chaos` runs `streamprop run` against (and a test runs a
// part of): small files kept in test/fixtures/chaos, and big ones written at run time (never
// committed). Each case says the exit status the command must end with; runChaosCase runs the
// compiled command on one and reports what it did.
import { spawn } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (this file is bench/ or dist/bench/). */
const ROOT = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url),
);
const MAIN = join(ROOT, 'dist/src/cli/main.js');
export const FIXTURES = join(ROOT, 'test/fixtures/chaos');

/** One bad input and what the command must do with it. */
export interface ChaosCase {
  /** The file's name (in test/fixtures/chaos, or the one generated). */
  readonly name: string;
  readonly kind: 'csv' | 'ndjson';
  /** What is bad about it. */
  readonly what: string;
  /** The documented exit status: 0 learned something, 1 nothing learned or the source refused. */
  readonly exit: 0 | 1 | 2;
  /** Writes the file at `path`; `scale` 1 for the full size (tens of MB), less in the test. */
  readonly generate?: (path: string, scale: number) => void;
}

/** What the command did with one case. */
export interface ChaosResult {
  readonly name: string;
  readonly what: string;
  readonly bytes: number;
  /** Records read, learned and rejected by reason, from the `--json` summary (absent: none). */
  readonly records: number | undefined;
  readonly learned: number | undefined;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** Whether records = learned + rejected (nothing lost silently). */
  readonly addsUp: boolean;
  readonly exit: number | null;
  readonly expectedExit: number;
  readonly signal: string | null;
  /** The largest resident set of the command, in MB (undefined if it could not be read). */
  readonly peakRssMb: number | undefined;
  /** Why the run counts as a crash: a signal, a status not 0/1/2, a stack trace, a hang. */
  readonly crash: string | undefined;
  /** The last line on standard error (the summary, or the one-line reason). */
  readonly lastLine: string;
}

/** A deterministic byte stream (the same corpus on every run). */
function randomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Writes `parts` to `path`, each a string or a generator of chunks, never the file whole. */
function writeParts(path: string, parts: (string | Buffer | (() => Iterable<Buffer>))[]): void {
  const fd = openSync(path, 'w');
  try {
    for (const part of parts) {
      if (typeof part === 'function') for (const chunk of part()) writeSync(fd, chunk);
      else writeSync(fd, typeof part === 'string' ? Buffer.from(part) : part);
    }
  } finally {
    closeSync(fd);
  }
}

/** `bytes` bytes of `byte`, in chunks of 1 MiB. */
function* repeated(byte: string, bytes: number): Iterable<Buffer> {
  const chunk = Buffer.alloc(1 << 20, byte);
  for (let left = bytes; left > 0; left -= chunk.length) {
    yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
}

const row = (i: number): string => {
  const a = Math.sin(i / 7);
  const b = Math.cos(i / 11);
  return `${a.toFixed(4)},${b.toFixed(4)},${(0.5 * a - 0.3 * b).toFixed(4)}`;
};
const rows = (from: number, n: number): string =>
  Array.from({ length: n }, (_, i) => `${row(from + i)}\n`).join('');
const line = (i: number): string => {
  const [a, b, y] = row(i).split(',');
  return `{"x":[${a},${b}],"y":${y}}\n`;
};
const lines = (from: number, n: number): string =>
  Array.from({ length: n }, (_, i) => line(from + i)).join('');
const MB = 1024 * 1024;

/** The corpus: the kept files first, then the generated ones. */
export const CHAOS_CASES: readonly ChaosCase[] = [
  { name: 'empty.csv', kind: 'csv', what: 'no bytes at all', exit: 1 },
  { name: 'empty.ndjson', kind: 'ndjson', what: 'no bytes at all', exit: 0 },
  { name: 'header-only.csv', kind: 'csv', what: 'a header, no record', exit: 1 },
  { name: 'blank-lines.ndjson', kind: 'ndjson', what: 'blank and whitespace lines only', exit: 0 },
  { name: 'stray-quote.csv', kind: 'csv', what: 'one quote left open in 200 records', exit: 0 },
  { name: 'crlf.csv', kind: 'csv', what: 'CRLF line ends', exit: 0 },
  { name: 'lone-cr.csv', kind: 'csv', what: 'CR-only line ends', exit: 0 },
  { name: 'bom.csv', kind: 'csv', what: 'a UTF-8 byte order mark', exit: 0 },
  { name: 'bom.ndjson', kind: 'ndjson', what: 'a UTF-8 byte order mark', exit: 0 },
  { name: 'utf16.csv', kind: 'csv', what: 'UTF-16LE with its BOM', exit: 1 },
  { name: 'no-final-newline.csv', kind: 'csv', what: 'no line end after the last record', exit: 0 },
  {
    name: 'wrong-columns.csv',
    kind: 'csv',
    what: 'records with a field too few or too many',
    exit: 0,
  },
  { name: 'duplicate-header.csv', kind: 'csv', what: 'two columns of the same name', exit: 1 },
  {
    name: 'huge-values.csv',
    kind: 'csv',
    what: '1e200, -1.8e308, 1e155 among the values',
    exit: 0,
  },
  {
    name: 'not-decimal.csv',
    kind: 'csv',
    what: '0x10, 0b11, 1_000, Infinity, NaN, empty fields',
    exit: 0,
  },
  { name: 'control-chars.csv', kind: 'csv', what: 'NUL and BEL inside fields', exit: 1 },
  { name: 'binary.csv', kind: 'csv', what: 'a header, then 4 KB of random bytes', exit: 1 },
  { name: 'random.ndjson', kind: 'ndjson', what: '8 KB of random bytes', exit: 1 },
  { name: 'not-objects.ndjson', kind: 'ndjson', what: 'arrays, strings, null, numbers', exit: 0 },
  { name: 'bad-values.ndjson', kind: 'ndjson', what: 'strings, 1e999, 1e300, no target', exit: 0 },
  { name: 'wrong-shape.ndjson', kind: 'ndjson', what: 'x and y of changing lengths', exit: 0 },
  { name: 'truncated.ndjson', kind: 'ndjson', what: 'cut in the middle of the last line', exit: 0 },
  {
    name: 'deep-nesting.ndjson',
    kind: 'ndjson',
    what: 'lines of 200,000 and 100,000 nested [',
    exit: 0,
    generate: (path) =>
      writeParts(path, [`${'['.repeat(200_000)}\n{"x":${'['.repeat(100_000)}\n`, lines(1, 2)]),
  },
  {
    name: 'huge-line.ndjson',
    kind: 'ndjson',
    what: 'one line of 64 MB between good ones',
    exit: 0,
    generate: (path, scale) =>
      writeParts(path, [
        lines(0, 100),
        '{"x":[',
        () => repeated('1', Math.round(64 * MB * scale)),
        '],"y":1}\n',
        lines(100, 100),
      ]),
  },
  {
    name: 'huge-field.csv',
    kind: 'csv',
    what: 'one field of 32 MB between good records',
    exit: 0,
    generate: (path, scale) =>
      writeParts(path, [
        `a,b,y\n${rows(0, 100)}1,`,
        () => repeated('9', Math.round(32 * MB * scale)),
        `,1\n${rows(100, 100)}`,
      ]),
  },
  {
    name: 'no-line-breaks.csv',
    kind: 'csv',
    what: 'a header, then 32 MB without a line end',
    exit: 1,
    generate: (path, scale) =>
      writeParts(path, ['a,b,y\n', () => repeated('7', Math.round(32 * MB * scale))]),
  },
  {
    name: 'random-big.ndjson',
    kind: 'ndjson',
    what: '16 MB of random bytes',
    exit: 1,
    generate: (path, scale) =>
      writeParts(path, [
        function* () {
          const total = Math.round(16 * MB * scale);
          for (let at = 0, seed = 1; at < total; at += MB, seed++) {
            yield randomBytes(Math.min(MB, total - at), seed);
          }
        },
      ]),
  },
  {
    name: 'many-bad-rows.csv',
    kind: 'csv',
    what: '200,000 records, one in 7 bad in a new way',
    exit: 0,
    generate: (path, scale) => {
      const n = Math.round(200_000 * scale);
      const bad = ['x,1,2', '1,2', '1,2,3,4', '1e200,1,1', '"1,2,3', '0x1,1,1', ',,'];
      writeParts(path, [
        'a,b,y\n',
        function* () {
          for (let i = 0; i < n; i += 1000) {
            let text = '';
            for (let k = i; k < Math.min(n, i + 1000); k++) {
              text += k % 7 === 3 ? `${bad[((k / 7) % bad.length) | 0]}\n` : `${row(k)}\n`;
            }
            yield Buffer.from(text);
          }
        },
      ]);
    },
  },
  {
    name: 'wide-header.csv',
    kind: 'csv',
    what: 'a header of 300,000 columns (2 MB)',
    exit: 1,
    generate: (path, scale) => {
      const n = Math.max(10, Math.round(300_000 * scale));
      writeParts(path, [
        `${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}\n`,
        rows(0, 10),
      ]);
    },
  },
];

/** The file a case runs on: its kept fixture, or the one it generates into `dir`. */
export function chaosFile(c: ChaosCase, dir: string, scale: number): string {
  if (c.generate === undefined) return join(FIXTURES, c.name);
  const path = join(dir, c.name);
  c.generate(path, scale);
  return path;
}

/** Reports, at exit, the process's largest resident set (kB) on file descriptor 3. */
const PEAK_RSS = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });",
)}`;

/** A stack trace line, such as `    at parse (file:///…/x.js:12:5)`. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

/**
 * Runs `streamprop run --source KIND:PATH --json` on `path` (the compiled command: run
 * `npm run build` first) and reports what it did; `timeoutMs` later it is killed and counted
 * as a crash (a hang).
 */
export function runChaosCase(
  c: ChaosCase,
  path: string,
  timeoutMs = 120_000,
): Promise<ChaosResult> {
  const child = spawn(
    process.execPath,
    ['--import', PEAK_RSS, MAIN, 'run', '--source', `${c.kind}:${path}`, '--json'],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let rss = '';
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  (child.stdio[3] as NodeJS.ReadableStream | null)?.on('data', (chunk: Buffer) => {
    rss += chunk.toString();
  });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const summary = lastSummary(stdout);
      const byReason = Object.fromEntries(
        Object.entries(summary?.rejectedByReason ?? {}).filter(([, n]) => n > 0),
      );
      const rejected = Object.values(byReason).reduce((a, b) => a + b, 0);
      const crash = hung
        ? `no end within ${timeoutMs / 1000} s`
        : signal !== null
          ? `killed by ${signal}`
          : code !== 0 && code !== 1 && code !== 2
            ? `exit status ${code}`
            : STACK.test(stderr)
              ? 'a stack trace on standard error'
              : undefined;
      const records = summary?.records;
      const learned = summary?.samples;
      resolve({
        name: c.name,
        what: c.what,
        bytes: statSync(path).size,
        records,
        learned,
        rejectedByReason: byReason,
        addsUp: records === undefined || records === (learned ?? 0) + rejected,
        exit: code,
        expectedExit: c.exit,
        signal,
        peakRssMb: rss === '' ? undefined : Number(rss) / 1024,
        crash,
        lastLine: stderr.trimEnd().split('\n').at(-1) ?? '',
      });
    });
  });
}

interface Summary {
  readonly records: number;
  readonly samples: number;
  readonly rejectedByReason: Record<string, number>;
}

function lastSummary(stdout: string): Summary | undefined {
  const last = stdout.trimEnd().split('\n').at(-1);
  if (last === undefined || !last.startsWith('{"type":"summary"')) return undefined;
  return JSON.parse(last) as Summary;
}
