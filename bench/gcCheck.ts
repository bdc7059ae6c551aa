// npm run bench, section 4: 1,000,000 samples through `train` on 8-32-1 on every backend, with
// the heap before and after and the number of garbage collections in between.
import { PerformanceObserver } from 'node:perf_hooks';
import { Observable } from 'rxjs';
import { mse, sgd, train } from '../src/index.js';
import { backendsToCompare } from './backends.js';
import { buildNet, makeStream } from './benchStream.js';
import type { BenchSample } from './childPeer.js';

export async function gcSection(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('\nGC check skipped: run with node --expose-gc (npm run bench does)');
    return;
  }
  console.log('\ngarbage collections over 1,000,000 samples through train on 8-32-1 (SGD)');
  const samples = makeStream(8, 1, 10_000, 7);
  const total = 1_000_000;
  for (const b of backendsToCompare()) {
    const net = buildNet([8, 32, 1], b.options);
    const stream = new Observable<BenchSample>((subscriber) => {
      for (let n = 0; n < total && !subscriber.closed; n++) subscriber.next(samples[n % 10_000]);
      subscriber.complete();
    });
    let collections = 0;
    const observer = new PerformanceObserver((list) => {
      collections += list.getEntries().length;
    });
    gc();
    const before = process.memoryUsage().heapUsed;
    observer.observe({ entryTypes: ['gc'] });
    const last = new Float64Array(1); // a closure variable would box each double written to it
    stream
      .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }) }))
      .subscribe((s) => {
        last[0] = s.loss;
      });
    // The observer is told asynchronously: let it hear of every collection of the run.
    await new Promise((resolve) => setTimeout(resolve, 100));
    collections += observer.takeRecords().length;
    observer.disconnect();
    gc();
    const after = process.memoryUsage().heapUsed;
    const kb = (after - before) / 1024;
    console.log(
      `${b.name.padEnd(8)} garbage collections: ${collections}; heap ${(before / 2 ** 20).toFixed(2)} MB before, ${(after / 2 ** 20).toFixed(2)} MB after (${kb >= 0 ? '+' : ''}${kb.toFixed(1)} KB); last loss ${last[0].toExponential(2)}`,
    );
  }
}
