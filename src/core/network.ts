import { type Backend, checkBackend, defaultBackend, jsBackend } from '../backends/backend.js';
import type { NetworkKernels } from '../backends/networkKernels.js';
import {
  argumentError,
  checkBoolean,
  checkInstance,
  checkInteger,
  checkMethods,
  checkObject,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { BUILT_IN_ACTIVATIONS, checkActivation } from './activations.js';
import type { DenseSpec } from './dense.js';
import { checkInitializer, he, type Initializer, xavier } from './initializers.js';
import { Layer } from './layer.js';
import type { Loss } from './losses.js';
import { type Rng, rng } from './rng.js';
import type { Trace } from './trace.js';

/** Options of {@link network}. */
export interface NetworkOptions {
  /** The number of inputs, a positive integer. */
  readonly inputs: number;
  /** The layers, input side first; at least one. */
  readonly layers: readonly DenseSpec[];
  /**
   * The weight initialiser of every layer that names none. By default `he()` for rectifier
   * layers (`relu`, `leakyRelu`, `elu`) and `xavier()` for the others.
   */
  readonly init?: Initializer;
  /** The seed of the generator that draws the weights (default 1). */
  readonly seed?: number;
  /** A generator to draw the weights from instead of one made from `seed`. */
  readonly random?: Rng;
  /**
   * Where the arithmetic runs: `wasmBackend()` or `jsBackend()` (see {@link Backend}). Default:
   * the WebAssembly backend where the runtime has WebAssembly SIMD and every activation is a
   * built-in one, the JavaScript backend otherwise.
   */
  readonly backend?: Backend;
  /**
   * Opt in to cheaper tanh, sigmoid and exp (in softmax) on either backend, at a stated cost in
   * accuracy over the whole input range: tanh and sigmoid within 1e-7 absolute (7.8e-8 and
   * 3.7e-8 measured), exp within 2e-7 relative (1.6e-7 measured) — test/backends/
   * exponentials.test.ts measures them on a million points and the edges. The derivatives are
   * computed from the outputs as always; the other activations are unchanged. Default false:
   * exact functions (on the WebAssembly backend within 1e-15 relative of `Math`).
   */
  readonly fastMath?: boolean;
  /**
   * Opt in to fused multiply-adds (one rounding instead of two) in the matrix products of
   * `train(net, { batchSize })` with batchSize > 1 on the WebAssembly backend: WebAssembly relaxed
   * SIMD's `f64x2.relaxed_madd`, which Node 20 runs behind a V8 flag that streamprop sets at run
   * time (`v8.setFlagsFromString('--experimental-wasm-relaxed-simd')`, before compiling
   * dist/wasm/kernels-fused.wasm; an Error names why when the runtime refuses it). About 1.2×
   * the mini-batch training speed (the products 1.2–1.3×: see README, Speed). The price: the
   * results agree with the default kernels and the JavaScript backend within 1e-12 relative
   * rather than in every bit, and they depend on the machine — the same arithmetic as the
   * default where the processor has no FMA, fused where it has. Default false. The per-sample
   * passes, and the JavaScript backend (JavaScript has no fused multiply-add), are unchanged.
   */
  readonly fusedMultiplyAdd?: boolean;
}

const RECTIFIERS = new Set(['relu', 'leakyRelu', 'elu']);

function defaultInitializer(layer: Layer): Initializer {
  return RECTIFIERS.has(layer.activation.name) ? he() : xavier();
}

/**
 * A feed-forward network. All parameters live in one `Float64Array` ({@link parameters}) and
 * all gradients in another ({@link gradients}); each layer's weights and biases are views into
 * them. The network holds no per-pass state: a {@link Trace} does, so several passes (or
 * subscriptions) can share one network's weights.
 *
 * @example
 * ```ts
 * import { dense, linear, network, tanh } from 'streamprop';
 * const net = network({ inputs: 8, layers: [dense(32, tanh), dense(1, linear)], seed: 7 });
 * console.log(net.parameters.length); // 8·32 + 32 + 32·1 + 1 = 321
 * console.log(Array.from(net.predict([1, 2, 3, 4, 5, 6, 7, 8])));
 * ```
 */
export class Network {
  /** The number of inputs. */
  readonly inputs: number;
  /** The number of outputs (units of the last layer). */
  readonly outputs: number;
  readonly layers: readonly Layer[];
  /** Every weight and bias, layer by layer (each layer's weights row by row, then its biases). */
  readonly parameters: Float64Array;
  /**
   * A gradient buffer laid out like `parameters` (each layer's `weightGradients` and
   * `biasGradients` are views into it); filled by {@link accumulateGradient}.
   */
  readonly gradients: Float64Array;
  private scratch: Trace | undefined;
  /** @internal Each layer's initialiser, as `network()` chose it; used by {@link reinitialize}. */
  initializers: Initializer[] = [];

  /** The backend the arithmetic runs on (`net.backend.name` is `'js'` or `'wasm'`). */
  readonly backend: Backend;
  /** Whether tanh, sigmoid and exp are the cheaper forms of `fastMath`. */
  readonly fastMath: boolean;
  /** Whether the mini-batch products fuse their multiply-adds (`fusedMultiplyAdd`). */
  readonly fusedMultiplyAdd: boolean;
  /** @internal The backend's memory and passes for this network. */
  readonly kernels: NetworkKernels;

  /** @internal Use {@link network} or `fromJSON`. */
  constructor(
    inputs: number,
    specs: readonly { units: number; activation: Layer['activation'] }[],
    backend: Backend = chooseBackend(specs),
    fastMath = false,
    fusedMultiplyAdd = false,
  ) {
    this.inputs = inputs;
    let size = 0;
    let fanIn = inputs;
    const shapes = specs.map((spec) => {
      const shape = { units: spec.units, fanIn, activation: spec.activation, offset: size };
      size += spec.units * (fanIn + 1);
      fanIn = spec.units;
      return shape;
    });
    this.backend = backend;
    this.fastMath = fastMath;
    this.fusedMultiplyAdd = fusedMultiplyAdd;
    this.kernels = backend.bind({ inputs, layers: shapes, size, fastMath, fusedMultiplyAdd });
    this.parameters = this.kernels.parameters;
    this.gradients = this.kernels.gradients;
    this.layers = shapes.map(
      (shape) =>
        new Layer(
          shape.units,
          shape.fanIn,
          shape.activation,
          this.parameters,
          this.gradients,
          shape.offset,
        ),
    );
    this.kernels.adopt([
      this,
      ...this.layers.flatMap((l) => [l.weights, l.biases, l.weightGradients, l.biasGradients]),
    ]);
    this.outputs = fanIn;
  }

  /** Allocates the working memory for passes through this network. */
  createTrace(): Trace {
    return this.kernels.createTrace();
  }

  /**
   * The forward pass `z(k) = W(k)·n(k-1) + b(k)`, `n(k) = f_k(z(k))` on `trace.input`.
   * Allocates nothing.
   *
   * @returns `trace.output`, valid until the next pass on this trace.
   */
  forward(trace: Trace): Float64Array {
    this.kernels.forward(trace);
    return trace.output;
  }

  /**
   * The backward pass after {@link forward} on the same trace: the error terms
   * `δ(L) = ∂L/∂z(L)` and `δ(k) = f'_k(z(k)) ⊙ (W(k+1)ᵀ·δ(k+1))` into `trace.delta`, reading
   * the target from `trace.target`. They define the whole gradient —
   * `∂L/∂W(k) = δ(k)·n(k-1)ᵀ`, `∂L/∂b(k) = δ(k)` — which optimizers apply straight from them
   * (the built-in optimizers' internal fast path, `FUSED_STEP`) without writing it out;
   * {@link accumulateGradient} writes it out (what `update` hands an optimizer of yours).
   * Allocates nothing.
   */
  backward(trace: Trace, loss: Loss): void {
    this.kernels.backward(trace, loss);
  }

  /**
   * Adds `scale` times the gradient of the last {@link backward} on `trace` —
   * `∂L/∂W(k) = δ(k)·n(k-1)ᵀ`, `∂L/∂b(k) = δ(k)` — into `into` (by default
   * {@link gradients}), laid out like {@link parameters}. Zero `into` first to get the
   * gradient itself. Allocates nothing.
   *
   * @example
   * ```ts
   * import { dense, mse, network, sigmoid } from 'streamprop';
   * const net = network({ inputs: 2, layers: [dense(1, sigmoid)], seed: 1 });
   * const trace = net.createTrace();
   * trace.input.set([1, 2]);
   * trace.target.set([1]);
   * net.forward(trace);
   * net.backward(trace, mse());
   * net.gradients.fill(0);
   * net.accumulateGradient(trace);
   * console.log(Array.from(net.layers[0].weightGradients));
   * ```
   */
  accumulateGradient(trace: Trace, into: Float64Array = this.gradients, scale = 1): void {
    if (into.length !== this.parameters.length) {
      throw new RangeError(
        `accumulateGradient: into has length ${into.length}, expected ${this.parameters.length}`,
      );
    }
    this.kernels.accumulateGradient(trace, into, scale);
  }

  /**
   * The Euclidean norm of the gradient of the last {@link backward} on `trace`, computed from
   * the error terms without writing the gradient out: `‖∂L/∂W(k)‖² = ‖δ(k)‖²·‖n(k-1)‖²` and
   * `‖∂L/∂b(k)‖² = ‖δ(k)‖²`. NaN or Infinity when the pass overflowed.
   */
  gradientNorm(trace: Trace): number {
    return this.kernels.gradientNorm(trace);
  }

  /** Multiplies the gradient of the last {@link backward} on `trace` by `factor` (it scales the error terms). */
  scaleGradient(trace: Trace, factor: number): void {
    this.kernels.scaleGradient(trace, factor);
  }

  /** The input of layer `k` in `trace`: the network input for k = 0, else `trace.y[k - 1]`. */
  layerInput(trace: Trace, k: number): Float64Array {
    return trace.layerInputs[k];
  }

  /**
   * Predicts one input outside any stream (a convenience; the operators use traces).
   *
   * @returns a new array of `outputs` values.
   * @throws RangeError when `x` has the wrong length or a non-finite value.
   */
  predict(x: ArrayLike<number>): Float64Array {
    if (x.length !== this.inputs) {
      throw new RangeError(`predict: x has length ${x.length}, expected ${this.inputs}`);
    }
    this.scratch ??= this.createTrace();
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) {
        throw new RangeError(`predict: x[${i}] must be a finite number, got ${String(x[i])}`);
      }
      this.scratch.input[i] = x[i];
    }
    return this.forward(this.scratch).slice();
  }

  /**
   * Draws fresh weights (with each layer's initialiser) and zero biases from `random`: the
   * network forgets everything it learned, as after a drift it cannot follow.
   */
  reinitialize(random: Rng): void {
    this.layers.forEach((layer, k) => {
      const chosen = this.initializers[k] ?? defaultInitializer(layer);
      chosen.init(layer.weights, layer.fanIn, layer.units, random);
      layer.biases.fill(0);
    });
  }

  /** Layer sizes and activations, such as `8-32(tanh)-1(linear)`. */
  describe(): string {
    return [
      String(this.inputs),
      ...this.layers.map((l) => `${l.units}(${l.activation.name})`),
    ].join('-');
  }
}

