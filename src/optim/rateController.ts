import { z } from 'zod';
import {
  checkBoolean,
  checkMethods,
  checkNonEmptyString,
  checkObject,
  checkString,
} from '../checks/argumentChecks.js';

/**
 * A loss-driven learning-rate controller, such as {@link boldDriver} or
 * {@link reduceOnPlateau}. `adaptLearningRate(net, optimizer, controller)` feeds it the
 * prequential loss of every learned sample and sets the rate it returns on the optimizer.
 *
 * Like an optimizer, a controller is a value that holds its state (windows of losses, the
 * best loss so far …) so that {@link RateController.state} can save it with the model and
 * {@link RateController.restore} continue from it; give each pipeline its own. The learning
 * rate itself is not part of that state: it lives in the optimizer.
 *
 * To write one, implement `observe` and keep the three flags up to date; the built-in ones
 * allocate nothing in `observe`.
 *
 * @example
 * ```ts
 * import type { RateController, RateControllerState } from 'streamprop';
 * // Halve the rate whenever one sample's loss is above 10; never roll back.
 * function halveOnSpikes(): RateController {
 *   return {
 *     name: 'halveOnSpikes',
 *     boundary: false,
 *     rollback: false,
 *     reason: 'halveOnSpikes: loss above 10',
 *     observe: (loss, rate) => (loss > 10 ? rate / 2 : rate),
 *     reset: () => {},
 *     state: (): RateControllerState => ({ name: 'halveOnSpikes', options: {}, values: {} }),
 *     restore: () => {},
 *   };
 * }
 * ```
 */
export interface RateController {
  /** The name its state is saved under, such as `boldDriver`. */
  readonly name: string;
  /**
   * Feeds one learned sample: its prequential loss (a finite number within ±1e145,
   * `MAX_MAGNITUDE`; `adaptLearningRate` passes no other) and the learning rate it was learned
   * at. Returns the rate for the samples that follow — `rate` itself to keep it. The built-in
   * controllers throw a RangeError for any other loss, and change nothing.
   */
  observe(loss: number, rate: number): number;
  /**
   * Whether the last {@link observe} closed a window (a decision point): the weights and the
   * optimizer state as they are now are what a later rollback returns to.
   */
  readonly boundary: boolean;
  /**
   * Whether the last {@link observe} asks to undo the window it closed: restore the weights and
   * the optimizer state saved at the window's start (the previous boundary).
   */
  readonly rollback: boolean;
  /** Why the last {@link observe} changed the rate, for the `learningRate` event. */
  readonly reason: string;
  /** Forgets the loss history and starts over as new (the options stay). */
  reset(): void;
  /** A JSON-ready copy of the options and the running values. */
  state(): RateControllerState;
  /**
   * Continues from what {@link state} returned.
   *
   * @throws RangeError for the state of another controller, of one made with other options, or
   * with a value out of range.
   */
  restore(state: RateControllerState): void;
}

/**
 * The saved state of a {@link RateController}, as plain JSON values. JSON has no NaN or
 * Infinity: a value that does not exist yet (no previous window, no best loss) is `null`.
 *
 * @example
 * ```ts
 * import { boldDriver, type RateControllerState } from 'streamprop';
 * const controller = boldDriver({ window: 2 });
 * controller.observe(0.5, 0.01);
 * const saved: RateControllerState = JSON.parse(JSON.stringify(controller.state()));
 * boldDriver({ window: 2 }).restore(saved);
 * ```
 */
export interface RateControllerState {
  /** The controller's {@link RateController.name}. */
  readonly name: string;
  /** The options it was made with; restoring into one made with others fails. */
  readonly options: Readonly<Record<string, number | boolean>>;
  /** The running values (sums, counts, previous or best means). */
  readonly values: Readonly<Record<string, number | null>>;
}

/**
 * Throws a TypeError naming `owner` and the member unless `controller` has everything the
 * library calls on a {@link RateController}.
 *
 * @example
 * ```ts
 * checkRateController('adaptLearningRate', { name: 'mine', observe: (_loss, rate) => rate });
 * // TypeError: adaptLearningRate: controller.boundary must be true or false, got undefined
 * ```
 */
export function checkRateController(
  owner: string,
  controller: unknown,
  name = 'controller',
): asserts controller is RateController {
  const c = checkObject<Partial<RateController>>(
    owner,
    name,
    controller,
    'a rate controller such as boldDriver() or a schedule such as inverseScaling({ initial })',
  );
  checkNonEmptyString(owner, `${name}.name`, c.name);
  checkBoolean(owner, `${name}.boundary`, c.boundary);
  checkBoolean(owner, `${name}.rollback`, c.rollback);
  checkString(owner, `${name}.reason`, c.reason);
  checkMethods(owner, name, c, ['observe', 'reset', 'state', 'restore']);
}

/**
 * @internal The schema of any controller's saved state, as a checkpoint holds it: the shape of
 * {@link RateControllerState}. A built-in controller checks the rest with its own
 * `stateSchema()`.
 */
export const rateControllerStateSchema = z.object({
  name: z.string().min(1),
  options: z.record(z.string(), z.union([z.number(), z.boolean()])),
  values: z.record(z.string(), z.number().nullable()),
});
