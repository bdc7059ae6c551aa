import type { OperatorFunction } from 'rxjs';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import { readSample } from '../samples/readSample.js';
import type { Sample } from '../samples/sample.js';
import { statefulMap } from './statefulMap.js';

/**
 * One prediction of {@link predict}. Lent: one object per subscription, reused for every
 * sample, valid until the next emission.
 *
 * @example
 * ```ts
 * import { dense, linear, network, predict } from 'streamprop';
 * import { from, map, toArray } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * from([{ x: [1] }, { x: [2] }])
 *   .pipe(predict(net), map((p) => ({ seq: p.seq, y: p.prediction[0] })), toArray())
 *   .subscribe(console.log); // copies, so all of them stay valid
 * ```
 */
export interface Prediction<S extends Sample = Sample> {
  /** The 0-based count of samples this subscription has seen before this one. */
  readonly seq: number;
  readonly sample: S;
  /** The network's output for `sample.x`. */
  readonly prediction: Float64Array;
}

/**
 * Inference only: predicts each sample with `net` and never learns. `y`, if present, is
 * ignored. A malformed `x` fails the stream with a `SampleError` naming `predict`.
 *
 * @throws TypeError at once when `net` is not a network.
 *
 * @example
 * ```ts
 * import { dense, linear, network, predict } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
 * of({ x: [1, 2] }).pipe(predict(net)).subscribe((p) => console.log(p.prediction[0]));
 * ```
 */
export function predict<S extends Sample>(net: Network): OperatorFunction<S, Prediction<S>> {
  checkNetwork('predict', net);
  return statefulMap(() => {
    const trace = net.createTrace();
    const out = { seq: -1, sample: undefined as unknown as S, prediction: trace.output };
    let seq = 0;
    return {
      next(sample: S): Prediction<S> {
        const n = seq++;
        readSample('predict', n, sample, trace, false);
        net.forward(trace);
        out.seq = n;
        out.sample = sample;
        return out;
      },
    };
  });
}