/**
 * Builds a network and draws its weights from a seeded generator: the same options give the
 * same weights, bit for bit. Biases start at zero.
 *
 * @throws RangeError or TypeError naming the option that is wrong.
 *
 * @example
 * ```ts
 * import { dense, linear, network, tanh } from 'streamprop';
 * const net = network({ inputs: 8, layers: [dense(32, tanh), dense(1, linear)], seed: 7 });
 * ```
 */
export function network(options: NetworkOptions): Network {
  const {
    inputs,
    layers,
    init,
    seed = 1,
    random,
    backend,
    fastMath = false,
    fusedMultiplyAdd = false,
  } = checkObject<NetworkOptions>(
    'network',
    'options',
    options,
    'an object { inputs, layers, init?, seed?, random?, backend?, fastMath?, fusedMultiplyAdd? }',
  );
  checkPositiveInteger('network', 'inputs', inputs);
  if (!Array.isArray(layers) || layers.length === 0) {
    throw argumentError(
      'network',
      'layers',
      'a non-empty array of dense(units, activation)',
      layers,
    );
  }
  const specs = layers.map((spec: DenseSpec, k) => {
    const where = `layers[${k}]`;
    checkObject('network', where, spec, 'a layer made with dense(units, activation)');
    checkPositiveInteger('network', `${where}.units`, spec.units);
    checkActivation('network', spec.activation, `${where}.activation`);
    if (spec.init !== undefined) checkInitializer('network', spec.init, `${where}.init`);
    return spec;
  });
  if (init !== undefined) checkInitializer('network', init, 'init');
  if (random !== undefined) {
    checkObject('network', 'random', random, 'a generator made with rng(seed)');
    checkMethods('network', 'random', random, ['next', 'normal']);
  } else {
    checkInteger('network', 'seed', seed);
  }
  if (backend !== undefined) checkBackend('network', backend);
  const chosen = backend ?? chooseBackend(specs);
  const net = new Network(
    inputs,
    specs,
    chosen,
    checkBoolean('network', 'fastMath', fastMath),
    checkBoolean('network', 'fusedMultiplyAdd', fusedMultiplyAdd),
  );
  const generator = random ?? rng(seed);
  net.initializers = net.layers.map(
    (layer, k) => specs[k].init ?? init ?? defaultInitializer(layer),
  );
  net.reinitialize(generator);
  return net;
}

/**
 * The backend of a network whose options name none: WebAssembly where it runs, unless a layer has
 * an activation a user wrote (which only the JavaScript backend runs).
 */
function chooseBackend(specs: readonly { activation: Layer['activation'] }[]): Backend {
  const builtIn = specs.every((spec) => BUILT_IN_ACTIVATIONS.has(spec.activation));
  return builtIn ? defaultBackend() : jsBackend();
}

/** Throws a TypeError naming `owner` unless `net` is a {@link Network}. */
export function checkNetwork(owner: string, net: unknown, name = 'net'): asserts net is Network {
  checkInstance(owner, name, net, Network, 'a network made with network({ … })');
}
