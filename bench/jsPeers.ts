// npm run bench:js-peers — per-sample training speed of the `train` pipeline against a hand-fused
// Float64Array reference loop and three peer libraries, interleaved in one process.
//
// Each contender trains its own network on the same fixed synthetic regression stream. The
// stream is cut into chunks; every round trains each contender on the next chunk, in turn, so
// that machine noise hits all of them alike, and each round starts with another contender, so
// that none always meets the chunk cold. Samples/s is the median over the chunks; the
// ratio is against the reference loop. Finally the heap is read before and after 1,000,000
// samples through `train`, with the number of garbage collections in between.
//
// Environment: BENCH_SAMPLES (default 200000) samples per net; BENCH_CHUNKS (default 10);
// BENCH_NETS (default small,big).
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import { from, Observable } from 'rxjs';
import {
  dense,
  linear,
  mse,
  type Network,
  network,
  rng,
  type Sample,
  sgd,
  tanh,
  train,
} from '../src/index.js';

const require = createRequire(import.meta.url);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200_000);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 10);
const RATE = 0.01;

interface BenchSample extends Sample {
  readonly x: Float64Array;
  readonly y: number[];
}

/** One contender: trains on samples[from, to) and returns the mean loss ½Σ(y-ŷ)² of that span. */
interface Contender {
  readonly name: string;
  /** The share of each chunk it trains on (default 1): for a contender too slow for all of it. */
  readonly share?: number;
  trainChunk(samples: readonly BenchSample[], start: number, end: number): number;
}

/** A smooth fixed target function of the inputs plus a little noise, reproducible from the seed. */
function makeStream(inputs: number, outputs: number, count: number, seed: number): BenchSample[] {
  const random = rng(seed);
  const mixing = Array.from(
    { length: outputs * inputs },
    () => random.normal() / Math.sqrt(inputs),
  );
  const samples: BenchSample[] = [];
  for (let n = 0; n < count; n++) {
    const x = new Float64Array(inputs);
    for (let i = 0; i < inputs; i++) x[i] = 2 * random.next() - 1;
    const y: number[] = [];
    for (let o = 0; o < outputs; o++) {
      let s = 0;
      for (let i = 0; i < inputs; i++) s += mixing[o * inputs + i] * x[i];
      y.push(0.8 * Math.tanh(1.5 * s) + 0.01 * random.normal());
    }
    samples.push({ x, y });
  }
  return samples;
}

function buildNet(sizes: readonly number[]): Network {
  const layers = sizes
    .slice(1)
    .map((units, k) => dense(units, k === sizes.length - 2 ? linear : tanh));
  return network({ inputs: sizes[0], layers, seed: 11 });
}

/**
 * The reference: forward, then one fused backward-and-update sweep per layer that reads each
 * weight once to propagate the error and to change it — the loop one writes by hand.
 */
function referenceLoop(sizes: readonly number[]): Contender {
  const source = buildNet(sizes);
  const L = sizes.length - 1;
  const weights = source.layers.map((l) => l.weights.slice());
  const biases = source.layers.map((l) => l.biases.slice());
  const acts = sizes.map((n) => new Float64Array(n));
  const deltas = sizes.map((n) => new Float64Array(n));
  return {
    name: 'reference loop (hand-fused)',
    trainChunk(samples, start, end) {
      let total = 0;
      for (let n = start; n < end; n++) {
        const { x, y } = samples[n];
        acts[0].set(x);
        for (let k = 0; k < L; k++) {
          const w = weights[k];
          const b = biases[k];
          const a = acts[k];
          const out = acts[k + 1];
          const fanIn = sizes[k];
          const hidden = k < L - 1;
          for (let j = 0; j < sizes[k + 1]; j++) {
            let s = b[j];
            const row = j * fanIn;
            for (let i = 0; i < fanIn; i++) s += w[row + i] * a[i];
            out[j] = hidden ? Math.tanh(s) : s;
          }
        }
        const top = deltas[L];
        for (let j = 0; j < sizes[L]; j++) {
          const d = acts[L][j] - y[j];
          top[j] = d;
          total += 0.5 * d * d;
        }
        for (let k = L - 1; k >= 0; k--) {
          const w = weights[k];
          const b = biases[k];
          const a = acts[k];
          const d = deltas[k + 1];
          const back = deltas[k];
          const fanIn = sizes[k];
          if (k > 0) back.fill(0);
          for (let j = 0; j < sizes[k + 1]; j++) {
            const dj = d[j];
            const row = j * fanIn;
            if (k > 0) {
              for (let i = 0; i < fanIn; i++) {
                back[i] += w[row + i] * dj;
                w[row + i] -= RATE * dj * a[i];
              }
            } else {
              for (let i = 0; i < fanIn; i++) w[row + i] -= RATE * dj * a[i];
            }
            b[j] -= RATE * dj;
          }
          if (k > 0) for (let i = 0; i < fanIn; i++) back[i] *= 1 - a[i] * a[i];
        }
      }
      return total / (end - start);
    },
  };
}

