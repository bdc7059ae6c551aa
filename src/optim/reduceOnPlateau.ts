import { z } from 'zod';
import {
  checkInterval,
  checkNonNegativeNumber,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { parseDocument } from '../checks/parseDocument.js';
import { SchemaCache } from '../checks/schemaCache.js';
import { controllerStateSchema } from './controllerState.js';
import type { RateController, RateControllerState } from './rateController.js';
import { WindowMean, windowValues } from './windowMean.js';

/**
 * Options of {@link reduceOnPlateau}.
 *
 * @example
 * ```ts
 * import { type ReduceOnPlateauOptions, reduceOnPlateau } from 'streamprop';
 * const options: ReduceOnPlateauOptions = { patience: 3, factor: 0.5, window: 500 };
 * const controller = reduceOnPlateau(options);
 * ```
 */
export interface ReduceOnPlateauOptions {
  /** How many windows in a row without improvement cut the rate: a positive integer. */
  readonly patience: number;
  /** What the rate is multiplied by at a plateau: a number in (0, 1). */
  readonly factor: number;
  /** The learned samples per window (a positive integer, default 100). */
  readonly window?: number;
  /**
   * The relative improvement that counts: a window improves when its mean loss is below
   * `(1 - threshold) ×` the best mean so far (in [0, 1), default 1e-4).
   */
  readonly threshold?: number;
  /** The lowest rate it sets (≥ 0, default 0). */
  readonly min?: number;
}

/** The schemas of this kind's states, by settings: made once (see `SchemaCache`). */
const STATE_SCHEMAS = new SchemaCache<z.ZodType>();

class ReduceOnPlateau implements RateController {
  readonly name = 'reduceOnPlateau';
  boundary = false;
  readonly rollback = false;
  readonly reason: string;
  private readonly patience: number;
  private readonly factor: number;
  private readonly window: number;
  private readonly threshold: number;
  private readonly min: number;
  private readonly options: Readonly<Record<string, number>>;
  private readonly losses: WindowMean;
  /** The lowest window mean so far; Infinity before the first window closes. */
  private best = Number.POSITIVE_INFINITY;
  /** Windows in a row without improvement. */
  private bad = 0;

  constructor(options: ReduceOnPlateauOptions) {
    const o = checkOptions('reduceOnPlateau', options);
    this.patience = checkPositiveInteger('reduceOnPlateau', 'patience', o.patience);
    this.factor = checkInterval('reduceOnPlateau', 'factor', o.factor, {
      min: 0,
      max: 1,
      minOpen: true,
      maxOpen: true,
    });
    this.window = checkPositiveInteger('reduceOnPlateau', 'window', o.window ?? 100);
    this.threshold = checkInterval('reduceOnPlateau', 'threshold', o.threshold ?? 1e-4, {
      min: 0,
      max: 1,
      maxOpen: true,
    });
    this.min = checkNonNegativeNumber('reduceOnPlateau', 'min', o.min ?? 0);
    this.losses = new WindowMean(this.window, 'reduceOnPlateau');
    this.options = Object.freeze({
      patience: this.patience,
      factor: this.factor,
      window: this.window,
      threshold: this.threshold,
      min: this.min,
    });
    this.reason = `reduceOnPlateau: no better mean loss in ${this.patience} windows of ${this.window} samples`;
  }

  observe(loss: number, rate: number): number {
    const mean = this.losses.add(loss);
    this.boundary = !Number.isNaN(mean);
    if (!this.boundary) return rate;
    if (mean < (1 - this.threshold) * this.best) {
      this.best = mean;
      this.bad = 0;
      return rate;
    }
    if (++this.bad < this.patience) return rate;
    this.bad = 0;
    const next = rate * this.factor;
    return next < this.min ? Math.min(this.min, rate) : next;
  }

  reset(): void {
    this.losses.reset();
    this.best = Number.POSITIVE_INFINITY;
    this.bad = 0;
    this.boundary = false;
  }

  state(): RateControllerState {
    return {
      name: this.name,
      options: { ...this.options },
      values: {
        ...this.losses.values(),
        best: this.best === Number.POSITIVE_INFINITY ? null : this.best,
        bad: this.bad,
      },
    };
  }

  /** @internal The schema of this controller's saved state (see `controllerStateSchema`). */
  stateSchema() {
    return STATE_SCHEMAS.get(JSON.stringify(this.options), () =>
      this.makeStateSchema(),
    ) as ReturnType<ReduceOnPlateau['makeStateSchema']>;
  }

  private makeStateSchema() {
    return controllerStateSchema(this.name, this.options, {
      ...windowValues(this.window),
      best: z.number().nullable(),
      bad: z
        .number()
        .int()
        .nonnegative()
        .max(this.patience - 1),
    });
  }

  restore(state: RateControllerState): void {
    this.load(parseDocument(`${this.name}.restore`, this.stateSchema(), state));
  }

  /** @internal Restores a state already read with {@link stateSchema}. */
  load({ values }: z.output<ReturnType<ReduceOnPlateau['makeStateSchema']>>): void {
    this.losses.load(values);
    this.bad = values.bad;
    this.best = values.best ?? Number.POSITIVE_INFINITY;
    this.boundary = false;
  }
}

/**
 * Cuts the rate when the loss stops improving (Keras' `ReduceLROnPlateau`, online): the
 * prequential loss of the learned samples is averaged over windows of `window` samples; a
 * window improves when its mean is below `(1 - threshold) ×` the best mean so far, and after
 * `patience` windows in a row that do not, the rate is multiplied by `factor` (never below
 * `min`) and the count starts again. It never raises the rate and never rolls back.
 *
 * The best mean is kept across drifts: after the data changes for the worse, the rate keeps
 * falling every `patience` windows. Call `reset()` (a drift detector can) to start over.
 *
 * @throws RangeError naming the option that is missing or out of range.
 *
 * @example
 * ```ts
 * import { adam, adaptLearningRate, dense, linear, mse, network, reduceOnPlateau, tanh, train } from 'streamprop';
 * import { sineFeed } from 'streamprop/streams';
 * const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 1 });
 * const optimizer = adam({ learningRate: 0.01 });
 * sineFeed({ limit: 5000 })
 *   .pipe(
 *     train(net, { loss: mse(), optimizer }),
 *     adaptLearningRate(net, optimizer, reduceOnPlateau({ patience: 3, factor: 0.5 })),
 *   )
 *   .subscribe((step) => {
 *     if (step.seq % 1000 === 0) console.log(step.seq, step.learningRate);
 *   });
 * ```
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions): RateController {
  return new ReduceOnPlateau(options);
}
