import { checkFunction, checkObject } from '../checks/argumentChecks.js';
import type { Activation } from '../core/activations.js';
import type { Optimizer } from '../optim/optimizer.js';

/**
 * How to make the activations and optimizers of your own that a model file or a checkpoint
 * names — the parts that `fromJSON`, `fromCheckpoint`, `parseCheckpoint` and `checkpointStore`
 * cannot make by themselves.
 *
 * A model file stores each part by its name: `{ "name": "swish" }` for an activation (with its
 * `alpha`, when it has one), the optimizer's `state()` with its `name`. Saving never needs
 * anything: `toJSON` and `toCheckpoint` save a part of yours as they save a built-in one.
 * Loading makes each part from its name: a built-in name makes the built-in; any other name
 * makes the part with the maker you give here under that name, and a name with no maker is
 * refused with an error naming the field, such as
 * `fromJSON: layers[0].activation.name: "swish" is not a built-in activation; pass its maker in parts.activations`.
 * (So give a part of yours a name of its own: a built-in name loads the built-in.)
 *
 * @example
 * ```ts
 * import { type Activation, type CustomParts, dense, fromJSON, linear, network, toJSON } from 'streamprop';
 * const swish: Activation = {
 *   name: 'swish',
 *   forward(z, y) { for (let i = 0; i < z.length; i++) y[i] = z[i] / (1 + Math.exp(-z[i])); },
 *   backward(z, y, dy, dz) {
 *     for (let i = 0; i < z.length; i++) {
 *       const s = 1 / (1 + Math.exp(-z[i]));
 *       dz[i] = dy[i] * (s + y[i] * (1 - s));
 *     }
 *   },
 * };
 * const parts: CustomParts = { activations: { swish: () => swish } };
 * const net = network({ inputs: 2, layers: [dense(4, swish), dense(1, linear)], seed: 1 });
 * const copy = fromJSON(JSON.stringify(toJSON(net)), parts).network;
 * console.log(copy.describe()); // 2-4(swish)-1(linear)
 * ```
 */
export interface CustomParts {
  /**
   * Makers of activations, by the name the file stores: each gets the saved `alpha`
   * (`undefined` when the file has none) and returns the activation.
   */
  readonly activations?: Readonly<Record<string, (alpha: number | undefined) => Activation>>;
  /**
   * Makers of optimizers, by the name the file stores: each gets the saved settings — the
   * learning rate and the hyper-parameters, `{ learningRate, ...hyperParameters }` — and
   * returns a new optimizer, whose `restore` then gets the saved state.
   */
  readonly optimizers?: Readonly<
    Record<string, (settings: Readonly<Record<string, number>>) => Optimizer>
  >;
}

/** @internal Checks `parts` (undefined reads as `{}`): each maker must be a function. */
export function checkCustomParts(owner: string, parts: unknown, name = 'parts'): CustomParts {
  if (parts === undefined) return {};
  const checked = checkObject<CustomParts>(
    owner,
    name,
    parts,
    'an object { activations?, optimizers? }',
  );
  for (const kind of ['activations', 'optimizers'] as const) {
    const makers = checked[kind];
    if (makers === undefined) continue;
    checkObject(owner, `${name}.${kind}`, makers, 'an object of makers by name');
    for (const [key, maker] of Object.entries(makers)) {
      checkFunction(owner, `${name}.${kind}.${key}`, maker);
    }
  }
  return checked;
}
