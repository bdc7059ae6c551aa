// The per-key models of the byKey section of `npm run bench`.
import { type OperatorFunction, pipe } from 'rxjs';
import {
  byKey,
  mse,
  normalize,
  rmsprop,
  rollingMetrics,
  type Sample,
  sgd,
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

export const KEYED_MODELS: readonly KeyedModel[] = backendsToCompare().flatMap((b) =>
  (['sgd', 'full'] as const).map((variant) => ({
    name:
      variant === 'sgd'
        ? `byKey, a pipeline per key (${b.name})`
        : `byKey, a pipeline per key, normalize + rmsprop + metrics(window 100) (${b.name})`,
    variant,
    pipeline: (keys: number) => pipelinePerKey(b.options, variant === 'full', keys),
  })),
);
