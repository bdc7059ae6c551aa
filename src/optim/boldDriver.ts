import { z } from 'zod';
import {
  argumentError,
  checkBoolean,
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
 * Options of {@link boldDriver}.
 *
 * @example
 * ```ts
 * import { type BoldDriverOptions, boldDriver } from 'streamprop';
 * const options: BoldDriverOptions = { window: 2000, rollback: true };
 * const controller = boldDriver(options);
 * ```
 */
export interface BoldDriverOptions {
  /** What the rate is multiplied by after a window whose mean loss fell (> 1, default 1.05). */
  readonly increase?: number;
  /** What the rate is multiplied by after a window whose mean loss rose too much (in (0, 1), default 0.7). */
  readonly decrease?: number;
  /**
   * How much the mean loss may rise from one window to the next before it counts as a
   * failure: a rise to more than `maxIncrease ×` the previous mean (≥ 1, default 1.04).
   */
  readonly maxIncrease?: number;
  /** The learned samples per window (a positive integer, default 5000; see {@link boldDriver}). */
  readonly window?: number;
  /**
   * The samples of the first window (a positive integer, default 100): each next window is
   * twice as long as the one before, up to `window` — so the rule acts within the first few
   * hundred samples, while the stream is young and the loss falls fast, and settles to long
   * windows after (100, 200, 400 … 3200, then 5000 with the defaults).
   */
  readonly firstWindow?: number;
  /** The lowest rate it sets (≥ 0, default 1e-6). */
  readonly min?: number;
  /** The highest rate it sets (≥ `min`, default 1). */
  readonly max?: number;
  /**
   * Whether a failed window is undone: the weights and the optimizer state go back to those
   * saved at the window's start (default false: on a drifting stream a window's loss also
   * rises because the data changed, and undoing it would throw away the learning that follows
   * the change).
   */
  readonly rollback?: boolean;
}

/** The schemas of this kind's states, by settings: made once (see `SchemaCache`). */
const STATE_SCHEMAS = new SchemaCache<z.ZodType>();

class BoldDriver implements RateController {
  readonly name = 'boldDriver';
  boundary = false;
  rollback = false;
  reason = '';
  private readonly increase: number;
  private readonly decrease: number;
  private readonly maxIncrease: number;
  private readonly window: number;
  private readonly firstWindow: number;
  private readonly min: number;
  private readonly max: number;
  private readonly undo: boolean;
  private readonly options: Readonly<Record<string, number | boolean>>;
  /** The reasons by window length, made once: a window's mean fell, or rose too much. */
  private readonly fell = new Map<number, string>();
  private readonly rose = new Map<number, string>();
  private readonly clamped: string;
  private readonly losses: WindowMean;
  /** The mean loss of the last complete window; NaN before the first one closes. */
  private previous = Number.NaN;

  constructor(options: BoldDriverOptions) {
    const o = checkOptions('boldDriver', options);
    this.increase = checkInterval('boldDriver', 'increase', o.increase ?? 1.05, {
      min: 1,
      max: Number.POSITIVE_INFINITY,
      minOpen: true,
    });
    this.decrease = checkInterval('boldDriver', 'decrease', o.decrease ?? 0.7, {
      min: 0,
      max: 1,
      minOpen: true,
      maxOpen: true,
    });
    this.maxIncrease = checkInterval('boldDriver', 'maxIncrease', o.maxIncrease ?? 1.04, {
      min: 1,
      max: Number.POSITIVE_INFINITY,
    });
    this.window = checkPositiveInteger('boldDriver', 'window', o.window ?? 5000);
    this.firstWindow = Math.min(
      checkPositiveInteger('boldDriver', 'firstWindow', o.firstWindow ?? 100),
      this.window,
    );
    this.min = checkNonNegativeNumber('boldDriver', 'min', o.min ?? 1e-6);
    this.max = checkNonNegativeNumber('boldDriver', 'max', o.max ?? 1);
    if (this.max < this.min) {
      throw argumentError('boldDriver', 'max', `a number >= min (${this.min})`, this.max);
    }
    this.undo = checkBoolean('boldDriver', 'rollback', o.rollback ?? false);
    this.losses = new WindowMean(this.firstWindow, 'boldDriver');
    this.options = Object.freeze({
      increase: this.increase,
      decrease: this.decrease,
      maxIncrease: this.maxIncrease,
      window: this.window,
      firstWindow: this.firstWindow,
      min: this.min,
      max: this.max,
      rollback: this.undo,
    });
    for (let size = this.firstWindow; ; size = Math.min(2 * size, this.window)) {
      this.fell.set(size, `boldDriver: the mean loss of ${size} samples fell`);
      this.rose.set(
        size,
        `boldDriver: the mean loss of ${size} samples rose more than ${this.maxIncrease}×${this.undo ? '; rolled back' : ''}`,
      );
      if (size === this.window) break;
    }
    this.clamped = `boldDriver: the rate was brought within [${this.min}, ${this.max}]`;
  }

  observe(loss: number, rate: number): number {
    const losses = this.losses;
    const mean = losses.add(loss);
    this.rollback = false;
    this.boundary = !Number.isNaN(mean);
    if (!this.boundary) return rate;
    const closed = losses.size;
    if (closed < this.window) losses.size = Math.min(2 * closed, this.window);
    const previous = this.previous;
    this.previous = mean;
    let next = rate;
    this.reason = this.clamped;
    if (mean < previous) {
      next = rate * this.increase;
      this.reason = this.fell.get(closed) as string;
    } else if (mean > this.maxIncrease * previous) {
      next = rate * this.decrease;
      this.reason = this.rose.get(closed) as string;
      this.rollback = this.undo;
    }
    return next < this.min ? this.min : next > this.max ? this.max : next;
  }

  reset(): void {
    this.losses.reset();
    this.losses.size = this.firstWindow;
    this.previous = Number.NaN;
    this.boundary = false;
    this.rollback = false;
  }

  state(): RateControllerState {
    return {
      name: this.name,
      options: { ...this.options },
      values: {
        ...this.losses.values(),
        size: this.losses.size,
        previous: Number.isNaN(this.previous) ? null : this.previous,
      },
    };
  }

  /** @internal The schema of this controller's saved state (see `controllerStateSchema`). */
  stateSchema() {
    return STATE_SCHEMAS.get(JSON.stringify(this.options), () =>
      this.makeStateSchema(),
    ) as ReturnType<BoldDriver['makeStateSchema']>;
  }

  private makeStateSchema() {
    return controllerStateSchema(this.name, this.options, {
      ...windowValues(),
      size: z.number().int().min(this.firstWindow).max(this.window),
      previous: z.number().nullable(),
    }).refine((state) => state.values.count < state.values.size, {
      path: ['values', 'count'],
      message: 'must be below values.size (a window closes when it is full)',
    });
  }

  restore(state: RateControllerState): void {
    this.load(parseDocument(`${this.name}.restore`, this.stateSchema(), state));
  }

  /** @internal Restores a state already read with {@link stateSchema}. */
  load({ values }: z.output<ReturnType<BoldDriver['makeStateSchema']>>): void {
    this.losses.load(values, values.size);
    this.previous = values.previous ?? Number.NaN;
    this.boundary = false;
    this.rollback = false;
  }
}

/**
 * The "bold driver" rule of MATLAB's `traingda` / `traingdx` (whose documented defaults are
 * the defaults here), applied online: the prequential loss of the learned samples is averaged
 * over windows of `window` samples, and at the end of each window its mean is compared with
 * the previous window's mean —
 *
 * - it fell: the rate is multiplied by `increase`;
 * - it rose to more than `maxIncrease ×` the previous mean: the rate is multiplied by
 *   `decrease` and, with `rollback`, the window is undone (the weights and the optimizer state
 *   go back to those saved at its start, and a `rollback` event is pushed);
 * - otherwise the rate stays.
 *
 * The rate it sets stays within [`min`, `max`]. The first window only sets the reference.
 * The next window is always compared with the one just before it, failed or not: online, the
 * loss level moves with the data, so a fixed reference would make every window after an
 * abrupt change fail.
 *
 * Defaults: `window` 5000 reached by doubling from `firstWindow` 100 (the first decision comes
 * after 300 samples: the first window of 100 sets the reference, the second of 200 is compared
 * with it), `min` 1e-6 (never 0, so the rate can always recover), `max` 1 (beyond it plain SGD
 * diverges on inputs scaled to [-1, 1]), `rollback` false. The long window comes after: it is
 * long because the rule was made for an exact batch loss, and a window's mean of a noisy
 * prequential loss is not exact: for squared errors the mean of `w` samples varies by about
 * √(2/w) of itself, and since a failure costs more (× 0.7) than a success gains (× 1.05), noise
 * alone drives the rate down once it makes more than about 7 % of the windows "rise more than
 * 4 %" — which for independent errors takes `w` below about 5500. Measured on a steady
 * synthetic sensor stream, windows of 100 to 1000 samples took SGD from η = 0.03 to the floor
 * within 120,000 samples; 3000 and more kept it near 0.03. The short first windows do not run
 * into this: while the network is young its loss falls by far more than the noise, and only
 * six of them come before the windows reach full length.
 *
 * @throws RangeError (TypeError for a `rollback` that is not a boolean) naming the option that
 * is out of range.
 *
 * @example
 * ```ts
 * import { adaptLearningRate, boldDriver, dense, linear, mse, network, sgd, tanh, train } from 'streamprop';
 * import { sineFeed } from 'streamprop/streams';
 * const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 1 });
 * const optimizer = sgd({ learningRate: 0.01 });
 * sineFeed({ limit: 50_000 })
 *   .pipe(
 *     train(net, { loss: mse(), optimizer }),
 *     adaptLearningRate(net, optimizer, boldDriver()), // decisions at 300, 700, 1500 … then every 5000
 *   )
 *   .subscribe((step) => {
 *     for (const e of step.events) if (e.type === 'learningRate') console.log(e.seq, e.to);
 *   });
 * ```
 */
export function boldDriver(options: BoldDriverOptions = {}): RateController {
  return new BoldDriver(options);
}
