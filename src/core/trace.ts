/**
 * The working memory of one pass through a network: the input, each layer's pre-activations
 * `z`, activations `y`, `∂L/∂y` and `∂L/∂z`, and the target. Allocated once (one per
 * subscription in the operators) and reused for every sample, so a pass allocates nothing.
 *
 * @example
 * ```ts
 * import { dense, linear, network } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(1, linear)] });
 * const trace = net.createTrace();
 * trace.input.set([1, 2]);
 * const y = net.forward(trace); // a view of trace.output, valid until the next pass
 * ```
 */
export class Trace {
  /** The input vector of the pass. */
  readonly input: Float64Array;
  /** The target vector, for the backward pass. */
  readonly target: Float64Array;
  /** Pre-activations `z(k)` of each layer. */
  readonly z: readonly Float64Array[];
  /** Activations `n(k) = f(z(k))` of each layer. */
  readonly y: readonly Float64Array[];
  /** `∂L/∂n(k)` of each layer. */
  readonly dy: readonly Float64Array[];
  /** `δ(k) = ∂L/∂z(k)` of each layer. */
  readonly delta: readonly Float64Array[];
  /** The network's output: the last layer's activations. */
  readonly output: Float64Array;

  /** @internal Use `Network.createTrace()`. */
  constructor(inputs: number, units: readonly number[]) {
    const total = units.reduce((a, b) => a + b, 0);
    const memory = new Float64Array(inputs + units[units.length - 1] + 4 * total);
    this.input = memory.subarray(0, inputs);
    let at = inputs;
    const take = (n: number): Float64Array => {
      const view = memory.subarray(at, at + n);
      at += n;
      return view;
    };
    this.target = take(units[units.length - 1]);
    this.z = units.map(take);
    this.y = units.map(take);
    this.dy = units.map(take);
    this.delta = units.map(take);
    this.output = this.y[this.y.length - 1];
  }
}
