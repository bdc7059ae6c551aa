import { z } from 'zod';
import { checkInteger, checkObject } from '../checks/argumentChecks.js';
import { parseDocument } from '../checks/parseDocument.js';
import type { Network } from '../core/network.js';
import { checkNetwork } from '../core/network.js';
import { type Rng, restoreRng, rng, rngState, rngStateSchema } from '../core/rng.js';
import type { DriftAction } from '../drift/driftAction.js';

/** Options of {@link resetModel}. */
export interface ResetModelOptions {
  /** The seed of the generator the new weights are drawn from (default 1). */
  readonly seed?: number;
}

/**
 * @internal The saved state of a {@link resetModel} action (see {@link ResetModel.state}): its
 * seed, the resets made so far, and its generator's state.
 */
export const resetModelStateSchema = z.strictObject({
  seed: z.number().int(),
  resets: z.number().int().nonnegative(),
  random: rngStateSchema,
});

/**
 * The state of a {@link resetModel} action, as {@link ResetModel.state} gives it and a
 * checkpoint saves it (`toCheckpoint({ …, resetModel })`).
 *
 * @example
 * ```ts
 * import { dense, linear, network, resetModel, type ResetModelState } from 'streamprop';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * const state: ResetModelState = resetModel(net, { seed: 3 }).state();
 * console.log(state.seed, state.resets); // 3 0
 * ```
 */
export type ResetModelState = z.infer<typeof resetModelStateSchema>;

/**
 * The drift action that {@link resetModel} makes: a `DriftAction` whose generator and count of
 * resets can be saved (`state`) and put back (`restore`), so that a resumed run redraws exactly
 * the weights the uninterrupted run would have drawn. `toCheckpoint({ …, resetModel })` saves it;
 * `fromCheckpoint(text, { resetModel })` restores it.
 *
 * @example
 * ```ts
 * import { dense, linear, network, resetModel, type ResetModel } from 'streamprop';
 * const net = network({ inputs: 1, layers: [dense(2, linear)], seed: 1 });
 * const action: ResetModel = resetModel(net, { seed: 5 });
 * const saved = action.state();
 * resetModel(net, { seed: 5 }).restore(saved); // the same generator, at the same place
 * ```
 */
export interface ResetModel extends DriftAction {
  /** The seed it was made with. */
  readonly seed: number;
  /**
   * Its state now: the seed, the resets so far and the generator's state (of the latest
   * subscription, or the one the next subscription will start from).
   */
  state(): ResetModelState;
  /**
   * Puts back a state taken by {@link ResetModel.state}: the running subscription (if any) and
   * the next one to start continue from it, once.
   *
   * @throws TypeError or RangeError naming the field of a malformed state, or when it was saved
   * with another seed.
   */
  restore(state: ResetModelState): void;
}

/** The generator and count of one subscription. */
interface Run {
  readonly random: Rng;
  resets: number;
}

/** @internal The class of the actions {@link resetModel} makes. */
export class ResetModelAction implements ResetModel {
  readonly name: string;
  /** The latest subscription's run (or, before any, the one the next starts from). */
  private live: Run;
  /** Whether the next `start` continues from a restored state instead of starting afresh. */
  private restored = false;

  constructor(
    private readonly net: Network,
    readonly seed: number,
  ) {
    this.name = `resetModel(seed ${seed})`;
    this.live = { random: rng(seed), resets: 0 };
  }

  start(): () => string {
    const run: Run = { random: rng(this.seed), resets: 0 };
    if (this.restored) {
      restoreRng(run.random, rngState(this.live.random));
      run.resets = this.live.resets;
      this.restored = false;
    }
    this.live = run;
    return () => {
      this.net.reinitialize(run.random);
      run.resets++;
      return `weights redrawn (seed ${this.seed}, reset ${run.resets})`;
    };
  }

  state(): ResetModelState {
    return { seed: this.seed, resets: this.live.resets, random: rngState(this.live.random) };
  }

  restore(state: ResetModelState): void {
    const owner = 'resetModel.restore';
    const read = parseDocument(owner, resetModelStateSchema, state);
    if (read.seed !== this.seed) {
      throw new RangeError(
        `${owner}: seed: saved with seed ${read.seed}, this action has seed ${this.seed}`,
      );
    }
    restoreRng(this.live.random, read.random);
    this.live.resets = read.resets;
    this.restored = true;
  }
}

/**
 * A drift action that forgets what `net` has learnt: it redraws every weight with the
 * network's initialisers and sets the biases to 0 (`net.reinitialize`), drawing from a
 * generator `rng(seed)` made once per subscription. So the first reset gives exactly the
 * weights of `network({ …the same layers…, seed })`, the next ones continue the same sequence,
 * and the same run gives the same weights, bit for bit. Its `drift` event says
 * `weights redrawn (seed <seed>, reset <k>)`. Its generator is saved in checkpoints
 * (`toCheckpoint({ …, resetModel })`, see {@link ResetModel}), so a resumed run redraws the
 * same weights too.
 *
 * Resetting the model suits an abrupt change after which the old weights are a worse start
 * than fresh ones; list `resetOptimizer(optimizer)` with it to drop the optimizer's memory of
 * the old weights too.
 *
 * @throws TypeError at once when `net` is not a network; RangeError when `seed` is not an
 * integer.
 *
 * @example
 * ```ts
 * import { adam, dense, detectDrift, linear, mse, network, pageHinkley, resetModel, resetOptimizer, tanh, train } from 'streamprop';
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
 *       onDrift: [resetModel(net, { seed: 7 }), resetOptimizer(optimizer)],
 *     }),
 *   )
 *   .subscribe((step) => step.events.forEach((e) => console.log(e)));
 * ```
 */
export function resetModel(net: Network, options: ResetModelOptions = {}): ResetModel {
  checkNetwork('resetModel', net);
  checkObject('resetModel', 'options', options, 'an object { seed? }');
  const seed = checkInteger('resetModel', 'seed', options.seed ?? 1);
  return new ResetModelAction(net, seed);
}
