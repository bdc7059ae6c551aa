import { z } from 'zod';
import {
  checkMethods,
  checkNonEmptyString,
  checkNonNegativeNumber,
  checkObject,
  checkSettable,
} from '../checks/argumentChecks.js';

/**
 * A rule that turns gradients into a change of the parameters: what `update` and `train`
 * call, and what you implement for an optimizer of your own. Optimizers are values —
 * `adam({ learningRate: 1e-3 })`, never `'adam'` — and each keeps the state of the one
 * parameter array it steps (velocities, moment estimates), which is saved with the model.
 *
 * This is everything the library calls, and everything `update`, `train`, `toCheckpoint`,
 * `boostLearningRate`, `resetOptimizer` and `adaptLearningRate` check when handed an optimizer
 * (a missing or wrong member fails there, at once, naming it — never later, mid-stream):
 *
 * - `name`: saved in the model file; the file maps it back to a maker (see `CustomParts` for
 *   yours);
 * - `learningRate`: read before every step and set by the divergence guard of `update`, by
 *   `adaptLearningRate` and by `boostLearningRate`: a settable finite number ≥ 0;
 * - `step(parameters, gradients)`: one step, in place, along the written-out gradient;
 * - `reset()`: by `resetOptimizer`;
 * - `state()` / `restore(state)`: by `toJSON`, the checkpoints and `boldDriver`'s rollback.
 *
 * The built-in optimizers also have an internal fast path that steps straight from the error
 * terms of the backward pass, without writing the gradient out; it gives the same parameters
 * bit for bit, so an optimizer of yours learns exactly as it would with it, only slower.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, type Optimizer, type OptimizerState, train } from 'streamprop';
 * import { of } from 'rxjs';
 * // signSgd: w ← w − η·sign(g), stateless but for the step count.
 * function signSgd(learningRate = 0.01): Optimizer {
 *   let steps = 0;
 *   return {
 *     name: 'signSgd',
 *     learningRate,
 *     step(parameters, gradients) {
 *       for (let i = 0; i < parameters.length; i++) parameters[i] -= this.learningRate * Math.sign(gradients[i]);
 *       steps++;
 *     },
 *     reset() { steps = 0; },
 *     state(): OptimizerState {
 *       return { name: 'signSgd', learningRate: this.learningRate, hyperParameters: {}, steps, buffers: {} };
 *     },
 *     restore(state) { this.learningRate = state.learningRate; steps = state.steps; },
 *   };
 * }
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * of({ x: [1], y: 2 }).pipe(train(net, { loss: mse(), optimizer: signSgd(0.1) })).subscribe();
 * ```
 */
export interface Optimizer {
  /**
   * The optimizer's kind, as the model file stores it (`adam`, `sgd` …): a name of its own for
   * an optimizer of yours, since a file that names a built-in loads the built-in.
   */
  readonly name: string;
  /** The step size η, readable and settable at any time (finite, ≥ 0). */
  learningRate: number;
  /**
   * Changes `parameters` in place by one step along `gradients` (same length, laid out like
   * `net.parameters`: each layer's weights row by row, then its biases). Should allocate nothing
   * after the first call: it runs once per sample.
   */
  step(parameters: Float64Array, gradients: Float64Array): void;
  /** Forgets the accumulated state (velocities, moments, step count); keeps the rate. */
  reset(): void;
  /** A JSON-ready copy of the learning rate, step count and state buffers. */
  state(): OptimizerState;
  /**
   * Restores what {@link state} returned, including the learning rate.
   *
   * @throws RangeError for a state of another kind or made with other hyper-parameters.
   */
  restore(state: OptimizerState): void;
}

/**
 * The saved state of an optimizer, as plain JSON values; the model file holds it as it is.
 *
 * @example
 * ```ts
 * import { adam, type OptimizerState } from 'streamprop';
 * const state: OptimizerState = adam().state();
 * console.log(state.name, state.steps, Object.keys(state.buffers)); // adam 0 [ 'm', 'v' ]
 * ```
 */
export interface OptimizerState {
  /** The optimizer's {@link Optimizer.name}. */
  readonly name: string;
  readonly learningRate: number;
  /** The settings other than the learning rate (β₁, decay …), each a finite number. */
  readonly hyperParameters: Readonly<Record<string, number>>;
  /** The number of steps taken since creation or the last reset. */
  readonly steps: number;
  /** Each state buffer as a plain array, keyed by its name (e.g. `velocity`, `m`, `v`). */
  readonly buffers: Readonly<Record<string, readonly number[]>>;
}

/**
 * @internal The schema of any optimizer's saved state, as the model file holds it: the shape of
 * {@link OptimizerState}, with finite numbers. A built-in optimizer checks the rest (its
 * hyper-parameters, its buffers) with its own `stateSchema()`.
 */
export const optimizerStateSchema = z.object({
  name: z.string().min(1),
  learningRate: z.number().nonnegative(),
  hyperParameters: z.record(z.string(), z.number()),
  steps: z.number().int().nonnegative(),
  buffers: z.record(z.string(), z.array(z.number())),
});

/**
 * Throws, naming `owner` and the member, unless `optimizer` has everything the library calls
 * on an {@link Optimizer}: a TypeError for a value that is not an object or a member of the
 * wrong type, a RangeError for a learning rate out of range.
 *
 * @example
 * ```ts
 * checkOptimizer('update', { name: 'mine', learningRate: 0.1 });
 * // TypeError: update: optimizer.step must be a function, got undefined
 * ```
 */
export function checkOptimizer(
  owner: string,
  optimizer: unknown,
  name = 'optimizer',
): asserts optimizer is Optimizer {
  const o = checkObject<Partial<Optimizer>>(
    owner,
    name,
    optimizer,
    'an optimizer such as sgd() or adam()',
  );
  checkNonEmptyString(owner, `${name}.name`, o.name);
  checkNonNegativeNumber(owner, `${name}.learningRate`, o.learningRate);
  checkSettable(owner, name, o, 'learningRate');
  checkMethods(owner, name, o, ['step', 'reset', 'state', 'restore']);
}
