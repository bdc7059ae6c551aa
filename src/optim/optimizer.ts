import { flatStep, inKernelMemory, kernelStateBuffer } from '../backends/wasmKernels.js';
import { describeValue } from '../checks/describeValue.js';
import type { Network } from '../core/network.js';
import type { Trace } from '../core/trace.js';

/**
 * A rule that turns gradients into a change of the parameters. Optimizers are values —
 * `adam({ learningRate: 1e-3 })`, never `'adam'` — and each keeps the state of the one
 * parameter array it steps (velocities, moment estimates), which can be saved with the model.
 *
 * @example
 * ```ts
 * import { sgd } from 'streamprop';
 * const optimizer = sgd({ learningRate: 0.5 });
 * const params = new Float64Array([1, 2]);
 * optimizer.step(params, new Float64Array([0.2, -0.2])); // params = [0.9, 2.1]
 * optimizer.learningRate = 0.1;                          // settable while running
 * ```
 */
export interface Optimizer {
  /** The name the model file stores. */
  readonly name: OptimizerName;
  /** The step size η, readable and settable at any time (finite, ≥ 0). */
  learningRate: number;
  /** The hyper-parameters other than the learning rate, as the model file stores them. */
  readonly hyperParameters: Readonly<Record<string, number>>;
  /** The number of steps taken since creation or the last {@link reset}. */
  readonly steps: number;
  /**
   * Changes `params` in place by one step along `grads` (same length). Allocates its state
   * buffers on the first call only; afterwards a step allocates nothing.
   */
  step(params: Float64Array, grads: Float64Array): void;
  /**
   * One step of `net.parameters` along the gradient of the last `net.backward(trace, …)`,
   * computed on the fly from the error terms (`∂L/∂W(k) = δ(k)·n(k-1)ᵀ`): the same result as
   * `step` with the written-out gradient, in one pass over the weights.
   */
  stepFrom(net: Network, trace: Trace): void;
  /** Forgets the accumulated state (velocities, moments, step count); keeps the rate. */
  reset(): void;
  /** A JSON-ready copy of the learning rate, step count and state buffers. */
  state(): OptimizerState;
  /** Restores what {@link state} returned. @throws RangeError for a state of another kind. */
  restore(state: OptimizerState): void;
}

/** The names of the built-in optimizers. */
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';

/** The saved state of an optimizer, as plain JSON values. */
export interface OptimizerState {
  readonly name: OptimizerName;
  readonly learningRate: number;
  readonly hyperParameters: Readonly<Record<string, number>>;
  readonly steps: number;
  /** Each state buffer as a plain array, keyed by its name (e.g. `velocity`, `m`, `v`). */
  readonly buffers: Readonly<Record<string, readonly number[]>>;
}

/**
 * @internal The shared bookkeeping of the built-in optimizers: the learning rate, the step
 * count and named state buffers allocated once, on the first step, to the parameters' length.
 * Subclasses implement {@link BufferedOptimizer.kernel}; `sgd()` is the smallest example.
 */
export abstract class BufferedOptimizer implements Optimizer {
  abstract readonly name: OptimizerName;
  readonly hyperParameters: Readonly<Record<string, number>>;
  /** The learning rate η (the kernels read it here: a number passed to a call is boxed). */
  protected rate: number;
  private count = 0;
  /** How many parameters this optimizer steps; -1 until the first step. */
  private size = -1;
  private readonly bufferNames: readonly string[];
  /** The state buffers, in the order of `bufferNames`; empty until the first step. */
  protected buffers: Float64Array[] = [];
  /** Whether the buffers live in the WebAssembly kernels' memory (see {@link home}). */
  private inKernels = false;
  /** The number of this rule's kernel in assembly/optimizers.ts. */
  protected abstract readonly code: number;

  protected constructor(
    learningRate: number,
    hyperParameters: Record<string, number>,
    bufferNames: readonly string[],
  ) {
    this.rate = checkRate(learningRate);
    this.hyperParameters = Object.freeze({ ...hyperParameters });
    this.bufferNames = bufferNames;
  }

