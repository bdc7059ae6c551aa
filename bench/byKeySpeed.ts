// npm run bench, section 3: byKey. One 8-16-1 model per key (SGD η = 0.01), the keys drawn at
// random, at 10, 1,000 and 100,000 keys, against one model learning every sample; then the
// memory each key costs, with SGD alone and with normalize + rmsprop + rolling metrics.
import { type OperatorFunction, Subject } from 'rxjs';
import { kernelHeap } from '../src/backends/kernelHeap.js';
import { mse, rng, sgd, train } from '../src/index.js';
import { backendsToCompare } from './backends.js';
import { buildNet, makeStream } from './benchStream.js';
import { KEYED_MODELS, type KeyedModel, type KeyedSample, SIZES } from './keyedModels.js';
import { type Contender, interleave, measure, printRates } from './measure.js';

/** `count` samples of the bench stream: the first `keys` name every key once, then at random. */
function keyedStream(keys: number, count: number): KeyedSample[] {
  const random = rng(99);
  const names = Array.from({ length: keys }, (_, k) => `key-${k}`);
  // Object literals, not spreads ({ ...s, key }): V8 gives a spread copy its properties out of
  // the object, and reading such samples made every contender 2–3× slower, hiding what byKey
  // itself costs.
  return makeStream(SIZES[0], 1, count, 2024).map((s, n) => ({
    x: s.x,
    y: s.y,
    key: names[n < keys ? n : Math.floor(random.next() * keys)],
  }));
}

/** A contender fed through a Subject it subscribed to once: its state lives across chunks. */
function fed(
  name: string,
  samples: readonly KeyedSample[],
  pipeline: OperatorFunction<KeyedSample, unknown>,
): Contender & { feed(list: readonly KeyedSample[]): void } {
  const input = new Subject<KeyedSample>();
  let seen = 0;
  const subscription = input.pipe(pipeline).subscribe(() => {
    seen++;
  });
  return {
    name,
    feed: (list) => {
      for (const s of list) input.next(s);
    },
    run: (start, end) =>
      measure(() => {
        seen = 0;
        for (let n = start; n < end; n++) input.next(samples[n]);
        return seen;
      }),
    close: () => subscription.unsubscribe(),
  };
}

export async function byKeySection(scale: number, chunks: number): Promise<void> {
  const models = KEYED_MODELS.filter((m) => m.variant === 'sgd');
  const backends = backendsToCompare();
  const counts = (process.env.BENCH_KEYS ?? '10,1000,100000').split(',').map(Number);
  for (const keys of counts) {
    const count = Math.round(Math.max(200_000 * scale, 2 * keys) / chunks) * chunks;
    const samples = keyedStream(keys, count + keys);
    const timed = samples.slice(keys);
    const contenders: Contender[] = [];
    for (const b of backends) {
      const net = buildNet(SIZES, b.options);
      const optimizer = sgd({ learningRate: 0.01 });
      contenders.push(fed(`one model (${b.name})`, timed, train(net, { loss: mse(), optimizer })));
    }
    for (const model of models) {
      const many = fed(model.name, timed, model.pipeline(keys));
      many.feed(samples.slice(0, keys)); // every key has its model before the clock starts
      contenders.push(many);
    }
    const rates = await interleave(contenders, count, chunks, Math.min(2000, count));
    for (const c of contenders) c.close?.();
    // One table per backend (all measured interleaved above), each against one model there.
    for (const b of backends) {
      printRates(
        `byKey: ${keys.toLocaleString('en')} keys of 8-16-1 (SGD η = 0.01) on ${b.name}, ${count.toLocaleString('en')} samples at random keys (figure: samples emitted in the last chunk)`,
        rates.filter((r) => r.name.endsWith(`(${b.name})`)),
        0,
      );
    }
  }
  await memoryPerKey(KEYED_MODELS);
}

/**
 * Heap and off-heap bytes in use after full collections (finalizers run in between), and the
 * bytes handed out in the WebAssembly kernels' memory (which `process.memoryUsage` does not see).
 */
async function bytesInUse(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external + (kernelHeap()?.usage().inUse ?? 0);
}

async function memoryPerKey(models: readonly KeyedModel[]): Promise<void> {
  if ((globalThis as { gc?: () => void }).gc === undefined) {
    console.log('\nmemory per key skipped: run with node --expose-gc (npm run bench does)');
    return;
  }
  const keys = 10_000;
  const samples = keyedStream(keys, keys);
  console.log(
    `\nbyKey: memory per key, ${keys.toLocaleString('en')} keys of 8-16-1 after one sample each`,
  );
  for (const model of models) {
    const before = await bytesInUse();
    const input = new Subject<KeyedSample>();
    const subscription = input.pipe(model.pipeline(keys)).subscribe();
    for (const s of samples) input.next(s);
    const after = await bytesInUse();
    subscription.unsubscribe();
    console.log(
      `${model.name.padEnd(60)}${((after - before) / keys / 1024).toFixed(2).padStart(8)} KB`,
    );
  }
}
