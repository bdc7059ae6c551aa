import { describeValue } from '../checks/describeValue.js';
import { minMax } from './minMax.js';
import { RunningStats, type RunningStatsState, statsStateProblem } from './runningStats.js';
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
    const problem = scalerStateProblem(state, this.method, this.targets, this.inputs, this.outputs);
    if (problem !== undefined) throw new RangeError(`RunningScaler.restore: ${problem}`);
    restoreStats(state.inputStats, this.inStats, (n) => this.inputStatsFor(n));
    restoreStats(state.targetStats, this.outStats, (n) => this.targetStatsFor(n));
  }
}

function restoreStats(
  saved: RunningStatsState | undefined,
  current: RunningStats | undefined,
  make: (dimensions: number) => RunningStats,
): void {
  if (saved === undefined) current?.reset();
  else make(saved.mean.length).restore(saved);
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

/** @internal Checks `options` (naming `operator` in errors) and makes the scaler. */
export function makeScaler(operator: string, options: RunningScalerOptions): RunningScaler {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `${operator}: options must be an object { method?, targets?, inputs?, outputs? }, got ${describeValue(options)}`,
    );
  }
  const method = options.method ?? zScore();
  const m = method as Partial<ScalingMethod> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    (m.name !== 'zScore' && m.name !== 'minMax') ||
    typeof m.fit !== 'function'
  ) {
    throw new TypeError(
      `${operator}: method must be a scaling method such as zScore() or minMax([0, 1]), got ${describeValue(method)}`,
    );
  }
  const targets = options.targets ?? false;
  if (typeof targets !== 'boolean') {
    throw new TypeError(
      `${operator}: targets must be true or false, got ${describeValue(targets)}`,
    );
  }
  const size = (name: 'inputs' | 'outputs'): number | undefined => {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new RangeError(
        `${operator}: ${name} must be a positive integer, got ${describeValue(value)}`,
      );
    }
    return value;
  };
  return new RunningScaler(method, targets, size('inputs'), size('outputs'));
}

/**
 * @internal The scaling method a saved state names (the model file maps names to values here).
 */
export function methodOf(state: ScalingMethodState): ScalingMethod {
  return state.name === 'minMax' ? minMax([state.range[0], state.range[1]]) : zScore();
}

/**
 * @internal What is wrong with `state` for a scaler of `method` and `targets` whose numbers of
 * inputs and outputs are `inputs`, `outputs` (`undefined`: any), starting with the field's name;
 * `undefined` when it fits.
 */
export function scalerStateProblem(
  state: RunningScalerState,
  method: ScalingMethod,
  targets: boolean,
  inputs: number | undefined,
  outputs: number | undefined,
): string | undefined {
  if (state === null || typeof state !== 'object') {
    return `the state must be an object, got ${describeValue(state)}`;
  }
  const saved = state.method as Partial<{ name: string; range: readonly number[] }> | undefined;
  if (saved === null || typeof saved !== 'object' || saved.name !== method.name) {
    return `method is ${describeValue(saved?.name)}, expected "${method.name}" (this scaler's)`;
  }
  if (method.range !== undefined) {
    const range = saved.range;
    if (!Array.isArray(range) || range[0] !== method.range[0] || range[1] !== method.range[1]) {
      return `method.range is ${JSON.stringify(range)}, expected ${JSON.stringify(method.range)} (this scaler's)`;
    }
  }
  if (state.targets !== targets) {
    return `targets is ${describeValue(state.targets)}, expected ${targets} (this scaler's)`;
  }
  if (!targets && state.targetStats !== undefined) {
    return 'targetStats must be absent when targets is false';
  }
  const stats = [
    ['inputStats', state.inputStats, inputs],
    ['targetStats', state.targetStats, outputs],
  ] as const;
  for (const [field, value, expected] of stats) {
    if (value === undefined) continue;
    const mean = (value as Partial<RunningStatsState> | null)?.mean;
    const dimensions = Array.isArray(mean) ? mean.length : 0;
    if (dimensions < 1) return `${field}.mean must be a non-empty array of numbers`;
    if (expected !== undefined && dimensions !== expected) {
      return `${field} has ${dimensions} dimensions, expected ${expected}`;
    }
    const problem = statsStateProblem(value, dimensions);
    if (problem !== undefined) return `${field}.${problem}`;
  }
  return undefined;
}
