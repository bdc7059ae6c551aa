import type { OperatorFunction } from 'rxjs';
import { checkBoolean, checkOptions } from '../checks/argumentChecks.js';
import { describeValue } from '../checks/describeValue.js';
import { withinMaxMagnitude } from '../checks/maxMagnitude.js';
import type { DriftAction } from '../drift/driftAction.js';
import { checkDriftDetector, type DriftDetector } from '../drift/driftDetector.js';
import type { Sample } from '../samples/sample.js';
import { checkStep, Stage, type Step } from '../steps/step.js';
import { statefulMap } from './statefulMap.js';

/** Options of {@link detectDrift}. */
export interface DetectDriftOptions {
  /**
   * What to do when the detector signals a change: one action, a list of them (run in this
   * order), or none (the default: the `drift` event alone).
   */
  readonly onDrift?: DriftAction | readonly DriftAction[];
  /**
   * Whether each subscription works on its own `detector.clone()` (the default, true), or on
   * `detector` itself (false): then the operator updates the very detector you pass, so that
   * `detector.state()` is the live state to save in a checkpoint, and a detector restored from
   * one goes on from where it was. A detector passed with `clone: false` to several
   * subscriptions is shared by them.
   */
  readonly clone?: boolean;
}

/**
 * Watches the prequential loss for drift: feeds the loss of each learned step to `detector`
 * and, when it signals a change, performs the actions of `onDrift` and pushes onto that step's
 * events `{ type: 'drift', seq, detector: detector.name, action }`, where `action` says what
 * was done (the actions' own words, joined by `; `, or `none`). Place it after `train` or
 * `update`, so that the actions take effect from the next sample on.
 *
 * Steps that are not learned from (rejected or held out) and steps whose loss is not finite or
 * beyond ±1e145 (`MAX_MAGNITUDE`; such an update was skipped as diverged) pass through without
 * reaching the detector, so its sums stay finite.
 *
 * Each subscription works on its own `detector.clone()`: the detector you pass is a template,
 * never changed, and two subscriptions never share what they have seen. Pass a detector whose
 * state you restored to resume from it. Likewise each action's `start()` runs once per
 * subscription. Nothing is allocated per sample, except at a detection.
 *
 * **State.** With `clone: false` the operator updates `detector` itself instead of a clone, so
 * that its state can be checkpointed while the stream runs: `detector.state()` saves it, and
 * `detector.restore(saved)` before the next subscription continues from it bit for bit.
 *
 * @throws TypeError at once when `detector` is not a drift detector, an action is not a drift
 * action or `clone` is not a boolean. The stream fails with a TypeError when a learned step has not been through
 * `update` (or `train`).
 *
 * @example
 * ```ts
 * import { adam, boostLearningRate, dense, detectDrift, linear, mse, network, pageHinkley, resetOptimizer, tanh, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(8, tanh), dense(1, linear)], seed: 7 });
 * const optimizer = adam({ learningRate: 0.002 });
 * const samples = Array.from({ length: 6000 }, (_, i) => {
 *   const x = Math.sin(i);
 *   return { x: [x], y: i < 3000 ? x * x : -x * x }; // the relation flips at sample 3000
 * });
 * from(samples)
 *   .pipe(
 *     train(net, { loss: mse(), optimizer }),
 *     detectDrift(pageHinkley(), {
 *       onDrift: [resetOptimizer(optimizer), boostLearningRate(optimizer, 2, { max: 0.01 })],
 *     }),
 *   )
 *   .subscribe((step) => {
 *     for (const e of step.events) if (e.type === 'drift') console.log(e.seq, e.action);
 *   }); // 3030 optimizer state reset; learning rate 0.002 → 0.004
 *
 * // Checkpointing the detector: it is updated in place, its state() is the live one.
 * const detector = pageHinkley();
 * from(samples.slice(0, 3000))
 *   .pipe(train(net, { loss: mse(), optimizer }), detectDrift(detector, { clone: false }))
 *   .subscribe();
 * const saved = JSON.stringify(detector.state()); // … later, in a new process:
 * const resumed = pageHinkley();
 * resumed.restore(JSON.parse(saved));
 * from(samples.slice(3000))
 *   .pipe(train(net, { loss: mse(), optimizer }), detectDrift(resumed, { clone: false }))
 *   .subscribe();
 * ```
 */
export function detectDrift<S extends Sample>(
  detector: DriftDetector,
  options: DetectDriftOptions = {},
): OperatorFunction<Step<S>, Step<S>> {
  checkDriftDetector('detectDrift', detector);
  const { clone: cloned = true } = checkOptions<DetectDriftOptions>('detectDrift', options);
  checkBoolean('detectDrift', 'clone', cloned);
  const onDrift = options.onDrift;
  const actions: readonly DriftAction[] =
    onDrift === undefined ? [] : Array.isArray(onDrift) ? [...onDrift] : [onDrift as DriftAction];
  actions.forEach((action, k) => {
    const a = action as Partial<DriftAction> | null;
    if (a === null || typeof a !== 'object' || typeof a.start !== 'function') {
      const where = Array.isArray(onDrift) ? `onDrift[${k}]` : 'onDrift';
      throw new TypeError(
        `detectDrift: ${where} must be a drift action such as resetOptimizer(optimizer), got ${describeValue(action)}`,
      );
    }
  });
  return statefulMap(() => {
    const live = cloned ? detector.clone() : detector;
    const name = live.name;
    const responses = actions.map((action) => action.start());
    return {
      next(input: Step<S>): Step<S> {
        const step = checkStep<S>(
          'detectDrift',
          input,
          Stage.Forwarded,
          Stage.Updated,
          'the steps of train(net, …) or update(net, optimizer); put detectDrift after them',
        );
        if (!step.learn) return step;
        if (step.stage !== Stage.Updated) {
          throw new TypeError(
            `detectDrift: sample ${step.seq} has not been through update(net, optimizer); put detectDrift after train(net, …) or update`,
          );
        }
        const value = step.loss;
        if (!withinMaxMagnitude(value) || !live.update(value)) return step;
        let action = 'none';
        for (let k = 0; k < responses.length; k++) {
          const done = responses[k](step);
          action = k === 0 ? done : `${action}; ${done}`;
        }
        step.events.push({ type: 'drift', seq: step.seq, detector: name, action });
        return step;
      },
    };
  });
}
