// node dist/bench/feeds.js [records] — how fast the file feeds replay as fast as they can.
//
// Writes a CSV and an NDJSON file of `records` sensor readings (default 1,000,000) to the
// temporary folder, then times, in this one process, alternately and three times each:
//   - fromCsv(path, { x, y, key, t }) to completion (csv-parse, one sample object per record);
//   - the reference: readline over the same file, line.split(','), Number() on each field, the
//     same sample object — what a hand-written loop that ignores quoting would do;
//   - csv-parse alone with the same settings, its records (string arrays) counted: the floor
//     that fromCsv stands on;
//   - fromCsv with skip: records − 1 (parsing without making samples: the cost of resuming);
//   - fromNdjson(path) and its reference, readline + JSON.parse + the same checks.
// It prints the median records/s of each and the ratio feed / reference. The files are removed.
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { Observable } from 'rxjs';
import type { Sample } from '../src/index.js';
import { fromCsv } from '../streams/fromCsv.js';
import { fromNdjson } from '../streams/fromNdjson.js';

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 3;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'streamprop-bench-feeds-'));
  try {
    const csv = join(dir, 'readings.csv');
    const ndjson = join(dir, 'readings.ndjson');
    await writeFiles(csv, ndjson);
    const columns = {
      x: ['temp', 'humidity', 'pressure'],
      y: 'temp_next',
      key: 'sensor',
      t: 'time',
    };
    const runs: Record<string, () => Promise<number>> = {
      fromCsv: () => drain(fromCsv(csv, columns)),
      'readline + split (reference)': () => csvReference(csv),
      'csv-parse alone (string arrays)': () => csvParseAlone(csv),
      'fromCsv, skip all but one': () => drain(fromCsv(csv, { ...columns, skip: RECORDS - 1 })),
      fromNdjson: () => drain(fromNdjson(ndjson)),
      'readline + JSON.parse (reference)': () => ndjsonReference(ndjson),
    };
    const times = new Map<string, number[]>(Object.keys(runs).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(runs)) {
        const started = process.hrtime.bigint();
        const count = await run();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const expected = name.includes('skip') ? 1 : name.includes('alone') ? RECORDS + 1 : RECORDS;
        if (count !== expected) throw new Error(`${name}: ${count} items, expected ${expected}`);
        times.get(name)!.push(seconds);
      }
    }
    const perSecond = (name: string): number => RECORDS / median(times.get(name)!);
    console.log(
      `${RECORDS.toLocaleString('en')} records, median of ${ROUNDS} runs (Node ${process.version})`,
    );
    for (const name of Object.keys(runs)) {
      console.log(
        `  ${name.padEnd(36)} ${Math.round(perSecond(name)).toLocaleString('en').padStart(11)} records/s`,
      );
    }
    const ratios: [string, string, string][] = [
      ['fromCsv / readline + split', 'fromCsv', 'readline + split (reference)'],
      ['fromCsv / csv-parse alone', 'fromCsv', 'csv-parse alone (string arrays)'],
      ['fromCsv skipping / fromCsv', 'fromCsv, skip all but one', 'fromCsv'],
      ['fromNdjson / readline + JSON.parse', 'fromNdjson', 'readline + JSON.parse (reference)'],
    ];
    for (const [label, a, b] of ratios) {
      console.log(`  ${label.padEnd(36)} ${(perSecond(a) / perSecond(b)).toFixed(2).padStart(11)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the same readings as CSV (with a header) and as NDJSON. */
async function writeFiles(csvPath: string, ndjsonPath: string): Promise<void> {
  const csv = createWriteStream(csvPath);
  const ndjson = createWriteStream(ndjsonPath);
  csv.write('time,sensor,temp,humidity,pressure,temp_next\n');
  let temp = 20;
  for (let i = 0; i < RECORDS; i++) {
    const next = Math.round((temp + Math.sin(i / 50) * 0.1) * 100) / 100;
    const humidity = Math.round((0.4 + 0.1 * Math.cos(i / 70)) * 1000) / 1000;
    const pressure = 1000 + (i % 30);
    const t = 1_700_000_000_000 + i * 1000;
    const key = `s${i % 8}`;
    const a = csv.write(`${t},${key},${temp},${humidity},${pressure},${next}\n`);
    const b = ndjson.write(
      `${JSON.stringify({ x: [temp, humidity, pressure], y: next, key, t })}\n`,
    );
    if (!a) await once(csv, 'drain');
    if (!b) await once(ndjson, 'drain');
    temp = next;
  }
  csv.end();
  ndjson.end();
  await Promise.all([once(csv, 'finish'), once(ndjson, 'finish')]);
}

/** Subscribes and counts the items until the feed completes. */
function drain(feed: Observable<Sample>): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    let check = 0;
    feed.subscribe({
      next: (s) => {
        count++;
        check += s.x.length; // touch the sample
      },
      error: reject,
      complete: () => resolve(check >= 0 ? count : -1),
    });
  });
}

/** The hand-written CSV loop: no quoting, no malformed records, the same samples. */
async function csvReference(path: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let count = 0;
  let check = 0;
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    if (line.length === 0) continue;
    const f = line.split(',');
    const sample: Sample = {
      x: [Number(f[2]), Number(f[3]), Number(f[4])],
      y: Number(f[5]),
      key: f[1],
      t: Number(f[0]),
    };
    check += sample.x.length;
    count++;
  }
  return check >= 0 ? count : -1;
}

/** csv-parse with the settings fromCsv uses, records (header included) counted and dropped. */
function csvParseAlone(path: string): Promise<number> {
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  return new Promise((resolve, reject) => {
    let count = 0;
    parser.on('readable', () => {
      while (parser.read() !== null) count++;
    });
    parser.on('end', () => resolve(count));
    parser.on('error', reject);
  });
}

/** The hand-written NDJSON loop: parse, check the shape, copy the sample fields. */
async function ndjsonReference(path: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let count = 0;
  let check = 0;
  for await (const line of lines) {
    if (line.trim().length === 0) continue;
    const v = JSON.parse(line) as { x: number[]; y: number; key: string; t: number };
    if (v === null || typeof v !== 'object' || !Array.isArray(v.x)) throw new Error('bad line');
    const sample: Sample = { x: v.x, y: v.y, key: v.key, t: v.t };
    check += sample.x.length;
    count++;
  }
  return check >= 0 ? count : -1;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

await main();