  get learningRate(): number {
    return this.rate;
  }

  set learningRate(value: number) {
    this.rate = checkRate(value);
  }

  get steps(): number {
    return this.count;
  }

  step(params: Float64Array, grads: Float64Array): void {
    if (grads.length !== params.length) {
      throw new RangeError(
        `${this.name}: gradients have length ${grads.length}, parameters ${params.length}`,
      );
    }
    const kernels = inKernelMemory(params) && inKernelMemory(grads);
    const t = this.begin(params.length, kernels);
    if (kernels) {
      this.hyper(t, HYPER);
      flatStep(this.code, HYPER, this.buffers, params, grads);
      return;
    }
    this.kernel(params, 0, 0, grads, NO_INPUT, t);
  }

  stepFrom(net: Network, trace: Trace): void {
    const params = net.parameters;
    const kernels = net.kernels;
    const t = this.begin(params.length, kernels.wasm);
    if (kernels.wasm) {
      this.hyper(t, HYPER);
      kernels.optimizerStep(this.code, HYPER, this.buffers, trace, undefined);
      return;
    }
    const layers = net.layers;
    for (let k = 0; k < layers.length; k++) {
      const layer = layers[k];
      const weightsAt = layer.offset;
      const biasesAt = weightsAt + layer.units * layer.fanIn;
      this.kernel(params, weightsAt, biasesAt, trace.delta[k], net.layerInput(trace, k), t);
    }
  }

  /**
   * Sizes the state buffers on the first step, moves them where the kernels read them (the
   * WebAssembly kernels' memory when `kernels`), and counts the step; returns its number.
   */
  private begin(length: number, kernels: boolean): number {
    // No closure in here: a parameter captured by one would be allocated at every call.
    if (this.size !== length) this.sizeBuffers(length);
    if (this.inKernels !== kernels) this.home(kernels);
    return ++this.count;
  }

  /** Sizes the state buffers to `length` parameters, on the first step. */
  private sizeBuffers(length: number): void {
    if (this.size !== -1) {
      throw new RangeError(
        `${this.name}: this optimizer steps ${this.size} parameters, got ${length}; use one optimizer per network`,
      );
    }
    this.size = length;
    if (this.buffers.length === 0) {
      this.buffers = this.bufferNames.map(() => new Float64Array(length));
    }
  }

  /** Copies the state buffers into the kernels' memory, or out of it into plain arrays. */
  private home(kernels: boolean): void {
    this.buffers = this.buffers.map((old) => {
      const moved = kernels ? kernelStateBuffer(old.length) : new Float64Array(old.length);
      moved.set(old);
      return moved;
    });
    this.inKernels = kernels;
  }

  /**
   * The hyper-parameters h0…h5 of this rule's WebAssembly kernel for step `t`, into `into` (see
   * assembly/optimizers.ts for each rule's).
   */
  protected abstract hyper(t: number, into: Float64Array): void;

  /**
   * The rule, applied to one layer: the weights starting at `weightsAt`, whose gradient is the
   * outer product `g[j·n + i] = delta[j] · input[i]` (n = `input.length`), and the biases
   * starting at `biasesAt`, whose gradient is `delta[j]`. A flat gradient is the case of no
   * input (n = 0) and `biasesAt = 0`. Buffers are indexed like `params`; `t` is the 1-based
   * step number.
   */
  protected abstract kernel(
    params: Float64Array,
    weightsAt: number,
    biasesAt: number,
    delta: Float64Array,
    input: Float64Array,
    t: number,
  ): void;

  reset(): void {
    for (const b of this.buffers) b.fill(0);
    this.count = 0;
  }

  /**
   * @internal Room for {@link saveSnapshot}: one array of `length` values per state buffer.
   * Allocated once (per subscription of `adaptLearningRate`), reused for every save.
   */
  createSnapshot(length: number): OptimizerSnapshot {
    return {
      steps: 0,
      filled: false,
      buffers: this.bufferNames.map(() => new Float64Array(length)),
    };
  }

