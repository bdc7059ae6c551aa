import { defer, map, type OperatorFunction, takeWhile } from 'rxjs';
import { describeValue } from '../checks/describeValue.js';
import { RollingMean } from '../metrics/rollingMean.js';
import type { Sample } from '../samples/sample.js';
import { checkStep, Stage, type Step, type StepContext } from '../steps/step.js';

/** Options of {@link earlyStop}; give `goal`, `holdoutEvery` or both. */
export interface EarlyStopOptions {
  /**
   * Stop when the mean loss of the last `window` training samples is at most this (a finite
   * number ≥ 0). It is in the units of the loss you train with: for `mse()`, `½ Σ (t − y)²`
   * per sample. Default: no goal.
   */
  readonly goal?: number;
  /**
   * Hold out every `holdoutEvery`-th scored sample (the k-th, the 2k-th …; an integer ≥ 2):
   * predicted and scored, never learned from, and used for the validation checks. Default: no
   * holdout, every sample is learned from.
   */
  readonly holdoutEvery?: number;
  /** Stop when the holdout loss has risen this many checks in a row (default 6). */
  readonly maxFail?: number;
  /**
   * How many losses each figure averages (default 100): the goal is checked on the mean of the
   * last `window` training losses, once that many have arrived; a holdout check is the mean
   * loss of `window` held-out samples.
   */
  readonly window?: number;
}

/**
 * Stopping rules for online training: completes the stream when the error is small enough or
 * when the error on held-out samples keeps rising — the two classic rules of the
 * back-propagation literature. The step that triggers the stop is emitted with an `earlyStop`
 * event on `step.events` (`reason` `'goal'` or `'validation'`, and a `detail` sentence), then
 * the stream completes and the source is unsubscribed.
 *
 * **Where it goes**: between `loss` and `backward`, so that it can set held-out samples aside
 * before they are back-propagated:
 * `pipe(forward(net), loss(mse()), earlyStop({ … }), backward(net), update(net, optimizer))`.
 * Every loss it sees is prequential (made before the network learned from the sample).
 *
 * - **Goal**: after each training (not held-out) sample, once `window` of them have arrived,
 *   if the mean loss of the last `window` training samples is ≤ `goal`, it stops with
 *   `reason: 'goal'`. The sample that reaches the goal is still learned from.
 * - **Validation**: every `holdoutEvery`-th scored sample is held out: `learn` is set to
 *   false, so `backward` and `update` pass it through and the weights never learn from it. A
 *   **check** closes after each `window` held-out samples (every `window · holdoutEvery`
 *   scored samples); its value is their mean loss. A check **rises** when its value is
 *   strictly greater than the previous check's; after `maxFail` rises in a row (so at least
 *   `maxFail + 1` checks) it stops with `reason: 'validation'`, on the held-out step that
 *   closed the last check. A check that does not rise starts the count again.
 *
 * Rejected steps and steps already set aside (`learn` false) pass through uncounted. Held-out
 * steps stay in the stream, so `rollingMetrics` downstream scores them too.
 *
 * @throws TypeError at once when neither `goal` nor `holdoutEvery` is given or the options are
 * not an object; RangeError for a value out of range. The stream fails with a TypeError naming
 * `earlyStop` when a step was not scored by `loss` or was already back-propagated.
 *
 * @example
 * ```ts
 * import { backward, dense, earlyStop, forward, linear, loss, mse, network, sgd, update } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * const samples = Array.from({ length: 100_000 }, (_, i) => ({ x: [(i % 100) / 100], y: 3 * ((i % 100) / 100) }));
 * from(samples)
 *   .pipe(
 *     forward(net),
 *     loss(mse()),
 *     earlyStop({ goal: 1e-6, holdoutEvery: 10, window: 200 }),
 *     backward(net),
 *     update(net, sgd({ learningRate: 0.1 })),
 *   )
 *   .subscribe((step) => {
 *     for (const e of step.events) if (e.type === 'earlyStop') console.log(e.seq, e.reason, e.detail);
 *   });
 * ```
 */
