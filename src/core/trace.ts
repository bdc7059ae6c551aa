/**
 * The working memory of one pass through a network: the input, each layer's pre-activations
 * `z`, activations `y`, `∂L/∂y` and `∂L/∂z`, and the target. Allocated once (one per
 * subscription in the operators) and reused for every sample, so a pass allocates nothing.
 * On the WebAssembly backend its arrays are views into the kernels' memory.
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
  /** The input of each layer `k`: {@link input} for k = 0, else `y[k - 1]` (the same arrays). */
  readonly layerInputs: readonly Float64Array[];
  /** @internal Where the trace starts in the kernels' memory, in bytes; -1 outside it. */
  readonly at: number;

  /**
   * @internal Use `Network.createTrace()`. `memory` holds {@link traceLayout}'s `size` values
   * (by default a new array).
   */
  constructor(inputs: number, units: readonly number[], memory?: Float64Array, at = -1) {
    const layout = traceLayout(inputs, units);
    const m = memory ?? new Float64Array(layout.size);
    const view = (from: number, n: number): Float64Array => m.subarray(from, from + n);
    this.input = view(layout.input, inputs);
    this.target = view(layout.target, units[units.length - 1]);
    this.z = units.map((n, k) => view(layout.z[k], n));
    this.y = units.map((n, k) => view(layout.y[k], n));
    this.dy = units.map((n, k) => view(layout.dy[k], n));
    this.delta = units.map((n, k) => view(layout.delta[k], n));
    this.output = this.y[this.y.length - 1];
    this.layerInputs = [this.input, ...this.y.slice(0, -1)];
    this.at = at;
  }

  /** @internal Every array of the trace (for the kernels' memory to know when all are gone). */
  views(): Float64Array[] {
    return [this.input, this.target, ...this.z, ...this.y, ...this.dy, ...this.delta];
  }
}

/** @internal Where each vector of a trace starts, in values from its start, and its size. */
export interface TraceLayout {
  readonly size: number;
  readonly input: number;
  readonly target: number;
  readonly z: readonly number[];
  readonly y: readonly number[];
  readonly dy: readonly number[];
  readonly delta: readonly number[];
}

/**
 * @internal The layout of a trace: input, target, then each layer's z, y, dy and δ, each
 * starting at an even index (16-byte aligned for the SIMD kernels).
 */
export function traceLayout(inputs: number, units: readonly number[]): TraceLayout {
  let at = 0;
  const take = (n: number): number => {
    const start = at;
    at += n + (n % 2);
    return start;
  };
  const input = take(inputs);
  const target = take(units[units.length - 1]);
  const z = units.map(take);
  const y = units.map(take);
  const dy = units.map(take);
  const delta = units.map(take);
  return { size: at, input, target, z, y, dy, delta };
}
