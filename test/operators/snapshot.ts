// Shared helpers of the operator tests (not a test file itself).
//
// Every training operator emits ONE reused, mutable step object per subscription ("valid until
// the next emission"), so the tests turn each step into a plain snapshot at once, before the
// next sample overwrites it.
import { map, type Observable, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import {
  dense,
  fromJSON,
  type Loss,
  linear,
  type Network,
  network,
  type Prediction,
  type Sample,
  type Step,
  type Trace,
  tanh,
  toJSON,
} from '../../src/index.js';

/** Rounds to `digits` decimals; non-finite values pass through; -0 becomes 0. */
export function round(value: number, digits = 10): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f + 0;
}

export function roundAll(values: ArrayLike<number>, digits = 10): number[] {
  return Array.from(values, (v) => round(v, digits));
}

/** A plain copy of what a step carries (all numbers rounded to `digits` decimals). */
export interface StepSnapshot {
  seq: number;
  prediction: number[];
  target: number[] | undefined;
  loss: number;
  learningRate: number;
  updated: boolean;
}

export function snapshot(step: Step, digits = 10): StepSnapshot {
  return {
    seq: step.seq,
    prediction: roundAll(step.prediction, digits),
    target: step.target === undefined ? undefined : roundAll(step.target, digits),
    loss: round(step.loss, digits),
    learningRate: step.learningRate,
    updated: step.updated,
  };
}

/** The operator form of {@link snapshot}. */
export function snapshots<S extends Sample>(digits = 10): OperatorFunction<Step<S>, StepSnapshot> {
  return map((s: Step<S>) => snapshot(s, digits));
}

/** A snapshot plus the network's parameters right after the step was emitted. */
export interface WeightedSnapshot extends StepSnapshot {
  params: number[];
}

export function withParams<S extends Sample>(
  net: Network,
  digits = 10,
): OperatorFunction<Step<S>, WeightedSnapshot> {
  return map((s: Step<S>) => ({
    ...snapshot(s, digits),
    params: roundAll(net.parameters, digits),
  }));
}

export interface PredictionSnapshot {
  seq: number;
  prediction: number[];
}

export function predictionSnapshots<S extends Sample>(
  digits = 10,
): OperatorFunction<Prediction<S>, PredictionSnapshot> {
  return map((p: Prediction<S>) => ({ seq: p.seq, prediction: roundAll(p.prediction, digits) }));
}

/** A TestScheduler that compares frames with vitest's deep equality. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}

/**
 * The hand-set network of the hand-computed tests: 2 inputs, one linear output,
 * w = [0.5, -0.25], b = 0.1, so prediction = 0.5·x0 - 0.25·x1 + 0.1.
 */
export function linearNet(): Network {
  const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
  net.layers[0].weights.set([0.5, -0.25]);
  net.layers[0].biases.set([0.1]);
  return net;
}

// Three samples for linearNet. With the initial weights (no learning):
//   pA = 0.5·1 - 0.25·2 + 0.1 = 0.1     LA = ½(1 - 0.1)²     = 0.405
//   pB = 0.5·2 - 0.25·(-1) + 0.1 = 1.35 LB = ½(0 - 1.35)²    = 0.91125
//   pC = 0.5·0 - 0.25·1 + 0.1 = -0.15   LC = ½(0.5 + 0.15)²  = 0.21125
// The MSE gradient of a linear unit is (p - y)·[x0, x1, 1]:
//   gA = -0.9·[1, 2, 1] = [-0.9, -1.8, -0.9]
//   gB = 1.35·[2, -1, 1] = [2.7, -1.35, 1.35]
//   gC = -0.65·[0, 1, 1] = [0, -0.65, -0.65]
export const A: Sample = { x: [1, 2], y: 1 };
export const B: Sample = { x: [2, -1], y: 0 };
export const C: Sample = { x: [0, 1], y: 0.5 };

/**
 * Online SGD (η = 0.1) through A, B, C on linearNet, written out:
 *   A: p = 0.1, L = 0.405, err = p - y = -0.9
 *      w0 = 0.5 - 0.1·(-0.9)·1 = 0.59; w1 = -0.25 - 0.1·(-0.9)·2 = -0.07; b = 0.1 + 0.09 = 0.19
 *   B: p = 0.59·2 + (-0.07)(-1) + 0.19 = 1.44, L = ½·1.44² = 1.0368, err = 1.44
 *      w0 = 0.59 - 0.1·1.44·2 = 0.302; w1 = -0.07 + 0.144 = 0.074; b = 0.19 - 0.144 = 0.046
 *   C: p = 0.074 + 0.046 = 0.12, L = ½(0.5 - 0.12)² = 0.0722, err = -0.38
 *      w0 = 0.302; w1 = 0.074 + 0.038 = 0.112; b = 0.046 + 0.038 = 0.084
 */
