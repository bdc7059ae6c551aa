import { checkInterval, checkPositiveInteger } from '../checks/argumentChecks.js';

/**
 * The classic rule of thumb for the size of a hidden layer: `√(n + m) + a`, rounded to the
 * nearest whole neuron, for `n` inputs, `m` outputs and a constant `a` in [1, 10].
 *
 * @param inputs - n, a positive integer.
 * @param outputs - m, a positive integer.
 * @param a - the constant, in [1, 10] (default 5).
 * @throws RangeError when an argument is outside its range.
 *
 * @example
 * ```ts
 * import { dense, hiddenSize, linear, network, tanh } from 'streamprop';
 * const h = hiddenSize(8, 1, 3); // round(3 + 3) = 6
 * const net = network({ inputs: 8, layers: [dense(h, tanh), dense(1, linear)] });
 * ```
 */
export function hiddenSize(inputs: number, outputs: number, a = 5): number {
  checkPositiveInteger('hiddenSize', 'inputs', inputs);
  checkPositiveInteger('hiddenSize', 'outputs', outputs);
  checkInterval('hiddenSize', 'a', a, { min: 1, max: 10 });
  return Math.round(Math.sqrt(inputs + outputs) + a);
}
