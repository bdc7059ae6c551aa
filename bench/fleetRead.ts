// npm run bench:fleet-read — what a fleet worker spends per entry to turn a read's reply into
// samples, without Redis (about 20 s).
//
// The reply is what `redisLog`'s read script gives for one shard: 5,000 sensor samples (64 keys,
// 8 inputs, a time and an id) as compact records, `<offset> <length> <body>` one after the
// other. Three ways to read it, interleaved in rounds in this one process, each timed by its CPU
// (process.cpuUsage), garbage collection included:
// - in place: what a worker does (`EntryCursor` over the bytes, `sampleOfCompactBytes`, the key
//   looked up as the worker does): no text and no object per entry but the sample and its `x`;
// - through texts: an entry object with an offset text and a body text per entry
//   (`entriesOfShardBytes`, as `read()` gives), then `sampleOfRecord` of the text — what a worker
//   does on a log without `readBytes`, and about what it did before it read in place;
// - the reference: JSON.parse of each sample's JSON (what reading JSON records would cost).
// It prints the median of the rounds in ns per entry and the ratios to the reference.
import { lastValueFrom, take, toArray } from 'rxjs';
import { EntryCursor, entriesOfShardBytes } from '../src/fleet/entryCursor.js';
import { sampleOfCompactBytes } from '../src/fleet/sampleOfCompactBytes.js';
import { sampleOfRecord, sampleRecord } from '../src/fleet/sampleRecord.js';
import type { LogEntry } from '../src/fleet/shardedLog.js';
import type { Sample } from '../src/samples/sample.js';
import { sensorFeed } from '../streams/sensorFeed.js';

const ENTRIES = 5000;
const ROUNDS = Number(process.env.FLEET_READ_ROUNDS ?? 15);
const REPEAT = 40; // reads of the reply per timing

const samples = await lastValueFrom(
  sensorFeed({ sensors: 64, rate: 0, limit: ENTRIES, seed: 3 }).pipe(take(ENTRIES), toArray()),
);
const bodies = samples.map((s) => sampleRecord(s));
const reply = Buffer.from(
  bodies.map((b, i) => `${1_764_800_000_000 + i}-0 ${Buffer.byteLength(b)} ${b}`).join(''),
);
const json = samples.map((s) =>
  JSON.stringify({ x: Array.from(s.x), y: s.y, key: s.key, id: s.id, t: s.t }),
);
const keys = new Map<string, number>();
let sink = 0;

const inPlace = (): void => {
  const cursor = new EntryCursor().reset({ shard: 0, bytes: reply });
  let last: unknown;
  let count = 0;
  while (cursor.next()) {
    const sample =
      sampleOfCompactBytes(reply, cursor.bodyStart, cursor.bodyEnd) ??
      sampleOfRecord(cursor.body(), 'entry');
    if (sample.key !== last) {
      last = sample.key;
      count = keys.get(String(sample.key)) ?? 0;
    }
    sink += sample.x[1] + count;
  }
};
const throughTexts = (): void => {
  const entries: LogEntry[] = [];
  entriesOfShardBytes({ shard: 0, bytes: reply }, entries);
  for (const entry of entries) {
    const sample = sampleOfRecord(entry.body, () => `entry ${entry.offset}`);
    sink += sample.x[1] + (keys.get(String(sample.key)) ?? 0);
  }
};
const reference = (): void => {
  for (const text of json) {
    const sample = JSON.parse(text) as Sample;
    sink += sample.x[1] + (keys.get(String(sample.key)) ?? 0);
  }
};

const ways = {
  'in place': inPlace,
  'through texts': throughTexts,
  'JSON.parse (reference)': reference,
};
const cpuNs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) * 1000;
};
const times = new Map<string, number[]>(Object.keys(ways).map((name) => [name, []]));
for (let round = -2; round < ROUNDS; round++) {
  for (const [name, read] of Object.entries(ways)) {
    const start = cpuNs();
    for (let r = 0; r < REPEAT; r++) read();
    if (round >= 0) times.get(name)?.push((cpuNs() - start) / (REPEAT * ENTRIES)); // 2 warm-up rounds
  }
}
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const base = median(times.get('JSON.parse (reference)') ?? []);
console.log(
  `bench:fleet-read — a read of ${ENTRIES.toLocaleString('en')} entries (${(reply.length / ENTRIES).toFixed(0)} bytes each), median of ${ROUNDS} interleaved rounds, CPU time\n`,
);
console.log('| way | ns per entry (median) | range | ÷ JSON.parse |');
console.log('|---|---:|---:|---:|');
for (const [name, values] of times) {
  const m = median(values);
  console.log(
    `| ${name} | ${m.toFixed(0)} | ${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} | ${(m / base).toFixed(2)} |`,
  );
}
if (sink === 0) console.log('(nothing read)');