/** streamprop: `from(chunk).pipe(train(…))`, one network trained across all chunks. */
function streampropTrain(sizes: readonly number[]): Contender {
  const net = buildNet(sizes);
  const optimizer = sgd({ learningRate: RATE });
  const lossFn = mse();
  return {
    name: 'streamprop train pipeline',
    trainChunk(samples, start, end) {
      let total = 0;
      from(samples.slice(start, end))
        .pipe(train(net, { loss: lossFn, optimizer }))
        .subscribe((step) => {
          total += step.loss;
        });
      return total / (end - start);
    },
  };
}

interface BrainNet {
  sizes: number[];
  outputs: number[][];
  initialize(): void;
  updateTrainingOptions(options: Record<string, unknown>): void;
  trainPattern(value: { input: ArrayLike<number>; output: ArrayLike<number> }): void;
}

/** brain.js 1.6.1: its own per-sample `trainPattern`; tanh on every layer (it has no linear output). */
function brainJs(sizes: readonly number[]): Contender {
  const brain = require('brain.js') as { NeuralNetwork: new (o: object) => BrainNet };
  const net = new brain.NeuralNetwork({ hiddenLayers: sizes.slice(1, -1), activation: 'tanh' });
  net.sizes = [...sizes];
  net.updateTrainingOptions({ learningRate: RATE }); // its momentum must be > 0: default 0.1
  net.initialize();
  const top = sizes.length - 1;
  return {
    name: 'brain.js 1.6.1',
    trainChunk(samples, start, end) {
      let total = 0;
      for (let n = start; n < end; n++) {
        const s = samples[n];
        net.trainPattern({ input: s.x, output: s.y });
        const out = net.outputs[top];
        for (let j = 0; j < out.length; j++) total += 0.5 * (out[j] - s.y[j]) ** 2;
      }
      return total / (end - start);
    },
  };
}

interface SynapticNet {
  layers: { hidden: { set(o: object): void }[]; output: { set(o: object): void } };
  activate(x: ArrayLike<number>): number[];
  propagate(rate: number, target: number[]): void;
}

/** synaptic: a Perceptron with tanh hidden layers and an identity output, `activate` + `propagate`. */
function synaptic(sizes: readonly number[]): Contender {
  const lib = require('synaptic') as {
    Architect: { Perceptron: new (...sizes: number[]) => SynapticNet };
    Neuron: { squash: { TANH: unknown; IDENTITY: unknown } };
  };
  const net = new lib.Architect.Perceptron(...sizes);
  for (const layer of net.layers.hidden) layer.set({ squash: lib.Neuron.squash.TANH });
  net.layers.output.set({ squash: lib.Neuron.squash.IDENTITY });
  // On the big net synaptic runs at a few hundred samples/s: time it on a twentieth of each chunk.
  const share = sizes.reduce((a, b) => a + b) > 100 ? 0.05 : 1;
  return {
    name: share < 1 ? 'synaptic 1.1.4 (5% of samples)' : 'synaptic 1.1.4',
    share,
    trainChunk(samples, start, end) {
      let total = 0;
      for (let n = start; n < end; n++) {
        const s = samples[n];
        const out = net.activate(s.x);
        net.propagate(RATE, s.y);
        for (let j = 0; j < out.length; j++) total += 0.5 * (out[j] - s.y[j]) ** 2;
      }
      return total / (end - start);
    },
  };
}

interface ConvnetVol {
  w: Float64Array;
}

