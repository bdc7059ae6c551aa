// npm run bench:bykey-costs — where byKey's time goes at 1,000 keys of 8-16-1 (SGD η = 0.01): the
// slab learner of keyedTrain driven directly (no Observable around it), against one model driven
// the same way (forward → loss → one-call learning), in samples per CPU-second, interleaved chunk
// by chunk in one process, on every backend. Rows:
//   - one key: the slab learner's own bookkeeping (lookup, LRU, pointing the kernels at the slot,
//     copying the weights out to step.network);
//   - 1,000 keys: what the number of keys adds;
//   - "one slot's memory for all": the same keys, lookups and bookkeeping, but every key's
//     sample learned in slot 0's memory — the time without each key's weights coming from
//     beyond the cache (only time is read from these rows: the figures are not a model's).
// Environment: BENCH_SCALE (default 1: 300,000 samples per contender), BENCH_CHUNKS (default 16).
import { asapScheduler } from 'rxjs';
import {
  dense,
  keyedTrain,
  linear,
  mse,
  network,
  rng,
  type Sample,
  sgd,
  tanh,
} from '../src/index.js';
import type { SlabLearner as SlabLearnerType } from '../src/keyed/slabLearner.js';
import { SlabLearner } from '../src/keyed/slabLearner.js';
import { Forwarder } from '../src/operators/forward.js';
import { scoreStep } from '../src/operators/loss.js';
import { readUpdateSettings, Updater } from '../src/operators/update.js';
import { backendsToCompare } from './backends.js';
import { makeStream, type NetOptions } from './benchStream.js';
import { SIZES } from './keyedModels.js';
import { type Contender, interleave, measure, printRates } from './measure.js';

const KEYS = 1000;
const COUNT = Math.round(300_000 * Number(process.env.BENCH_SCALE ?? 1));
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 16);

interface Keyed extends Sample {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly key: string;
}

/** What the bench reaches inside a slab learner: its slabs' pointing and showing. */
interface SlabsInside {
  point(slot: number): void;
  show(slot: number): void;
}

function netOf(options: NetOptions) {
  return {
    inputs: SIZES[0],
    layers: [dense(SIZES[1], tanh), dense(SIZES[2], linear)],
    seed: 11,
    ...options,
  };
}

function oneModel(options: NetOptions, samples: readonly Keyed[]): Contender {
  const net = network(netOf(options));
  const loss = mse();
  const forwarder = new Forwarder<Keyed>(net, 'error');
  const updater = new Updater<Keyed>(net, sgd({ learningRate: 0.01 }), readUpdateSettings({}));
  return {
    name: 'one model',
    run: (start, end) =>
      measure(() => {
        for (let n = start; n < end; n++) {
          const step = forwarder.next(samples[n]);
          scoreStep(step, loss, 'error');
          updater.learn(step);
        }
        return end - start;
      }),
  };
}

function slabs(
  name: string,
  options: NetOptions,
  samples: readonly Keyed[],
  oneSlot: boolean,
): Contender {
  const learner = keyedTrain<Keyed>({
    network: netOf(options),
    loss: mse(),
    optimizer: sgd({ learningRate: 0.01 }),
  });
  const slab: SlabLearnerType<Keyed, string> = new SlabLearner(
    learner.options,
    asapScheduler,
    false,
  );
  if (oneSlot) {
    const inside = (slab as unknown as { slabs: SlabsInside }).slabs;
    const { point, show } = inside;
    inside.point = () => point.call(inside, 0);
    inside.show = () => show.call(inside, 0);
  }
  const emit = (): void => {};
  const evict = (): void => {};
  for (let n = 0; n < KEYS; n++) slab.learn(samples[n].key, samples[n], emit, KEYS, evict);
  return {
    name,
    run: (start, end) =>
      measure(() => {
        for (let n = start; n < end; n++) {
          const s = samples[n];
          slab.learn(s.key, s, emit, KEYS, evict);
        }
        return end - start;
      }),
  };
}

async function main(): Promise<void> {
  const stream = makeStream(SIZES[0], 1, COUNT + KEYS, 2024);
  const random = rng(99);
  // The first KEYS samples name every key once (they open the slots before the clock starts).
  const drawn = stream.map((_, n) => (n < KEYS ? n : Math.floor(random.next() * KEYS)));
  const names = Array.from({ length: KEYS }, (_, k) => `key-${k}`);
  const byName = stream.map((s, n): Keyed => ({ x: s.x, y: s.y, key: names[drawn[n]] }));
  const oneKey = stream.map((s): Keyed => ({ x: s.x, y: s.y, key: 'key-0' }));
  console.log(
    `byKey's costs at ${KEYS.toLocaleString('en')} keys of 8-16-1 (SGD η = 0.01), the slab learner driven directly; ratio: samples per CPU-second against one model`,
  );
  for (const b of backendsToCompare()) {
    const timed = (list: readonly Keyed[]) => list.slice(KEYS);
    const contenders = [
      oneModel(b.options, timed(oneKey)),
      slabs('keyedTrain slabs, one key', b.options, oneKey, false),
      slabs('keyedTrain slabs, 1,000 string keys', b.options, byName, false),
      slabs('  the same, one slot’s memory for all', b.options, byName, true),
    ];
    // The slab contenders read from KEYS on: their first KEYS samples opened the slots.
    const shifted = contenders.map(
      (c, i): Contender =>
        i === 0 ? c : { name: c.name, run: (start, end) => c.run(start + KEYS, end + KEYS) },
    );
    const rates = await interleave(shifted, COUNT, CHUNKS, Math.min(20_000, COUNT));
    printRates(`${b.name}: ${COUNT.toLocaleString('en')} samples per contender`, rates, 0);
    const ns = (r: { perCpuSecond: number }): number => 1e9 / r.perCpuSecond;
    for (const r of rates.slice(1)) {
      console.log(
        `${r.name.padEnd(42)} ${(ns(r) - ns(rates[0])).toFixed(0).padStart(6)} ns per sample more than one model`,
      );
    }
  }
}

await main();