export const SGD_TRACE = [
  { prediction: 0.1, loss: 0.405, params: [0.59, -0.07, 0.19] },
  { prediction: 1.44, loss: 1.0368, params: [0.302, 0.074, 0.046] },
  { prediction: 0.12, loss: 0.0722, params: [0.302, 0.112, 0.084] },
];

/** A seeded 3-4-2 tanh/linear network. */
export function tanhNet(seed = 3): Network {
  return network({ inputs: 3, layers: [dense(4, tanh), dense(2, linear)], seed });
}

/** Deterministic samples for tanhNet (3 inputs, 2 outputs), without randomness. */
export function tanhSamples(n: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    x: [Math.sin(i), Math.cos(1.7 * i), (i % 5) / 5 - 0.4],
    y: [Math.sin(0.3 * i), 0.5 * Math.cos(0.2 * i)],
  }));
}

/** An independent copy of a network, weight for weight. */
export function copyNet(net: Network): Network {
  return fromJSON(toJSON(net)).network;
}

/**
 * The trace a step carries. `Step` does not expose it publicly (the operators' step objects
 * have it), so the tests reach it with a cast to write the gradient out.
 */
export function traceOf(step: Step): Trace {
  return step.trace;
}

/** The gradient of the last backward pass of `step`, written out like `net.parameters`. */
export function gradientOf(net: Network, step: Step): Float64Array {
  const g = new Float64Array(net.parameters.length);
  net.accumulateGradient(traceOf(step), g);
  return g;
}

/** The per-sample gradient of `lossFn` at `sample` with the current weights of `net`. */
export function sampleGradient(net: Network, sample: Sample, lossFn: Loss): Float64Array {
  const trace = net.createTrace();
  trace.input.set(Array.from(sample.x));
  const y = sample.y;
  trace.target.set(typeof y === 'number' ? [y] : Array.from(y ?? []));
  net.forward(trace);
  net.backward(trace, lossFn);
  const g = new Float64Array(net.parameters.length);
  net.accumulateGradient(trace, g);
  return g;
}

/** Freezes a sample and its x / y arrays (plain arrays only: typed arrays cannot be frozen). */
export function deepFreeze<T extends Sample>(sample: T): T {
  if (Array.isArray(sample.x)) Object.freeze(sample.x);
  if (Array.isArray(sample.y)) Object.freeze(sample.y);
  return Object.freeze(sample);
}

/** Subscribes synchronously and collects what arrived (no throw may escape subscribe). */
export interface Outcome<T> {
  values: T[];
  error: unknown;
  completed: boolean;
}

export function collect<T>(source: Observable<T>): Outcome<T> {
  const outcome: Outcome<T> = { values: [], error: undefined, completed: false };
  source.subscribe({
    next: (v) => outcome.values.push(v),
    error: (e: unknown) => {
      outcome.error = e;
    },
    complete: () => {
      outcome.completed = true;
    },
  });
  return outcome;
}

/** The error of an outcome as an Error (fails the test when there is none). */
export function errorOf(outcome: Outcome<unknown>): Error {
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error;
}

/** A 2-input, 2-output linear network (for the targets that must have two values). */
export function twoOutputNet(): Network {
  const net = network({ inputs: 2, layers: [dense(2, linear)], seed: 1 });
  net.layers[0].weights.set([0.5, -0.25, 0.125, 0.75]);
  net.layers[0].biases.set([0.1, -0.1]);
  return net;
}

/** One malformed sample: what the stream must fail with when it is the third sample (seq 2). */
export interface BadSample {
  readonly name: string;
  /** Which network it is wrong for: linearNet (2 → 1) or twoOutputNet (2 → 2). */
  readonly net: 'oneOutput' | 'twoOutputs';
  readonly sample: unknown;
  readonly field: string;
  readonly value: unknown;
  /** The message after `<operator>: sample 2: `. */
  readonly message: string;
  /** Whether the problem is in x or the sample itself (predict, which ignores y, sees it too). */
  readonly inX: boolean;
}

