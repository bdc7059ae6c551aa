// npm run bench:batch-parts — where the time of a mini-batch goes on the WebAssembly backend:
// the batch passes of `train(net, { batchSize })` called one by one on a block of rows
// (forward, backward with the loss gradient, the weight gradient with the bias sums, the
// per-row gradient norms, the SGD step), in µs of CPU per sample, on 32-128-64-4 and
// 64-256-256-10 at batch 32 and 256, with and without `fusedMultiplyAdd`. The products are
// measured on a twin whose layers are all linear — its forward and backward passes are the
// products and a copy per unit — so that tanh's and the derivatives' share is the difference.
// Each part is timed in rounds, interleaved with the others; the figure is the second-best
// round (CPU time, so other work on the machine counts little).
//
// Environment: BENCH_ROUNDS (default 9).
import { cpus, loadavg } from 'node:os';
import { dense, linear, mse, type Network, network, sgd, tanh, wasmBackend } from '../src/index.js';
import { measure } from './measure.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

function makeNet(sizes: readonly number[], hidden: typeof tanh, fused: boolean): Network {
  const layers = sizes
    .slice(1)
    .map((units, k) => dense(units, k === sizes.length - 2 ? linear : hidden));
  return network({
    inputs: sizes[0],
    layers,
    seed: 11,
    backend: wasmBackend(),
    fusedMultiplyAdd: fused,
  });
}

/** The passes of one batch of `count` rows of `net`, each a function to time. */
function passes(net: Network, count: number): Record<string, () => void> {
  const kernels = net.kernels;
  const rows = kernels.createBatch(count);
  const sum = kernels.stateBuffer(net.parameters.length);
  rows.forEach((row, s) => {
    for (let i = 0; i < row.input.length; i++) row.input[i] = Math.sin(0.7 * s + 1.3 * i);
    for (let o = 0; o < row.target.length; o++) row.target[o] = Math.cos(0.2 * s + o) / 2;
  });
  const loss = mse();
  const optimizer = sgd({ learningRate: 1e-6 });
  const norm = new Float64Array(1);
  kernels.forwardBatch(rows, count);
  kernels.backwardBatch(rows, count, loss);
  return {
    forward: () => kernels.forwardBatch(rows, count),
    backward: () => kernels.backwardBatch(rows, count, loss),
    gradient: () => kernels.accumulateBatch(rows, count, sum, 1 / count),
    norms: () => {
      for (let r = 0; r < count; r++) kernels.gradientNormInto(rows[r], norm);
    },
    step: () => optimizer.step(net.parameters, sum),
  };
}

function cpuSeconds(work: () => void, reps: number): number {
  return measure(() => {
    for (let r = 0; r < reps; r++) work();
    return 0;
  }).cpuSeconds;
}

/** µs of CPU per sample of each part: the second-best of ROUNDS interleaved rounds. */
function timeParts(parts: Record<string, () => void>, count: number, reps: number) {
  const names = Object.keys(parts);
  const times = names.map((): number[] => []);
  for (const name of names) cpuSeconds(parts[name], 2);
  for (let round = 0; round < ROUNDS; round++) {
    for (let q = 0; q < names.length; q++) {
      const i = (q + round) % names.length;
      times[i].push(cpuSeconds(parts[names[i]], reps));
    }
  }
  const result: Record<string, number> = {};
  names.forEach((name, i) => {
    const sorted = times[i].sort((a, b) => a - b);
    result[name] = (sorted[Math.min(1, sorted.length - 1)] / (reps * count)) * 1e6;
  });
  return result;
}

const f = (x: number): string => x.toFixed(2);

console.log(
  `npm run bench:batch-parts: ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; µs of CPU per sample (products: the all-linear twin's passes)`,
);
for (const sizes of [
  [32, 128, 64, 4],
  [64, 256, 256, 10],
]) {
  for (const count of [32, 256]) {
    for (const fused of [false, true]) {
      const weights = sizes.slice(1).reduce((s, units, k) => s + units * sizes[k], 0);
      const reps = Math.max(2, Math.round(2e7 / (weights * count)));
      const net = makeNet(sizes, tanh, fused);
      const twin = makeNet(sizes, linear, fused);
      const real = passes(net, count);
      const plain = passes(twin, count);
      const t = timeParts(
        {
          ...real,
          linearForward: plain.forward,
          linearBackward: plain.backward,
        },
        count,
        reps,
      );
      const total = t.forward + t.backward + t.gradient + t.norms + t.step;
      const products = t.linearForward + t.linearBackward + t.gradient;
      const multiplyAdds = weights * 3 - sizes[0] * sizes[1];
      console.log(
        `${sizes.join('-')} batch ${count}${fused ? ' fused' : ''}: ${f(total)} µs — forward ${f(t.forward)} (products ${f(t.linearForward)}, activations ${f(t.forward - t.linearForward)}), backward ${f(t.backward)} (products ${f(t.linearBackward)}, loss gradient and derivatives ${f(t.backward - t.linearBackward)}), weight gradient ${f(t.gradient)}, norms ${f(t.norms)}, step ${f(t.step)}; products ${f(products)} (${Math.round((100 * products) / total)} %, ${((multiplyAdds / products) * 1e-3).toFixed(1)} G multiply-adds per CPU-second)`,
      );
    }
  }
}