export function earlyStop<S extends Sample>(
  options: EarlyStopOptions,
): OperatorFunction<Step<S>, Step<S>> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `earlyStop: options must be an object { goal?, holdoutEvery?, maxFail?, window? }, got ${describeValue(options)}`,
    );
  }
  const { goal, holdoutEvery } = options;
  if (goal === undefined && holdoutEvery === undefined) {
    throw new TypeError('earlyStop: give a goal, a holdoutEvery or both');
  }
  if (goal !== undefined && (typeof goal !== 'number' || !(goal >= 0) || !Number.isFinite(goal))) {
    throw new RangeError(
      `earlyStop: goal must be a finite number >= 0, got ${describeValue(goal)}`,
    );
  }
  if (holdoutEvery !== undefined) integerAtLeast('holdoutEvery', holdoutEvery, 2);
  const maxFail = integerAtLeast('maxFail', options.maxFail ?? 6, 1);
  const window = integerAtLeast('window', options.window ?? 100, 1);
  return (source) =>
    defer(() => {
      const state = new StopState(goal, holdoutEvery ?? 0, maxFail, window);
      return source.pipe(
        map((step: Step<S>) => state.next(step)),
        takeWhile(() => !state.stopped, true),
      );
    });
}

/** The per-subscription state of {@link earlyStop}. */
class StopState {
  stopped = false;
  private scored = 0;
  private readonly training: RollingMean;
  private checkSum = 0;
  private checkCount = 0;
  /** The previous check's value (NaN before the first), and where the current run of rises began. */
  private previous = Number.NaN;
  private runStart = Number.NaN;
  private fails = 0;

  constructor(
    private readonly goal: number | undefined,
    /** 0 without holdout. */
    private readonly holdoutEvery: number,
    private readonly maxFail: number,
    private readonly window: number,
  ) {
    this.training = new RollingMean(window);
  }

  next<S extends Sample>(input: Step<S>): Step<S> {
    const step = checkStep<S>(
      'earlyStop',
      input,
      Stage.Forwarded,
      Stage.Scored,
      'scored steps that are not back-propagated yet; put earlyStop between loss(lossFn) and backward(net)',
    );
    if (step.rejection !== undefined || !step.learn) return step;
    if (step.stage !== Stage.Scored) {
      throw new TypeError('earlyStop: expected scored steps; put loss(lossFn) before earlyStop');
    }
    this.scored++;
    if (this.holdoutEvery > 0 && this.scored % this.holdoutEvery === 0) {
      step.learn = false;
      this.hold(step);
    } else {
      this.train(step);
    }
    return step;
  }

  private train(step: StepContext<Sample>): void {
    this.training.push(step.loss);
    if (this.goal === undefined || !this.training.full) return;
    const mean = this.training.mean;
    if (mean <= this.goal) {
      this.stop(
        step,
        'goal',
        `the mean loss of the last ${this.window} training samples, ${format(mean)}, reached the goal ${this.goal}`,
      );
    }
  }

  private hold(step: StepContext<Sample>): void {
    this.checkSum += step.loss;
    if (++this.checkCount < this.window) return;
    const value = this.checkSum / this.checkCount;
    this.checkSum = 0;
    this.checkCount = 0;
    if (value > this.previous) {
      if (this.fails === 0) this.runStart = this.previous;
      this.fails++;
    } else {
      this.fails = 0;
    }
    this.previous = value;
    if (this.fails >= this.maxFail) {
      this.stop(
        step,
        'validation',
        `the mean loss of the held-out samples rose ${this.fails} checks in a row, from ${format(this.runStart)} to ${format(value)} (each check: the mean of ${this.window} held-out sample${this.window === 1 ? '' : 's'}, one in ${this.holdoutEvery})`,
      );
    }
  }

  private stop(step: StepContext<Sample>, reason: 'goal' | 'validation', detail: string): void {
    this.stopped = true;
    step.events.push({ type: 'earlyStop', seq: step.seq, reason, detail });
  }
}

function integerAtLeast(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(
      `earlyStop: ${name} must be an integer >= ${min}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** A loss for a message: six significant digits. */
function format(value: number): string {
  return String(Number(value.toPrecision(6)));
}
