// npm run bench, section 4: 1,000,000 samples through `train` on 8-32-1 on every backend, one at a
// time and in mini-batches of 32 (`batchSize: 32`), with
// the heap before and after and the number of garbage collections in between — in a
// subscription already warmed up (the first samples of a subscription run before V8 has
// compiled the code and allocate there, once).
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { Observable } from 'rxjs';
import { mse, sgd, train } from '../src/index.js';
import { type BenchBackend, backendsToCompare } from './backends.js';
import { buildNet, makeStream } from './benchStream.js';
import type { BenchSample } from './childPeer.js';

/** Samples through the subscription before the count starts: V8 has compiled the code by then. */
const WARM_UP = 300_000;

/** perf_hooks' gc entry kinds. */
const GC_KINDS: Record<number, string> = {
  1: 'minor',
  2: 'major',
  4: 'incremental',
  8: 'weak callbacks',
};

export async function gcSection(): Promise<void> {
  const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
  if (!gc) {
    console.log('\nGC check skipped: run with node --expose-gc (npm run bench does)');
    return;
  }
  console.log(
    '\ngarbage collections over 1,000,000 samples through train on 8-32-1 (SGD), in one subscription after 300,000 samples of warm-up',
  );
  const samples = makeStream(8, 1, 10_000, 7);
  for (const batchSize of [1, 32]) {
    for (const b of backendsToCompare()) await countCollections(b, batchSize, samples, gc);
  }
}

/** 1,000,000 samples through `train` with `batchSize` on backend `b`: the collections. */
async function countCollections(
  b: BenchBackend,
  batchSize: number,
  samples: readonly BenchSample[],
  gc: (options?: { type: 'minor' | 'major' }) => void,
): Promise<void> {
  const net = buildNet([8, 32, 1], b.options);
  let collections = 0;
  const kinds: string[] = [];
  const count = (entries: readonly PerformanceEntry[]): void => {
    collections += entries.length;
    for (const e of entries) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      kinds.push(GC_KINDS[kind ?? 0] ?? `kind ${kind}`);
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  let before = 0;
  // One subscription: 300,000 samples to have the code compiled, as in a long-running
  // learner, then a full collection, then the 1,000,000 samples counted. (A Subject would
  // not do: RxJS's Subject.next allocates a closure per value.)
  const stream = new Observable<BenchSample>((subscriber) => {
    for (let n = 0; n < WARM_UP; n++) subscriber.next(samples[n % 10_000]);
    // A minor collection empties the young generation of the warm-up's garbage; a full one
    // would also drop code compiled for objects that died, which V8 then compiles again.
    gc({ type: 'minor' });
    before = process.memoryUsage().heapUsed;
    observer.observe({ entryTypes: ['gc'] });
    for (let n = 0; n < 1_000_000; n++) subscriber.next(samples[n % 10_000]);
    subscriber.complete();
  });
  const last = new Float64Array(1); // a closure variable would box each double written to it
  stream
    .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }), batchSize }))
    .subscribe((s) => {
      last[0] = s.loss;
    });
  // The observer is told asynchronously: let it hear of every collection of the run.
  await new Promise((resolve) => setTimeout(resolve, 100));
  count(observer.takeRecords());
  observer.disconnect();
  const after = process.memoryUsage().heapUsed;
  const kb = (after - before) / 1024;
  console.log(
    `${`${b.name}, batchSize ${batchSize}`.padEnd(20)} garbage collections: ${collections}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}; heap ${(before / 2 ** 20).toFixed(2)} MB before, ${(after / 2 ** 20).toFixed(2)} MB after (${kb >= 0 ? '+' : ''}${kb.toFixed(1)} KB); last loss ${last[0].toExponential(2)}`,
  );
}
