import { interval, map, takeUntil, timer } from 'rxjs';
import { sineFeed } from '../../streams/sineFeed.js';
import { linear, tanh } from '../core/activations.js';
import { dense } from '../core/dense.js';
import { mse } from '../core/losses.js';
import { network } from '../core/network.js';
import { train } from '../operators/train.js';
import { adam } from '../optim/adam.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** How long to learn, in seconds. */
  readonly seconds: number;
  /** Samples per second of the feed. */
  readonly rate: number;
  /** Seed of the network and of the feed's noise. */
  readonly seed: number;
  /** Where the lines go (default: standard output). */
  readonly write?: (line: string) => void;
}

/**
 * The live demo: a small network learns to forecast a noisy sine wave from its last eight
 * readings, one sample at a time, and prints every second how its prequential error falls.
 * Resolves with the mean loss of the first and of the last second when the time is up.
 *
 * @example
 * ```ts
 * import { runDemo } from './demo.js';
 * const { first, last } = await runDemo({ seconds: 3, rate: 1000, seed: 1 });
 * ```
 */
export function runDemo(options: DemoOptions): Promise<{ first: number; last: number }> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const net = network({
    inputs: 8,
    layers: [dense(16, tanh), dense(1, linear)],
    seed: options.seed,
  });
  const optimizer = adam({ learningRate: 0.001 });
  write(
    `streamprop demo: a ${net.describe()} network learns to forecast a noisy sine wave, one sample at a time (adam, η = ${optimizer.learningRate}), for ${options.seconds} s at ${options.rate} samples/s`,
  );
  write(
    `${'time'.padStart(6)}${'samples'.padStart(10)}${'samples/s'.padStart(11)}   mean loss ½(y - ŷ)² since the last line`,
  );
  return new Promise((resolve, reject) => {
    let count = 0;
    let sum = 0;
    let n = 0;
    let first = Number.NaN;
    let last = Number.NaN;
    let lastCount = 0;
    const started = Date.now();
    const end$ = timer(options.seconds * 1000);
    const flush = (): void => {
      const mean = n > 0 ? sum / n : Number.NaN;
      if (Number.isNaN(first)) first = mean;
      last = mean;
      const elapsed = (Date.now() - started) / 1000;
      write(
        `${`${elapsed.toFixed(1)}s`.padStart(6)}${count.toLocaleString('en').padStart(10)}${(count - lastCount).toLocaleString('en').padStart(11)}   ${mean.toFixed(5)}`,
      );
      lastCount = count;
      sum = 0;
      n = 0;
    };
    const report = interval(1000).pipe(takeUntil(end$)).subscribe(flush);
    sineFeed({ rate: options.rate, seed: options.seed })
      .pipe(
        train(net, { loss: mse(), optimizer }),
        map((step) => step.loss),
        takeUntil(end$),
      )
      .subscribe({
        next: (loss) => {
          count++;
          sum += loss;
          n++;
        },
        error: (e) => {
          report.unsubscribe();
          reject(e);
        },
        complete: () => {
          report.unsubscribe();
          if (n > 0) flush();
          write(
            `learned from ${count.toLocaleString('en')} samples: mean loss ${first.toFixed(5)} in the first second, ${last.toFixed(5)} in the last (${(first / last).toFixed(0)}× lower)`,
          );
          resolve({ first, last });
        },
      });
  });
}
