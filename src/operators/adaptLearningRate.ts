import type { OperatorFunction } from 'rxjs';
import { describeValue } from '../checks/describeValue.js';
import { withinMaxMagnitude } from '../checks/maxMagnitude.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkOptimizer } from '../optim/optimizer.js';
import { checkRateController, type RateController } from '../optim/rateController.js';
import { RollbackPoint } from '../optim/rollbackPoint.js';
import type { Schedule } from '../optim/schedule.js';
import type { Sample } from '../samples/sample.js';
import { checkStep, Stage, type Step, type StepContext } from '../steps/step.js';
import { statefulMap } from './statefulMap.js';

/**
 * How far a schedule's rate moves from the last one reported before a `learningRate` event is
 * pushed: 1 %. A smooth schedule changes the rate at every sample; one event per sample would
 * be noise (and an allocation per sample).
 */
const SCHEDULE_REPORT = 0.01;

/**
 * Adapts `optimizer.learningRate` to the stream. Put it right after `update` (or `train`) that
 * steps `net` with `optimizer`; it passes every step through and, for each learned step with a
 * finite loss within ±1e145 (rejected, held-out and diverged steps are skipped):
 *
 * - with a {@link RateController} such as `boldDriver()` or `reduceOnPlateau()`: feeds it the
 *   step's prequential loss and the rate the step was learned at, sets the rate it returns for
 *   the samples that follow, and pushes a `learningRate` event onto the step at every change.
 *   When the controller asks for a rollback, the weights and the optimizer state go back to
 *   those saved at the start of the window that failed (saved at every window boundary) and a
 *   `rollback` event is pushed, whose `toSeq` is the first sample of that window.
 * - with a {@link Schedule} such as `inverseScaling({ initial: 0.1 })`: sets the rate to
 *   `schedule(0)` when the subscription starts, and to `schedule(t)` before the learned sample
 *   `t` (0-based, counted per subscription). A `learningRate` event is pushed when the rate has
 *   moved more than 1 % from the rate last reported, so a `stepDecay` reports each step down,
 *   and a smooth decay one event per 1 % instead of one per sample.
 *
 * Every step reports the rate it was learned at in `step.learningRate` (set by `update`); a
 * change applies from the next sample. With `update`'s `batchSize > 1`, a batch is stepped at
 * the rate in force at its last sample.
 *
 * The controller is a value you hold, like the optimizer: its state persists across
 * subscriptions so that it can be saved and restored with the model. The operator's own state
 * — the rollback copy of the weights and optimizer state, the count of learned samples — is
 * kept per subscription and allocated once, when the subscription starts; after that it
 * allocates nothing per sample, apart from the event objects it pushes (for the built-in
 * controllers at most one change per window; for a schedule one per 1 % of change). A schedule
 * is a pure function of `t`: it overrides any other change of the rate (such as `update`'s cut
 * after a divergence) at the next learned sample.
 *
 * @throws TypeError at once for a wrong `net`, `optimizer` or `controller`. The stream fails
 * with a TypeError when the steps were not updated by `update` for the same network, and with a
 * RangeError when a controller or schedule returns a rate that is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import { adaptLearningRate, boldDriver, dense, linear, mse, network, sgd, tanh, train } from 'streamprop';
 * import { sineFeed } from 'streamprop/streams';
 * const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 1 });
 * const optimizer = sgd({ learningRate: 0.01 });
 * sineFeed({ limit: 3000 })
 *   .pipe(
 *     train(net, { loss: mse(), optimizer }),
 *     adaptLearningRate(net, optimizer, boldDriver({ window: 100, rollback: true })),
 *   )
 *   .subscribe((step) => {
 *     for (const e of step.events) console.log(e); // learningRate and rollback events
 *   });
 * ```
 */
export function adaptLearningRate<S extends Sample>(
  net: Network,
  optimizer: Optimizer,
  controller: RateController | Schedule,
): OperatorFunction<Step<S>, Step<S>> {
  checkNetwork('adaptLearningRate', net);
  checkOptimizer('adaptLearningRate', optimizer);
  if (typeof controller === 'function') return scheduled(net, optimizer, controller);
  checkRateController('adaptLearningRate', controller);
  return statefulMap(() => {
    const point = new RollbackPoint(net, optimizer);
    /** The seq of the first learned sample after the last save; -1 until it arrives. */
    let windowStart = -1;
    return {
      next(input: Step<S>): Step<S> {
        const step = learnedStep<S>(input, net);
        if (step === undefined) return input;
        if (windowStart < 0) windowStart = step.seq;
        const from = optimizer.learningRate;
        const to = checkedRate(controller.observe(step.loss, from), step.seq, 'controller');
        if (controller.rollback) {
          point.restore();
          step.events.push({ type: 'rollback', seq: step.seq, toSeq: windowStart });
        }
        if (to !== from) {
          optimizer.learningRate = to;
          step.events.push({
            type: 'learningRate',
            seq: step.seq,
            from,
            to,
            reason: controller.reason,
          });
        }
        if (controller.boundary) {
          point.save();
          windowStart = -1;
        }
        return step;
      },
    };
  });
}

/** The operator for a schedule: `schedule(t)` before the learned sample `t`. */
function scheduled<S extends Sample>(
  net: Network,
  optimizer: Optimizer,
  schedule: Schedule,
): OperatorFunction<Step<S>, Step<S>> {
  return statefulMap(() => {
    let t = 0;
    let reported = checkedRate(schedule(0), -1, 'schedule');
    optimizer.learningRate = reported;
    return {
      next(input: Step<S>): Step<S> {
        const step = learnedStep<S>(input, net);
        if (step === undefined) return input;
        const to = checkedRate(schedule(++t), step.seq, 'schedule');
        optimizer.learningRate = to;
        if (Math.abs(to - reported) > SCHEDULE_REPORT * reported) {
          step.events.push({
            type: 'learningRate',
            seq: step.seq,
            from: reported,
            to,
            reason: 'schedule',
          });
          reported = to;
        }
        return step;
      },
    };
  });
}

/**
 * The step if it was learned from with a finite loss within ±MAX_MAGNITUDE (what a controller
 * accepts), `undefined` if it passes untouched.
 */
function learnedStep<S extends Sample>(input: Step<S>, net: Network): StepContext<S> | undefined {
  const step = checkStep<S>(
    'adaptLearningRate',
    input,
    Stage.Forwarded,
    Stage.Updated,
    'the steps of update(net, optimizer); put adaptLearningRate after update or train',
    net,
  );
  if (!step.learn || !withinMaxMagnitude(step.loss)) return undefined;
  if (step.stage !== Stage.Updated) {
    throw new TypeError(
      'adaptLearningRate: expected updated steps; put adaptLearningRate after update or train',
    );
  }
  return step;
}

function checkedRate(rate: number, seq: number, what: string): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
    const where = seq < 0 ? 'at the start' : `at sample ${seq}`;
    throw new RangeError(
      `adaptLearningRate: ${where} the ${what} returned the learning rate ${describeValue(rate)}; a rate must be a finite number >= 0`,
    );
  }
  return rate;
}
