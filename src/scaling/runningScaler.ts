import { z } from 'zod';
import {
  checkBoolean,
  checkFunction,
  checkObject,
  checkOneOf,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import { parseDocument } from '../checks/parseDocument.js';
import { SchemaCache } from '../checks/schemaCache.js';
import { minMax } from './minMax.js';
import {
  RunningStats,
  type RunningStatsState,
  runningStatsStateSchema,
  statsIssues,
} from './runningStats.js';
import type { ScalingMethod } from './scalingMethod.js';
import { zScore } from './zScore.js';

/** Options of {@link runningScaler} (and of `normalize`, which makes one per subscription). */
export interface RunningScalerOptions {
  /** How to scale: `zScore()` (the default) or `minMax(range)`. */
  readonly method?: ScalingMethod;
  /**
   * Whether to scale the targets too (default false). Predictions are then in scaled units, and
   * `forward` turns them back into real ones in `step.output` and `step.actual`.
   */
  readonly targets?: boolean;
  /**
   * The number of inputs, checked against every sample. Default: the length of the `x` of the
   * first valid sample. Give it (`net.inputs`) on a feed whose very first sample may be
   * malformed, so that a wrong first length cannot become the expected one.
   */
  readonly inputs?: number;
  /**
   * The number of targets (`net.outputs`), checked against every `y`. Default: the length of
   * the first valid `y`.
   */
  readonly outputs?: number;
}

/** The name and parameters of a scaling method, as the model file stores them. */
export type ScalingMethodState =
  | { readonly name: 'zScore' }
  | { readonly name: 'minMax'; readonly range: readonly [number, number] };

/**
 * The saved state of a {@link RunningScaler}, as plain JSON values: what the model file's
 * optional `scaler` field holds.
 *
 * @example
 * ```ts
 * import { runningScaler } from 'streamprop';
 * const saved = JSON.stringify(runningScaler({ targets: true, inputs: 2, outputs: 1 }).state());
 * // {"method":{"name":"zScore"},"targets":true,"inputStats":{"count":0,…},"targetStats":{…}}
 * ```
 */
export interface RunningScalerState {
  readonly method: ScalingMethodState;
  /** Whether the targets are scaled. */
  readonly targets: boolean;
  /** The statistics of the inputs; absent while their number is unknown. */
  readonly inputStats?: RunningStatsState;
  /** The statistics of the targets; absent without `targets` or while their number is unknown. */
  readonly targetStats?: RunningStatsState;
}

/**
 * The state of online normalisation: a scaling method and the running statistics of the
 * inputs (and of the targets with `targets: true`), which `normalize({ scaler })` learns from
 * and scales with. Make one when you want to reach that state — to save it with the model
 * (`toJSON(net, { optimizer, scaler })`), to reset it, or to look at it; `normalize()` without
 * a scaler makes a private one per subscription.
 *
 * A scaler passed to several subscriptions (or several `normalize` operators) is **shared**: they
 * all learn from and scale with the same statistics, in the order their samples arrive. Pass one
 * scaler to exactly one running pipeline unless that is what you want.
 *
 * @example
 * ```ts
 * import { adam, dense, fromJSON, linear, mse, network, normalize, runningScaler, tanh, toJSON, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
 * const optimizer = adam();
 * const scaler = runningScaler({ targets: true, inputs: 1, outputs: 1 });
 * from([{ x: [1000], y: 5000 }, { x: [2000], y: 7000 }, { x: [1500], y: 6000 }])
 *   .pipe(normalize({ scaler }), train(net, { loss: mse(), optimizer }))
 *   .subscribe((step) => console.log(step.output[0], step.actual?.[0])); // real units
 * const saved = JSON.stringify(toJSON(net, { optimizer, scaler }));
 * console.log(scaler.inputStats?.mean[0], fromJSON(saved).scaler?.inputStats?.count); // 1500 3
 * ```
 */
export class RunningScaler {
  /** How values are scaled. */
  readonly method: ScalingMethod;
  /** Whether the targets are scaled. */
  readonly targets: boolean;
  private inStats: RunningStats | undefined;
  private outStats: RunningStats | undefined;
  /** Without `targets`: the length every `y` must have, once known. */
  private targetLength: number | undefined;

  /** @internal Use {@link runningScaler}. */
  constructor(method: ScalingMethod, targets: boolean, inputs?: number, outputs?: number) {
    this.method = method;
    this.targets = targets;
    this.inStats = inputs === undefined ? undefined : new RunningStats(inputs);
    this.outStats = outputs === undefined || !targets ? undefined : new RunningStats(outputs);
    this.targetLength = outputs;
  }

  /** The number of inputs: given, or learned from the first valid sample; `undefined` before. */
  get inputs(): number | undefined {
    return this.inStats?.dimensions;
  }

  /** The number of targets, like {@link inputs} (with or without `targets`). */
  get outputs(): number | undefined {
    return this.outStats?.dimensions ?? this.targetLength;
  }

  /** The running statistics of the inputs (read only), `undefined` while their number is unknown. */
  get inputStats(): RunningStats | undefined {
    return this.inStats;
  }

  /** The running statistics of the targets (read only), `undefined` without `targets`. */
  get targetStats(): RunningStats | undefined {
    return this.outStats;
  }

  /** @internal The input statistics, made for `inputs` dimensions on first use. */
  inputStatsFor(inputs: number): RunningStats {
    this.inStats ??= new RunningStats(inputs);
    return this.inStats;
  }

  /** @internal The target statistics, made for `outputs` dimensions on first use. */
  targetStatsFor(outputs: number): RunningStats {
    this.outStats ??= new RunningStats(outputs);
    return this.outStats;
  }

  /** @internal Without `targets`: records the length of the first valid `y`. */
  noteTargetLength(outputs: number): void {
    this.targetLength ??= outputs;
  }

  /**
   * Forgets every value seen (all counts back to 0), keeping the method and the numbers of
   * inputs and targets — for instance after a drift that made the old statistics wrong.
   */
  reset(): void {
    this.inStats?.reset();
    this.outStats?.reset();
  }

  /** A JSON-ready copy of the method and the statistics. */
  state(): RunningScalerState {
    const method: ScalingMethodState =
      this.method.name === 'minMax'
        ? { name: 'minMax', range: [...(this.method.range as readonly [number, number])] }
        : { name: 'zScore' };
    const state: {
      method: ScalingMethodState;
      targets: boolean;
      inputStats?: RunningStatsState;
      targetStats?: RunningStatsState;
    } = { method, targets: this.targets };
    if (this.inStats) state.inputStats = this.inStats.state();
    if (this.outStats) state.targetStats = this.outStats.state();
    return state;
  }

  /**
   * Restores what {@link state} returned (by this scaler or another one with the same method
   * and `targets`). Checks everything first, so a wrong state changes nothing; a state without
   * statistics empties the statistics.
   *
   * @throws RangeError naming the field for a state of another method, another `targets`, other
   * numbers of inputs or targets than this scaler's, or malformed statistics.
   */
  restore(state: RunningScalerState): void {
    this.load(parseDocument('RunningScaler.restore', scalerStateSchema(this), state));
  }

  /** @internal Restores a state already read with `scalerStateSchema(this)`. */
  load(saved: RunningScalerState): void {
    loadStats(saved.inputStats, this.inStats, (n) => this.inputStatsFor(n));
    loadStats(saved.targetStats, this.outStats, (n) => this.targetStatsFor(n));
  }
}

function loadStats(
  saved: RunningStatsState | undefined,
  current: RunningStats | undefined,
  make: (dimensions: number) => RunningStats,
): void {
  if (saved === undefined) current?.reset();
  else make(saved.mean.length).load(saved);
}

/**
 * Creates a scaler: the running statistics and method that {@link normalize} scales with, kept
 * where you can save (`toJSON(net, { scaler })`), restore, reset or read them.
 *
 * @throws TypeError or RangeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { minMax, normalize, runningScaler } from 'streamprop';
 * import { from } from 'rxjs';
 * const scaler = runningScaler({ method: minMax([-1, 1]), inputs: 2 });
 * from([{ x: [0, 100] }, { x: [10, 300] }, { x: [5, 200] }])
 *   .pipe(normalize({ scaler }))
 *   .subscribe((s) => console.log(Array.from(s.x))); // [0, 0], [1, 1], [0, 0]
 * console.log(scaler.inputStats?.min, scaler.inputStats?.max); // [0, 100], [10, 300]
 * ```
 */
export function runningScaler(options: RunningScalerOptions = {}): RunningScaler {
  return makeScaler('runningScaler', options);
}

/** @internal Checks `options` (naming `owner` in errors) and makes the scaler. */
export function makeScaler(owner: string, options: RunningScalerOptions): RunningScaler {
  const o = checkOptions<RunningScalerOptions>(owner, options);
  const method = o.method ?? zScore();
  const m = checkObject<Partial<ScalingMethod>>(
    owner,
    'method',
    method,
    'a scaling method such as zScore() or minMax([0, 1])',
  );
  checkOneOf(owner, 'method.name', m.name, ['zScore', 'minMax']);
  checkFunction(owner, 'method.fit', m.fit);
  const targets = checkBoolean(owner, 'targets', o.targets ?? false);
  const size = (name: 'inputs' | 'outputs'): number | undefined =>
    o[name] === undefined ? undefined : checkPositiveInteger(owner, name, o[name]);
  return new RunningScaler(method, targets, size('inputs'), size('outputs'));
}

/**
 * @internal The scaling method a saved state names (the model file maps names to values here).
 */
export function methodOf(state: ScalingMethodState): ScalingMethod {
  return state.name === 'minMax' ? minMax([state.range[0], state.range[1]]) : zScore();
}

/** The schema of a scaling method's saved state: `zScore`, or `minMax` with its range. */
const methodStateSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('zScore') }),
  z.object({
    name: z.literal('minMax'),
    range: z.tuple([z.number(), z.number()]).refine(([a, b]) => a < b, 'must be [a, b] with a < b'),
  }),
]);

