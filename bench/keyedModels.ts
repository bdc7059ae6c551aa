// The per-key models of the byKey section of `npm run bench`.
import { type OperatorFunction, pipe } from 'rxjs';
import {
  byKey,
  dense,
  keyedTrain,
  linear,
  mse,
  normalize,
  rmsprop,
  rollingMetrics,
  type Sample,
  sgd,
  tanh,
  train,
} from '../src/index.js';
import { backendsToCompare } from './backends.js';
import { buildNet, type NetOptions } from './benchStream.js';

/** The network of every key. */
export const SIZES = [8, 16, 1];

export interface KeyedSample extends Sample {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly key: string;
}

export interface KeyedModel {
  readonly name: string;
  /** `sgd` alone, or `full`: normalize + rmsprop + rolling metrics. */
  readonly variant: 'sgd' | 'full';
  pipeline(keys: number): OperatorFunction<KeyedSample, unknown>;
}

/** byKey with a pipeline of its own per key, as byKey has always run. */
function pipelinePerKey(
  options: NetOptions,
  full: boolean,
  keys: number,
): OperatorFunction<KeyedSample, unknown> {
  return byKey(
    (s: KeyedSample) => s.key,
    (): OperatorFunction<KeyedSample, unknown> =>
      full
        ? pipe(
            normalize<KeyedSample>({ targets: true }),
            train(buildNet(SIZES, options), { loss: mse(), optimizer: rmsprop() }),
            rollingMetrics({ window: 100 }),
          )
        : train<KeyedSample>(buildNet(SIZES, options), {
            loss: mse(),
            optimizer: sgd({ learningRate: 0.01 }),
          }),
    { maxModels: keys },
  );
}

/** byKey with keyedTrain: every key's model in shared slabs. */
function slabs(
  options: NetOptions,
  full: boolean,
  keys: number,
): OperatorFunction<KeyedSample, unknown> {
  const net = {
    inputs: SIZES[0],
    layers: [dense(SIZES[1], tanh), dense(SIZES[2], linear)],
    seed: 11,
    ...options,
  };
  const keyOf = (s: KeyedSample): string => s.key;
  if (full) {
    const learner = keyedTrain<KeyedSample>({
      network: net,
      loss: mse(),
      optimizer: rmsprop(),
      normalize: { targets: true },
      metrics: { window: 100 },
    });
    return byKey(keyOf, learner, { maxModels: keys });
  }
  const learner = keyedTrain<KeyedSample>({
    network: net,
    loss: mse(),
    optimizer: sgd({ learningRate: 0.01 }),
  });
  return byKey(keyOf, learner, { maxModels: keys });
}

export const KEYED_MODELS: readonly KeyedModel[] = backendsToCompare().flatMap((b) =>
  (['sgd', 'full'] as const).flatMap((variant) => {
    const what = variant === 'sgd' ? '' : ', normalize + rmsprop + metrics(window 100)';
    return [
      {
        name: `byKey, a pipeline per key${what} (${b.name})`,
        variant,
        pipeline: (keys: number) => pipelinePerKey(b.options, variant === 'full', keys),
      },
      {
        name: `byKey, keyedTrain slabs${what} (${b.name})`,
        variant,
        pipeline: (keys: number) => slabs(b.options, variant === 'full', keys),
      },
    ];
  }),
);
