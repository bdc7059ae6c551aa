// The per-key model and the samples of the fleet tests: a small network per key, seeded by the
// key, and a seeded stream of samples over many keys; plus the model one process learns from a
// key's samples alone, in order — what every key's checkpointed model must equal, bit for bit.
import { from, pipe } from 'rxjs';
import { linear, tanh } from '../../src/core/activations.js';
import { dense } from '../../src/core/dense.js';
import { mse } from '../../src/core/losses.js';
import { network } from '../../src/core/network.js';
import { rng } from '../../src/core/rng.js';
import { KeyErrors } from '../../src/fleet/keyErrors.js';
import type { KeyModel } from '../../src/fleet/keyModel.js';
import { fnv1a } from '../../src/fleet/shardOf.js';
import { meanAbsoluteError } from '../../src/metrics/meanAbsoluteError.js';
import { meanSquaredError } from '../../src/metrics/meanSquaredError.js';
import { metricGroup } from '../../src/metrics/metricGroup.js';
import { rSquared } from '../../src/metrics/rSquared.js';
import { total } from '../../src/metrics/total.js';
import { normalize } from '../../src/operators/normalize.js';
import { train } from '../../src/operators/train.js';
import { adam } from '../../src/optim/adam.js';
import type { Sample } from '../../src/samples/sample.js';
import { runningScaler } from '../../src/scaling/runningScaler.js';

export const makeModel = (key: string): KeyModel => {
  const net = network({
    inputs: 3,
    layers: [dense(4, tanh), dense(1, linear)],
    seed: fnv1a(key) % 100_000,
  });
  const optimizer = adam({ learningRate: 0.01 });
  const scaler = runningScaler({ targets: true });
  return {
    network: net,
    optimizer,
    scaler,
    pipeline: pipe(
      normalize<Sample>({ scaler }),
      train(net, { loss: mse(), optimizer, onInvalid: 'skip' }),
    ),
  };
};

/** `n` samples over `keys` keys (`key-0` …), seeded; every `badEvery`-th one has a NaN input. */
export const fleetSamples = (n: number, keys: number, seed = 1, badEvery = 0): Sample[] => {
  const random = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const k = Math.floor(random.next() * keys);
    const x = [random.next(), random.next(), random.next()];
    const y = Math.sin(3 * x[0] + k) + x[1] * x[2] + 0.05 * random.next();
    if (badEvery > 0 && i % badEvery === badEvery - 1) x[1] = Number.NaN;
    return { key: `key-${k}`, x, y };
  });
};

/** The model one process learns from `samples` (one key's, in order), as `makeModel` makes it. */
export const learnAlone = (key: string, samples: readonly Sample[]): KeyModel => {
  const model = makeModel(key);
  from(samples).pipe(model.pipeline).subscribe();
  return model;
};

/** Whether two float arrays are equal bit for bit (NaN and the sign of zero included). */
export const sameBits = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );

/**
 * The errors one process scores when it learns every key alone from `byKey` (each key's samples
 * in order): each key's {@link KeyErrors} (with `alpha`), and one `total` metric over the
 * predictions of every key — what the merge of the keys' states must equal.
 */
export const scoreAlone = (byKey: ReadonlyMap<string, readonly Sample[]>, alpha: number) => {
  const keys = new Map<string, KeyErrors>();
  const all = total(
    metricGroup({ mse: meanSquaredError(), mae: meanAbsoluteError(), r2: rSquared() }),
  );
  for (const [key, samples] of byKey) {
    const errors = new KeyErrors(alpha);
    const model = makeModel(key);
    from(samples)
      .pipe(model.pipeline)
      .subscribe((step) => {
        if (step.rejection !== undefined || step.actual === undefined) return;
        errors.update(step.output, step.actual);
        all.update(step.output, step.actual);
      });
    keys.set(key, errors);
  }
  return { keys, all };
};
