import { argumentError, checkObject } from '../checks/argumentChecks.js';
import type { Loss } from '../core/losses.js';
import { checkLoss } from '../core/losses.js';
import { type NetworkOptions, network } from '../core/network.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import { type NormalizeOptions, normalizerOf } from '../operators/normalize.js';
import { readUpdateSettings, type UpdateOptions } from '../operators/update.js';
import { BufferedOptimizer } from '../optim/bufferedOptimizer.js';
import { defaultOptimizer } from '../optim/defaultOptimizer.js';
import { checkOptimizer, type Optimizer } from '../optim/optimizer.js';
import type { Sample } from '../samples/sample.js';
import { type InvalidSampleOptions, readOnInvalid } from '../steps/invalidSamples.js';
import type { Step } from '../steps/step.js';
import { trackerSettings } from '../tracking/metricsTracker.js';

/** Options of {@link keyedTrain}. */
export interface KeyedTrainOptions extends UpdateOptions, InvalidSampleOptions {
  /** Each key's network, as `network()` takes it: every key starts from the same weights. */
  readonly network: NetworkOptions;
  /** The loss to minimise, such as `mse()`. */
  readonly loss: Loss;
  /**
   * A built-in optimizer such as `sgd({ learningRate: 0.01 })`: each key gets state of its own
   * — moments, step count, learning rate (which the divergence guard cuts per key) — starting
   * from this one's settings. Default: train's default, `rmsprop({ learningRate: 0.001,
   * decay: 0.999 })`.
   */
  readonly optimizer?: Optimizer;
  /** Scale each key's samples online with a scaler of its own, as `normalize(options)` does. */
  readonly normalize?: NormalizeOptions;
  /**
   * Emit each key's rolling metrics instead of its steps, as `rollingMetrics({ window, every })`
   * after `train` would: a snapshot (carrying the key) every `every` samples of the key, and a
   * last one when the key is evicted or the source completes.
   */
  readonly metrics?: { readonly window?: number; readonly every?: number; readonly alpha?: number };
}

/**
 * @internal What {@link keyedTrain} makes: the checked options, for byKey.
 */
export interface KeyedTrain<S extends Sample, R> {
  readonly kind: 'keyedTrain';
  readonly options: KeyedTrainOptions;
  /** Phantom: what byKey emits (steps, or snapshots with `metrics`). */
  readonly emits?: (sample: S) => R;
}

/**
 * One model per key for `byKey`, held in shared slabs instead of a pipeline per key: what
 * `byKey(keyOf, (key) => pipe(normalize(…), train(network(…), { loss, optimizer }),
 * rollingMetrics(…)))` does, with every key's weights and optimizer state in shared memory
 * (one working network, one optimizer, one trace for all keys; each key's sample learned in
 * place in its slot, its weights copied out to the working network when a subscriber reads
 * `step.network`), so that a key costs its parameters and state and little more — 1.5 KB
 * for 8-16-1 with SGD (18.6 KB with normalize, rmsprop and metrics over a window of 100) —
 * and a thousand keys learn at about
 * 0.55–0.95× one model's speed, depending on what else runs on the cores (each key's weights then
 * come from beyond the cache; 3–5× a pipeline per key; README.md, *Speed*). Each key starts
 * from the same weights (the seed of `network`), counts its own `seq` from 0 and keeps its own
 * learning rate; byKey's eviction (`maxModels`, `idleMs`, `onEvict`) works as for pipelines.
 *
 * Emits each sample's step (lent, as `train`'s: `step.network` holds the key's weights while the
 * step is out), or with `metrics` each key's metric snapshots. Takes `batchSize` 1 only.
 *
 * @throws TypeError or RangeError at once for a wrong option (a custom optimizer included: the
 * slabs hold built-in optimizers' state).
 *
 * @example
 * ```ts
 * import { byKey, dense, keyedTrain, linear, mse, sgd, tanh } from 'streamprop';
 * import { from } from 'rxjs';
 * const samples = [{ key: 'store-1', x: [1], y: 2 }, { key: 'store-2', x: [1], y: -2 }];
 * from(samples)
 *   .pipe(
 *     byKey((s) => s.key, keyedTrain({
 *       network: { inputs: 1, layers: [dense(4, tanh), dense(1, linear)], seed: 1 },
 *       loss: mse(),
 *       optimizer: sgd({ learningRate: 0.1 }),
 *     })),
 *   )
 *   .subscribe((step) => console.log(step.sample.key, step.loss));
 * ```
 */
export function keyedTrain<S extends Sample>(
  options: KeyedTrainOptions & { readonly metrics: NonNullable<KeyedTrainOptions['metrics']> },
): KeyedTrain<S, MetricsSnapshot>;
export function keyedTrain<S extends Sample>(options: KeyedTrainOptions): KeyedTrain<S, Step<S>>;
export function keyedTrain<S extends Sample>(
  options: KeyedTrainOptions,
): KeyedTrain<S, Step<S> | MetricsSnapshot> {
  checkObject('keyedTrain', 'options', options, 'an object { network, loss, optimizer?, … }');
  network(options.network); // checks the network's options now, with network's messages
  checkLoss('keyedTrain', options.loss, 'loss');
  const optimizer = options.optimizer ?? defaultOptimizer();
  checkOptimizer('keyedTrain', optimizer);
  if (!(optimizer instanceof BufferedOptimizer)) {
    throw new TypeError(
      `keyedTrain: optimizer must be a built-in optimizer (sgd(), adam() …): the slabs hold their state; use byKey with a pipeline per key for ${optimizer.name}`,
    );
  }
  if (readUpdateSettings(options).batchSize !== 1) {
    throw argumentError(
      'keyedTrain',
      'batchSize',
      '1 (one sample at a time per key)',
      options.batchSize,
    );
  }
  readOnInvalid('keyedTrain', options);
  if (options.normalize !== undefined) normalizerOf(options.normalize);
  if (options.metrics !== undefined) trackerSettings('keyedTrain', options.metrics);
  return { kind: 'keyedTrain', options: { ...options, optimizer } };
}

/** @internal Whether `value` was made by {@link keyedTrain}. */
export function isKeyedTrain(value: unknown): value is KeyedTrain<Sample, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { kind?: unknown }).kind === 'keyedTrain'
  );
}
