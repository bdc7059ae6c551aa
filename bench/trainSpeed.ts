// npm run bench — streamprop against a C reference compiled on the spot and scikit-learn, in
// samples per CPU-second, every comparison interleaved chunk by chunk in one run:
//   1. per-sample training (`train`, SGD η = 0.01) and prediction (`predict`) on 8-8-1, 8-32-1,
//      32-128-64-4 and 64-256-256-10 against the same loops in C (gcc -O3 -march=native);
//   2. mini-batches of 32 and 256 on the two larger nets against MLPRegressor.partial_fit;
//   3. byKey at 10, 1,000 and 100,000 keys against one model, and the memory per key;
//   4. garbage collections over 1,000,000 samples through `train`, on every backend.
// Each network trains on the same fixed synthetic regression stream from the same initial
// weights on every backend and in C, so the figures (mean loss of the last chunk) agree; in
// section 1 streamprop reads the samples in order from one packed array, as C does (packedSpan).
//
// Environment: BENCH_SECTIONS (default sample,batch,bykey,gc), BENCH_SCALE (default 1: the
// share of the default sample counts), BENCH_CHUNKS (default 8), BENCH_KEYS (default
// 10,1000,100000: the key counts of section 3).
import { cpus, loadavg } from 'node:os';
import { mse, type Network, predict, sgd, train } from '../src/index.js';
import { backendsToCompare } from './backends.js';
import { batchSection } from './batchSpeed.js';
import { buildNet, makeStream, type PackedSamples, pack, packedSpan } from './benchStream.js';
import { byKeySection } from './byKeySpeed.js';
import { compileCReference, cPeer, writeDataFile } from './childPeer.js';
import { gcSection } from './gcCheck.js';
import { type Contender, interleave, measure, printRates } from './measure.js';

const SECTIONS = (process.env.BENCH_SECTIONS ?? 'sample,batch,bykey,gc').split(',');
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);
export const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 8);
const RATE = 0.01;

const SHAPES: readonly { sizes: number[]; samples: number }[] = [
  { sizes: [8, 8, 1], samples: 400_000 },
  { sizes: [8, 32, 1], samples: 200_000 },
  { sizes: [32, 128, 64, 4], samples: 40_000 },
  { sizes: [64, 256, 256, 10], samples: 8_000 },
];

/** streamprop's `train` with SGD, one sample at a time, on one backend. */
function trainContender(name: string, net: Network, samples: PackedSamples): Contender {
  const optimizer = sgd({ learningRate: RATE });
  const loss = mse();
  return {
    name,
    run: (start, end) =>
      measure(() => {
        const total = new Float64Array(1); // not a closure variable: a double there is boxed per write
        packedSpan(samples, start, end)
          .pipe(train(net, { loss, optimizer }))
          .subscribe((step) => {
            total[0] += step.loss;
          });
        return total[0] / (end - start);
      }),
  };
}

/** streamprop's `predict`, on one backend. */
function predictContender(name: string, net: Network, samples: PackedSamples): Contender {
  return {
    name,
    run: (start, end) =>
      measure(() => {
        const total = new Float64Array(1); // not a closure variable: a double there is boxed per write
        packedSpan(samples, start, end)
          .pipe(predict(net))
          .subscribe((p) => {
            total[0] += p.prediction[0];
          });
        return total[0] / (end - start);
      }),
  };
}

async function sampleSection(binary: string | undefined): Promise<void> {
  for (const { sizes, samples: full } of SHAPES) {
    const count = Math.max(CHUNKS, Math.round(full * SCALE));
    const samples = makeStream(sizes[0], sizes[sizes.length - 1], count, 2024);
    const data = writeDataFile(sizes.join('-'), buildNet(sizes), samples);
    const packed = pack(samples); // read in order from one array, as the C reference reads them
    for (const verb of ['train', 'predict']) {
      const contenders: Contender[] = [];
      if (binary !== undefined) contenders.push(cPeer(binary, data, sizes, verb));
      for (const b of backendsToCompare()) {
        const net = buildNet(sizes, b.options);
        contenders.push(
          verb === 'train'
            ? trainContender(`streamprop train (${b.name})`, net, packed)
            : predictContender(`streamprop predict (${b.name})`, net, packed),
        );
      }
      const rates = await interleave(contenders, count, CHUNKS, Math.min(2000, count));
      for (const c of contenders) c.close?.();
      const what = verb === 'train' ? 'per-sample SGD η = 0.01' : 'predict';
      printRates(
        `${sizes.join('-')}: ${what}, ${count.toLocaleString('en')} samples, ${CHUNKS} interleaved chunks (figure: mean ${verb === 'train' ? 'loss' : 'first output'} of the last chunk)`,
        rates,
        0,
      );
    }
  }
}

async function main(): Promise<void> {
  console.log(
    `npm run bench: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the start; node ${process.version}`,
  );
  console.log('ratio: samples per CPU-second against the first row of each table');
  const started = Date.now();
  const binary = SECTIONS.includes('sample') ? compileCReference() : undefined;
  if (SECTIONS.includes('sample')) await sampleSection(binary);
  if (SECTIONS.includes('batch')) await batchSection(SCALE, CHUNKS);
  if (SECTIONS.includes('bykey')) await byKeySection(SCALE, CHUNKS);
  if (SECTIONS.includes('gc')) await gcSection();
  console.log(
    `\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end`,
  );
}

await main();
