import { z } from 'zod';
import { flatStep } from '../backends/flatStep.js';
import type { JsKernels } from '../backends/jsKernels.js';
import { inKernelMemory, kernelStateBuffer, type WasmKernels } from '../backends/wasmKernels.js';
import { checkNonNegativeNumber } from '../checks/argumentChecks.js';
import { parseDocument } from '../checks/parseDocument.js';
import { savedNameSchema, savedSettingsSchema } from '../checks/savedSettings.js';
import { SchemaCache } from '../checks/schemaCache.js';
import type { Loss } from '../core/losses.js';
import type { Network } from '../core/network.js';
import type { Trace } from '../core/trace.js';
import { FUSED_LEARN, FUSED_STEP, type FusedStepOptimizer } from './fusedStep.js';
import type { OptimizerState } from './optimizer.js';

/**
 * @internal The shared bookkeeping of the built-in optimizers: the learning rate, the step
 * count and named state buffers allocated once, on the first step, to the parameters' length.
 * Subclasses implement {@link BufferedOptimizer.kernel}, which serves both the public
 * `step(parameters, gradients)` and the internal fast path (see `FUSED_STEP`); `sgd()` is the
 * smallest example.
 */
export abstract class BufferedOptimizer implements FusedStepOptimizer {
  readonly name: string;
  /** The settings other than the learning rate, as `state()` saves them. */
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
    name: string,
    learningRate: number,
    hyperParameters: Record<string, number>,
    bufferNames: readonly string[],
  ) {
    this.name = name;
    this.rate = checkNonNegativeNumber(name, 'learningRate', learningRate);
    this.hyperParameters = Object.freeze({ ...hyperParameters });
    this.bufferNames = bufferNames;
  }

  get learningRate(): number {
    return this.rate;
  }

  set learningRate(value: number) {
    this.rate = checkNonNegativeNumber(this.name, 'learningRate', value);
  }

  /** The number of steps taken since creation or the last {@link reset}. */
  get steps(): number {
    return this.count;
  }

  /**
   * @internal Goes on from a learning rate and step count of its own (byKey's slab learner swaps
   * each key's in before its sample); `rate` is one this optimizer had.
   */
  resume(rate: number, steps: number): void {
    this.rate = rate;
    this.count = steps;
  }

  /**
   * @internal byKey's slabs on the JavaScript backend: the state buffers to step with — a key's,
   * where they are in its slot, or back the ones {@link stateFor} gave — laid out as
   * `stateFor` gave them.
   */
  useBuffers(buffers: Float64Array[]): void {
    this.buffers = buffers;
  }

  /**
   * @internal A new optimizer of the same rule, settings and learning rate, with no state
   * (byKey's slab learner steps every key with one, per subscription).
   */
  cloneSettings(): BufferedOptimizer {
    // Through the rule's own constructor (its options are the hyper-parameters' names), so the
    // copy has the same hidden class as every other optimizer of the rule: the kernels stay
    // monomorphic.
    const Rule = this.constructor as new (options: Record<string, number>) => BufferedOptimizer;
    return new Rule({ ...this.hyperParameters, learningRate: this.rate });
  }

  /**
   * @internal The state buffers, sized for `net` and where its kernels read them, before any
   * step (byKey's slab learner copies each key's state in and out of them).
   */
  stateFor(net: Network): readonly Float64Array[] {
    if (this.size !== net.parameters.length) this.sizeBuffers(net.parameters.length);
    if (this.inKernels !== net.kernels.wasm) this.home(net.kernels.wasm);
    return this.buffers;
  }

  step(params: Float64Array, grads: Float64Array): void {
    if (grads.length !== params.length) {
      throw new RangeError(
        `${this.name}: gradients have length ${grads.length}, parameters ${params.length}`,
      );
    }
    // Arrays of the WebAssembly kernels' memory are stepped by the rule's kernel there.
    const kernels = inKernelMemory(params) && inKernelMemory(grads);
    const t = this.begin(params.length, kernels);
    if (kernels) {
      this.hyper(t, HYPER);
      flatStep(this.code, HYPER, this.buffers, params, grads);
      return;
    }
    this.kernel(params, 0, 0, grads, NO_INPUT, t);
  }

  /**
   * The fast path (see `FUSED_STEP`): the kernel applied layer by layer to the error terms — the
   * WebAssembly kernel for a network on that backend.
   */
  [FUSED_STEP](net: Network, trace: Trace): void {
    const kernels = net.kernels;
    // The parameters the passes ran on: the network's own, or a key's slot in byKey's slabs.
    const params = kernels.wasm ? net.parameters : (kernels as JsKernels).inUse;
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

  /** The one-call learning of the WebAssembly backend (see `FUSED_LEARN`). */
  [FUSED_LEARN](
    kernels: WasmKernels,
    trace: Trace,
    loss: Loss,
    limit: number,
    norm: Float64Array,
  ): void {
    // The step is counted only when it is taken (Adam's hyper-parameters depend on its number).
    if (this.size !== kernels.parameters.length) this.sizeBuffers(kernels.parameters.length);
    if (!this.inKernels) this.home(true);
    const t = this.count + 1;
    this.hyper(t, HYPER);
    kernels.learn(trace, loss, limit, this.code, HYPER, this.buffers, norm);
    if (norm[0] <= limit) this.count = t;
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
   * step number; the rate is `this.rate`.
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

  /**
   * @internal The state buffers by name, as they are — views, not copies (none before the first
   * step) — for a reader that turns them into something else at once: a fleet's checkpoint
   * encodes them without the array of numbers `state()` makes of each.
   */
  bufferViews(): Readonly<Record<string, Float64Array>> {
    const views: Record<string, Float64Array> = {};
    this.bufferNames.forEach((n, i) => {
      views[n] = this.buffers[i] ?? new Float64Array(0);
    });
    return views;
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

  /**
   * @internal The schema of this optimizer's saved state: its name, the hyper-parameters it was
   * made with (a state saved with others is refused, naming the one that differs), its buffers
   * by name, all of one length — `parameters` (or 0, before the first step) when given.
   */
  stateSchema(parameters?: number) {
    const key = `${this.name}|${JSON.stringify(this.hyperParameters)}|${this.bufferNames}|${parameters}`;
    return STATE_SCHEMAS.get(key, () => this.makeStateSchema(parameters));
  }

  private makeStateSchema(parameters: number | undefined) {
    const buffers: Record<string, z.ZodArray<z.ZodNumber>> = {};
    for (const name of this.bufferNames) buffers[name] = z.array(z.number());
    return z
      .object({
        name: savedNameSchema(this.name),
        learningRate: z.number().nonnegative(),
        hyperParameters: savedSettingsSchema(this.hyperParameters, 'optimizer'),
        steps: z.number().int().nonnegative(),
        buffers: z.object(buffers),
      })
      .superRefine((state, ctx) => {
        const expected = parameters ?? state.buffers[this.bufferNames[0]]?.length ?? 0;
        for (const name of this.bufferNames) {
          const length = state.buffers[name].length;
          if (length !== expected && length !== 0) {
            ctx.addIssue({
              code: 'custom',
              path: ['buffers', name],
              message: `has ${length} values, expected ${expected}${parameters === undefined ? ' (as long as the other buffers)' : ' (one per parameter)'}`,
            });
          }
        }
        const lengths = new Set(this.bufferNames.map((name) => state.buffers[name].length));
        if (lengths.size > 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['buffers'],
            message: 'its buffers differ in length',
          });
        }
      });
  }

  restore(state: OptimizerState): void {
    this.load(parseDocument(`${this.name}.restore`, this.stateSchema(), state));
  }

  /** @internal Restores a state already read with {@link stateSchema}. */
  load(saved: {
    readonly learningRate: number;
    readonly steps: number;
    readonly buffers: Readonly<Record<string, readonly number[]>>;
  }): void {
    const arrays = this.bufferNames.map((name) => saved.buffers[name]);
    const length = arrays.length > 0 ? arrays[0].length : 0;
    this.learningRate = saved.learningRate;
    this.count = saved.steps;
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

/**
 * The schemas of the built-in optimizers' states, by optimizer, hyper-parameters and number of
 * parameters: made once, as `fromJSON` and the checkpoints make a new optimizer at every load.
 */
const STATE_SCHEMAS = new SchemaCache<ReturnType<BufferedOptimizer['makeStateSchema']>>();

/** The input of a flat gradient: no weights, every value is a "bias". */
const NO_INPUT = new Float64Array(0);

/** h0…h5 of the WebAssembly kernels, filled before each step (one step at a time per thread). */
const HYPER = new Float64Array(6);
