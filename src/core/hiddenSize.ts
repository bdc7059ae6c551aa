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
  if (!Number.isInteger(inputs) || inputs < 1) {
    throw new RangeError(`hiddenSize: inputs must be a positive integer, got ${inputs}`);
  }
  if (!Number.isInteger(outputs) || outputs < 1) {
    throw new RangeError(`hiddenSize: outputs must be a positive integer, got ${outputs}`);
  }
  if (typeof a !== 'number' || !(a >= 1 && a <= 10)) {
    throw new RangeError(`hiddenSize: a must be in [1, 10], got ${a}`);
  }
  return Math.round(Math.sqrt(inputs + outputs) + a);
}