/** convnetjs: fc tanh layers and a regression output, plain SGD with batch size 1. */
function convnetJs(sizes: readonly number[]): Contender {
  const lib = require('convnetjs') as {
    Net: new () => { makeLayers(defs: object[]): void; forward(v: ConvnetVol): ConvnetVol };
    Trainer: new (
      net: object,
      options: object,
    ) => { train(v: ConvnetVol, y: number[]): { loss: number } };
    Vol: new (sx: number, sy: number, depth: number, fill: number) => ConvnetVol;
  };
  const net = new lib.Net();
  net.makeLayers([
    { type: 'input', out_sx: 1, out_sy: 1, out_depth: sizes[0] },
    ...sizes.slice(1, -1).map((n) => ({ type: 'fc', num_neurons: n, activation: 'tanh' })),
    { type: 'regression', num_neurons: sizes[sizes.length - 1] },
  ]);
  const trainer = new lib.Trainer(net, {
    method: 'sgd',
    learning_rate: RATE,
    momentum: 0,
    batch_size: 1,
    l2_decay: 0,
  });
  const input = new lib.Vol(1, 1, sizes[0], 0);
  return {
    name: 'convnetjs 0.3.0',
    trainChunk(samples, start, end) {
      let total = 0;
      for (let n = start; n < end; n++) {
        const s = samples[n];
        input.w.set(s.x);
        total += trainer.train(input, s.y).loss;
      }
      return total / (end - start);
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runNet(sizes: readonly number[]): void {
  const samples = makeStream(sizes[0], sizes[sizes.length - 1], SAMPLES, 2024);
  const contenders = [referenceLoop, streampropTrain, brainJs, synaptic, convnetJs].map((make) =>
    make(sizes),
  );
  // Warm-up: a small slice, so every contender is compiled before the clock starts.
  const warm = Math.min(2000, samples.length);
  for (const c of contenders) c.trainChunk(samples, 0, warm);
  const chunk = Math.floor(samples.length / CHUNKS);
  const rates = contenders.map((): number[] => []);
  const losses = contenders.map(() => 0);
  for (let r = 0; r < CHUNKS; r++) {
    // Each round starts with the next contender: the first to train on a chunk reads its
    // samples from memory, the others find them in the cache.
    for (let q = 0; q < contenders.length; q++) {
      const i = (r + q) % contenders.length;
      const c = contenders[i];
      const count = Math.max(1, Math.floor(chunk * (c.share ?? 1)));
      const t0 = process.hrtime.bigint();
      const loss = c.trainChunk(samples, r * chunk, r * chunk + count);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      rates[i].push(count / seconds);
      losses[i] = loss;
    }
  }
  const reference = median(rates[0]);
  console.log(
    `\nnet ${sizes.join('-')} (tanh hidden, linear output; brain.js: tanh output), ${(chunk * CHUNKS).toLocaleString('en')} samples, SGD η=${RATE}, ${CHUNKS} interleaved chunks`,
  );
  console.log(
    `${'contender'.padEnd(30)}${'samples/s'.padStart(12)}${'ratio'.padStart(8)}   loss (last chunk)`,
  );
  contenders.forEach((c, i) => {
    const rate = median(rates[i]);
    console.log(
      `${c.name.padEnd(30)}${Math.round(rate).toLocaleString('en').padStart(12)}${(rate / reference).toFixed(2).padStart(8)}   ${losses[i].toExponential(2)}`,
    );
  });
}

/** 1,000,000 samples through `train` on the small net; heap and GC count before and after. */
function heapCheck(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('\nheap check skipped: run with node --expose-gc (npm run bench does)');
    return;
  }
  const sizes = [8, 32, 1];
  const samples = makeStream(8, 1, 10_000, 7);
  const net = buildNet(sizes);
  const total = 1_000_000;
  const stream = new Observable<BenchSample>((subscriber) => {
    for (let n = 0; n < total && !subscriber.closed; n++)
      subscriber.next(samples[n % samples.length]);
    subscriber.complete();
  });
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  gc();
  const before = process.memoryUsage().heapUsed;
  observer.observe({ entryTypes: ['gc'] });
  let last = 0;
  stream
    .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: RATE }) }))
    .subscribe((s) => {
      last = s.loss;
    });
  observer.disconnect();
  gc();
  const after = process.memoryUsage().heapUsed;
  const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(2)} MB`;
  console.log(
    `\nheap used before ${mb(before)}, after 1,000,000 samples ${mb(after)} (${after >= before ? '+' : ''}${((after - before) / 1024).toFixed(1)} KB); garbage collections during the run: ${collections}; last loss ${last.toExponential(2)}`,
  );
}

const nets = (process.env.BENCH_NETS ?? 'small,big').split(',');
if (nets.includes('small')) runNet([8, 32, 1]);
if (nets.includes('big')) runNet([32, 128, 64, 4]);
heapCheck();