export const BAD_SAMPLES: readonly BadSample[] = [
  {
    name: 'x of the wrong length',
    net: 'oneOutput',
    sample: { x: [1, 2, 3], y: 1 },
    field: 'x.length',
    value: 3,
    message: 'x.length must be 2, got 3',
    inX: true,
  },
  {
    name: 'x containing NaN',
    net: 'oneOutput',
    sample: { x: [1, Number.NaN], y: 1 },
    field: 'x[1]',
    value: Number.NaN,
    message: 'x[1] must be a finite number, got NaN',
    inX: true,
  },
  {
    name: 'x containing Infinity',
    net: 'oneOutput',
    sample: { x: [Number.POSITIVE_INFINITY, 1], y: 1 },
    field: 'x[0]',
    value: Number.POSITIVE_INFINITY,
    message: 'x[0] must be a finite number, got Infinity',
    inX: true,
  },
  {
    name: 'x containing -Infinity',
    net: 'oneOutput',
    sample: { x: [1, Number.NEGATIVE_INFINITY], y: 1 },
    field: 'x[1]',
    value: Number.NEGATIVE_INFINITY,
    message: 'x[1] must be a finite number, got -Infinity',
    inX: true,
  },
  {
    name: 'x containing a string',
    net: 'oneOutput',
    sample: { x: [1, '2'], y: 1 },
    field: 'x[1]',
    value: '2',
    message: 'x[1] must be a finite number, got "2"',
    inX: true,
  },
  {
    name: 'x missing',
    net: 'oneOutput',
    sample: { y: 1 },
    field: 'x',
    value: undefined,
    message: 'x must be an array of numbers, got undefined',
    inX: true,
  },
  {
    name: 'x a string',
    net: 'oneOutput',
    sample: { x: '12', y: 1 },
    field: 'x',
    value: '12',
    message: 'x must be an array of numbers, got "12"',
    inX: true,
  },
  {
    name: 'a null sample',
    net: 'oneOutput',
    sample: null,
    field: 'sample',
    value: null,
    message: 'sample must be an object { x, y? }, got null',
    inX: true,
  },
  {
    name: 'a number instead of a sample',
    net: 'oneOutput',
    sample: 7,
    field: 'sample',
    value: 7,
    message: 'sample must be an object { x, y? }, got 7',
    inX: true,
  },
  {
    name: 'y of the wrong length',
    net: 'oneOutput',
    sample: { x: [1, 2], y: [1, 2] },
    field: 'y.length',
    value: 2,
    message: 'y.length must be 1, got 2',
    inX: false,
  },
  {
    name: 'y NaN',
    net: 'oneOutput',
    sample: { x: [1, 2], y: Number.NaN },
    field: 'y',
    value: Number.NaN,
    message: 'y must be a finite number, got NaN',
    inX: false,
  },
  {
    name: 'y an array holding NaN',
    net: 'oneOutput',
    sample: { x: [1, 2], y: [Number.NaN] },
    field: 'y[0]',
    value: Number.NaN,
    message: 'y[0] must be a finite number, got NaN',
    inX: false,
  },
  {
    name: 'y a string',
    net: 'oneOutput',
    sample: { x: [1, 2], y: '1' },
    field: 'y',
    value: '1',
    message: 'y must be an array of numbers, got "1"',
    inX: false,
  },
  {
    name: 'y a number for a 2-output network',
    net: 'twoOutputs',
    sample: { x: [1, 2], y: 0.5 },
    field: 'y',
    value: 0.5,
    message: 'y must have 2 values, not one number, got 0.5',
    inX: false,
  },
  {
    name: 'y too short for a 2-output network',
    net: 'twoOutputs',
    sample: { x: [1, 2], y: [0.5] },
    field: 'y.length',
    value: 1,
    message: 'y.length must be 2, got 1',
    inX: false,
  },
  {
    name: 'a sample its source marked malformed',
    net: 'oneOutput',
    sample: {
      x: [1, 2],
      y: 1,
      malformed: { field: 'line 3', value: '{"x": [1,', problem: 'is not valid JSON' },
    },
    field: 'line 3',
    value: '{"x": [1,',
    message: 'line 3 is not valid JSON, got "{\\"x\\": [1,"',
    inX: true,
  },
];

/** Two good samples for either network of {@link BAD_SAMPLES}, then the bad one. */
export function samplesEndingWith(bad: BadSample): Sample[] {
  const y = bad.net === 'oneOutput' ? 1 : [1, 0];
  return [{ x: [1, 2], y }, { x: [0, -1], y }, bad.sample as Sample];
}

export function netFor(bad: BadSample): Network {
  return bad.net === 'oneOutput' ? linearNet() : twoOutputNet();
}

/** Checks that `error` is the SampleError of `bad` reported by `operator` for seq 2. */
export function expectSampleError(error: unknown, operator: string, bad: BadSample): void {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error & { operator: string; seq: number; field: string; value: unknown };
  expect(e.name).toBe('SampleError');
  expect(e.message).toBe(`${operator}: sample 2: ${bad.message}`);
  expect(e.operator).toBe(operator);
  expect(e.seq).toBe(2);
  expect(e.field).toBe(bad.field);
  expect(e.value).toBe(bad.value);
}

/**
 * Makes 1000 samples whose third (seq 2) is `bad`, and counts how many the source let out
 * before the pipeline's error unsubscribed it.
 */
export function thousandWithThirdBad(bad: BadSample): Sample[] {
  const good = samplesEndingWith(bad)[0];
  return Array.from({ length: 1000 }, (_, i) => (i === 2 ? (bad.sample as Sample) : good));
}