/**
 * @internal The schema of a {@link RunningScaler}'s saved state: a method, `targets`, and the
 * statistics of the inputs and of the targets (none of the targets without `targets`). With a
 * `scaler`, the statistics must be of its numbers of inputs and targets (or of their own mean's
 * length while it knows none), and the state must fit it: the same method and `targets`, and statistics of its numbers
 * of inputs and targets where it knows them — each mismatch named, such as
 * `targets: is false, this scaler's is true`.
 */
export function scalerStateSchema(
  scaler?: Pick<RunningScaler, 'method' | 'targets' | 'inputs' | 'outputs'>,
) {
  const key =
    scaler === undefined
      ? ''
      : `${scaler.method.name}|${scaler.method.range}|${scaler.targets}|${scaler.inputs}|${scaler.outputs}`;
  return scalerSchemas.get(key, () => makeScalerSchema(scaler));
}

const scalerSchemas = new SchemaCache<ReturnType<typeof makeScalerSchema>>();

function makeScalerSchema(
  scaler: Pick<RunningScaler, 'method' | 'targets' | 'inputs' | 'outputs'> | undefined,
) {
  const fixed =
    scaler === undefined
      ? undefined
      : {
          method: scaler.method,
          targets: scaler.targets,
          inputs: scaler.inputs,
          outputs: scaler.outputs,
        };
  return z
    .object({
      method: methodStateSchema,
      targets: z.boolean(),
      inputStats: runningStatsStateSchema().optional(),
      targetStats: runningStatsStateSchema().optional(),
    })
    .superRefine((state, ctx) => {
      const issue = (path: (string | number)[], message: string): void => {
        ctx.addIssue({ code: 'custom', path, message });
      };
      if (!state.targets && state.targetStats !== undefined) {
        issue(['targetStats'], 'must be absent when targets is false');
      }
      const stats = [
        ['inputStats', state.inputStats, fixed?.inputs, 'input'],
        ['targetStats', state.targetStats, fixed?.outputs, 'target'],
      ] as const;
      for (const [field, saved, dimensions, what] of stats) {
        // without a scaler (in a model file), whoever knows the dimensions checks the lengths
        if (saved === undefined || fixed === undefined) continue;
        const n = dimensions ?? saved.mean.length;
        for (const i of statsIssues(saved, n, `one per ${what} of this scaler`, [field])) {
          ctx.addIssue(i);
        }
      }
      if (fixed === undefined) return;
      const { method, targets } = fixed;
      const range = method.range;
      if (state.method.name !== method.name) {
        issue(['method', 'name'], `is "${state.method.name}", this scaler's is "${method.name}"`);
      } else if (
        state.method.name === 'minMax' &&
        (state.method.range[0] !== range?.[0] || state.method.range[1] !== range?.[1])
      ) {
        const saved = JSON.stringify(state.method.range);
        issue(['method', 'range'], `is ${saved}, this scaler's is ${JSON.stringify(range)}`);
      }
      if (state.targets !== targets) {
        issue(['targets'], `is ${state.targets}, this scaler's is ${targets}`);
      }
    });
}
