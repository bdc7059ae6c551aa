// npm run bench, section 2: mini-batches of 32 and 256 samples on the two larger nets, against
// scikit-learn's MLPRegressor.partial_fit at the same batch size (and, on 32-128-64-4, against
// streamprop's own per-sample training); on the WebAssembly backend with and without the opt-in
// `fusedMultiplyAdd`.
import { mse, type Network, sgd, train } from '../src/index.js';
import { backendsToCompare } from './backends.js';
import { buildNet, makeStream, span } from './benchStream.js';
import { type BenchSample, hasSklearn, sklearnPeer, writeDataFile } from './childPeer.js';
import { type Contender, interleave, measure, printRates, type Rates } from './measure.js';

const SHAPES: readonly { sizes: number[]; samples: number }[] = [
  { sizes: [32, 128, 64, 4], samples: 65_536 },
  { sizes: [64, 256, 256, 10], samples: 16_384 },
];

function batchContender(
  name: string,
  net: Network,
  samples: readonly BenchSample[],
  batchSize: number,
): Contender {
  const optimizer = sgd({ learningRate: 0.01 });
  const loss = mse();
  return {
    name,
    run: (start, end) =>
      measure(() => {
        const total = new Float64Array(1); // not a closure variable: a double there is boxed per write
        span(samples, start, end)
          .pipe(train(net, { loss, optimizer, batchSize }))
          .subscribe((step) => {
            total[0] += step.loss;
          });
        return total[0] / (end - start);
      }),
  };
}

export async function batchSection(scale: number, chunks: number): Promise<void> {
  const sklearn = hasSklearn();
  for (const { sizes, samples: full } of SHAPES) {
    // Whole batches of 256 in every chunk.
    const count = Math.max(1, Math.round((full * scale) / (256 * chunks))) * 256 * chunks;
    const samples = makeStream(sizes[0], sizes[sizes.length - 1], count, 2024);
    const data = writeDataFile(`${sizes.join('-')}-batch`, buildNet(sizes), samples);
    for (const batchSize of [32, 256]) {
      const contenders: Contender[] = [];
      if (sklearn) contenders.push(sklearnPeer(data, sizes, batchSize));
      for (const b of backendsToCompare()) {
        const label = `streamprop batchSize ${batchSize} (${b.name})`;
        contenders.push(batchContender(label, buildNet(sizes, b.options), samples, batchSize));
        if (b.name === 'wasm') {
          // The opt-in fused multiply-adds (relaxed SIMD): results within 1e-12, not bit for bit.
          const fused = buildNet(sizes, { ...b.options, fusedMultiplyAdd: true });
          const name = `streamprop batchSize ${batchSize} (wasm, fused)`;
          contenders.push(batchContender(name, fused, samples, batchSize));
        }
        if (batchSize === 32 && sizes[1] === 128) {
          const one = `streamprop batchSize 1 (${b.name})`;
          contenders.push(batchContender(one, buildNet(sizes, b.options), samples, 1));
        }
      }
      const rates = await interleave(contenders, count, chunks, 256);
      for (const c of contenders) c.close?.();
      printRates(
        `${sizes.join('-')}: mini-batch ${batchSize}, SGD η = 0.01 on the batch mean, ${count.toLocaleString('en')} samples (figure: mean loss of the last chunk)`,
        rates,
        0,
      );
      if (batchSize === 32 && sizes[1] === 128) printAgainstOne(rates);
    }
  }
}

/** The issue-13 target on 32-128-64-4: batch 32 against batch 1, per sample, per CPU-second. */
function printAgainstOne(rates: readonly Rates[]): void {
  const rate = (name: string): number | undefined =>
    rates.find((r) => r.name === `streamprop batchSize ${name}`)?.perCpuSecond;
  for (const backend of ['js', 'wasm']) {
    const one = rate(`1 (${backend})`);
    if (one === undefined) continue;
    const against = [`32 (${backend})`, `32 (${backend}, fused)`]
      .map((name) => [name, rate(name)] as const)
      .filter((pair): pair is readonly [string, number] => pair[1] !== undefined)
      .map(([name, r]) => `batchSize ${name} ${(r / one).toFixed(2)}×`);
    console.log(`against batchSize 1 (${backend}), per CPU-second: ${against.join(', ')}`);
  }
}
