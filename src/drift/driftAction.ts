import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';

/**
 * What `detectDrift` does when its detector signals a change: a value such as
 * `boostLearningRate(optimizer, 2)`, `resetOptimizer(optimizer)` or `resetModel(net)`, or one
 * of your own.
 *
 * `start` runs once per subscription of `detectDrift` (so that state such as a random
 * generator belongs to one subscription) and returns the response, which runs at each
 * detection, on the step where the change was found, and returns what it did, in words: the
 * `action` of the `drift` event. The response may allocate (detections are rare).
 *
 * @example
 * ```ts
 * import { adwin, type DriftAction, detectDrift } from 'streamprop';
 * let drifts = 0;
 * const countDrifts: DriftAction = {
 *   name: 'countDrifts',
 *   start: () => (step) => `drift number ${++drifts}, at a loss of ${step.loss.toFixed(3)}`,
 * };
 * const operator = detectDrift(adwin(), { onDrift: countDrifts });
 * ```
 */
export interface DriftAction {
  /** What the action is, such as `boostLearningRate(×2)`. */
  readonly name: string;
  /** Prepares one subscription; returns the response to run at each detection. */
  start(): (step: Step<Sample>) => string;
}
