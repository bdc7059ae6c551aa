import { argumentError } from '../checks/argumentChecks.js';
import { JsKernels } from './jsKernels.js';
import { kernelsMissing, kernelsStale } from './kernelHeap.js';
import type { NetworkKernels, NetworkShape } from './networkKernels.js';
import { WasmKernels } from './wasmKernels.js';

/**
 * Where a network's arithmetic runs: a value made by {@link jsBackend} or {@link wasmBackend},
 * given to `network({ backend })`. Both compute the same passes: outputs and gradients agree to
 * within 1e-12 relative (the JavaScript backend is the reference), optimizer steps are the same
 * arithmetic element by element. By default `network()` takes the WebAssembly backend where the
 * runtime has WebAssembly SIMD and shared memory (Node ≥ 20 has both) and the JavaScript one
 * elsewhere; `net.backend.name` says which.
 *
 * @example
 * ```ts
 * import { dense, jsBackend, linear, network, tanh } from 'streamprop';
 * const net = network({ inputs: 4, layers: [dense(8, tanh), dense(1, linear)], backend: jsBackend() });
 * console.log(net.backend.name); // 'js'
 * ```
 */
export interface Backend {
  /** `'js'` or `'wasm'`, as `net.backend.name` reports it. */
  readonly name: 'js' | 'wasm';
  /** @internal Why this backend cannot run here, or undefined when it can. */
  readonly unavailable: string | undefined;
  /** @internal The memory and passes of one network on this backend. */
  bind(shape: NetworkShape): NetworkKernels;
}

const JS: Backend = {
  name: 'js',
  unavailable: undefined,
  bind: (shape) => new JsKernels(shape),
};

const WASM: Backend = {
  name: 'wasm',
  get unavailable() {
    return kernelsMissing();
  },
  bind: (shape) => new WasmKernels(shape),
};

/**
 * The JavaScript backend: plain loops over `Float64Array`s, the reference the WebAssembly
 * kernels are tested against, and the fallback where WebAssembly is not available. It runs
 * activations a user wrote (the WebAssembly backend runs the built-in ones only).
 *
 * @example
 * ```ts
 * import { dense, jsBackend, network, sigmoid } from 'streamprop';
 * const net = network({ inputs: 2, layers: [dense(1, sigmoid)], backend: jsBackend() });
 * ```
 */
export function jsBackend(): Backend {
  return JS;
}

/**
 * The WebAssembly backend: the passes and every built-in optimizer's update compiled from
 * AssemblyScript (`assembly/`) with 128-bit SIMD, two float64 values per instruction. The
 * parameters, gradients, traces and optimizer state live in the kernels' memory — one shared
 * WebAssembly memory per thread, which grows as networks are made without ever detaching the
 * arrays that view it (`net.parameters`, `net.layers[k].weights`, a trace's vectors are such
 * views; their `.buffer` is the whole memory). A block is reused once every array viewing it
 * has been garbage-collected: keep the network (or the array it gave you) while you use an
 * array you derived from one, such as `net.parameters.subarray(…)`.
 *
 * `network({ backend: wasmBackend() })` throws where the runtime cannot run it, naming why;
 * leave `backend` out to get it where it can run and the JavaScript backend elsewhere.
 *
 * @example
 * ```ts
 * import { dense, linear, network, tanh, wasmBackend } from 'streamprop';
 * const net = network({ inputs: 32, layers: [dense(128, tanh), dense(4, linear)], backend: wasmBackend() });
 * console.log(net.backend.name); // 'wasm'
 * ```
 */
export function wasmBackend(): Backend {
  return WASM;
}

/**
 * @internal The backend `network()` takes when none is named: WebAssembly where it runs. Throws
 * when the compiled kernels are there but out of date: a build to redo, not a runtime to fall
 * back from.
 */
export function defaultBackend(): Backend {
  const stale = kernelsStale();
  if (stale !== undefined) throw new Error(`network: ${stale}`);
  return WASM.unavailable === undefined ? WASM : JS;
}

/**
 * @internal Throws unless `backend` is a value of {@link jsBackend} or {@link wasmBackend} that
 * can run here: a TypeError for anything else, an Error naming why for a backend this runtime
 * cannot run.
 */
export function checkBackend(owner: string, backend: unknown): asserts backend is Backend {
  if (backend !== JS && backend !== WASM) {
    throw argumentError(owner, 'backend', 'jsBackend() or wasmBackend()', backend, 'function');
  }
  const reason = (backend as Backend).unavailable;
  if (reason !== undefined) {
    throw new Error(
      `${owner}: the ${(backend as Backend).name} backend cannot run here: ${reason}`,
    );
  }
}