  /** @internal Copies the step count and the state buffers into `into`; allocates nothing. */
  saveSnapshot(into: OptimizerSnapshot): void {
    into.steps = this.count;
    into.filled = this.buffers.length > 0;
    if (!into.filled) return;
    const saved = into.buffers;
    for (let i = 0; i < saved.length; i++) saved[i].set(this.buffers[i]);
  }

  /**
   * @internal Restores what {@link saveSnapshot} saved (the rate stays as it is); allocates
   * nothing unless the state buffers were never allocated and the snapshot holds some.
   */
  restoreSnapshot(from: OptimizerSnapshot): void {
    const saved = from.buffers;
    if (this.buffers.length === 0 && from.filled && saved.length > 0) {
      this.size = saved[0].length;
      this.buffers = saved.map((b) => new Float64Array(b.length));
      this.inKernels = false;
    }
    for (let i = 0; i < this.buffers.length; i++) {
      if (from.filled) this.buffers[i].set(saved[i]);
      else this.buffers[i].fill(0);
    }
    this.count = from.steps;
  }

  state(): OptimizerState {
    const buffers: Record<string, number[]> = {};
    this.bufferNames.forEach((n, i) => {
      buffers[n] = this.buffers[i] ? Array.from(this.buffers[i]) : [];
    });
    return {
      name: this.name,
      learningRate: this.rate,
      hyperParameters: { ...this.hyperParameters },
      steps: this.count,
      buffers,
    };
  }

  restore(state: OptimizerState): void {
    const fail = (what: string): never => {
      throw new RangeError(`${this.name}: cannot restore this state: ${what}`);
    };
    if (state.name !== this.name) fail(`it is the state of a ${state.name} optimizer`);
    if (!Number.isInteger(state.steps) || state.steps < 0) {
      fail(`steps must be an integer >= 0, got ${state.steps}`);
    }
    for (const [key, value] of Object.entries(this.hyperParameters)) {
      if (state.hyperParameters?.[key] !== value) {
        fail(
          `it was saved with ${key} ${state.hyperParameters?.[key]}, this optimizer has ${value}; create it with the saved hyper-parameters`,
        );
      }
    }
    const arrays = this.bufferNames.map((n) => {
      const values = state.buffers?.[n];
      if (!Array.isArray(values)) return fail(`buffers.${n} is missing`);
      if (!values.every(Number.isFinite))
        fail(`buffers.${n} holds a value that is not a finite number`);
      return values;
    });
    const lengths = new Set(arrays.map((a) => a.length));
    if (lengths.size > 1) fail('its buffers differ in length');
    const length = arrays.length > 0 ? arrays[0].length : 0;
    this.learningRate = state.learningRate;
    this.count = state.steps;
    this.size = length > 0 ? length : -1;
    this.buffers = length > 0 ? arrays.map((a) => Float64Array.from(a)) : [];
    this.inKernels = false;
  }
}

/**
 * @internal A copy of an optimizer's step count and state buffers, made and read back without
 * allocating (see `BufferedOptimizer.saveSnapshot`); what a rollback restores.
 */
export interface OptimizerSnapshot {
  steps: number;
  /** Whether the optimizer had state buffers when it was saved (false before its first step). */
  filled: boolean;
  readonly buffers: Float64Array[];
}

/** The input of a flat gradient: no weights, every value is a "bias". */
const NO_INPUT = new Float64Array(0);

/** h0…h5 of the WebAssembly kernels, filled before each step (one step at a time per thread). */
const HYPER = new Float64Array(6);

function checkRate(value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`learningRate must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** Throws a TypeError naming `operator` unless `optimizer` is an {@link Optimizer}. */
export function checkOptimizer(
  operator: string,
  optimizer: unknown,
): asserts optimizer is Optimizer {
  const o = optimizer as Partial<Optimizer> | null;
  if (o === null || typeof o !== 'object' || typeof o.step !== 'function') {
    throw new TypeError(
      `${operator}: expected an optimizer value such as sgd() or adam(), got ${describeValue(optimizer)}`,
    );
  }
}
