import { z } from 'zod';
import { jsBackend } from '../backends/backend.js';
import { documentPath } from '../checks/parseDocument.js';
import { linear } from '../core/activations.js';
import { dense } from '../core/dense.js';
import { network } from '../core/network.js';
import type { CandidateScore, EnsembleStep } from '../operators/ensemble.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';
import { Stage, StepContext } from '../steps/step.js';
import type { Weighting } from './hedge.js';

/** @internal The schema of a {@link Combiner}'s saved state: one number per candidate in each list. */
export const combinerStateSchema = z.object({
  seq: z.number().int().min(-1),
  total: z.array(z.number()),
  squares: z.array(z.number()),
  count: z.array(z.number()),
});

/** @internal The saved state of a {@link Combiner}. */
export type CombinerState = z.infer<typeof combinerStateSchema>;

class Score implements CandidateScore {
  output = Number.NaN;
  weight = 0;
  loss = Number.NaN;
  meanLoss = Number.NaN;
  /** Discounted sums: of the bounded losses, of the squared errors, of the discount weights. */
  total = 0;
  squares = 0;
  count = 0;
  constructor(readonly name: string) {}
}

class EnsembleContext<S extends Sample> extends StepContext<S> implements EnsembleStep<S> {
  readonly candidates: Score[];
  constructor(names: readonly string[]) {
    // The combiner only holds the weights: the JavaScript backend, no kernel memory.
    super(network({ inputs: names.length, layers: [dense(1, linear)], backend: jsBackend() }));
    this.candidates = names.map((name) => new Score(name));
  }
}

/**
 * @internal The weights, the combined forecast and the scores of an `ensemble` (one per
 * subscription) or of an `AutoForecaster`: given every candidate's forecast of a sample, it
 * weighs them by Hedge (see `hedge`), emits the {@link EnsembleStep} and updates the candidates'
 * discounted losses with the target. Its state (the count of samples, each candidate's
 * discounted sums) can be saved and restored.
 *
 * @example
 * ```ts
 * import { hedge } from './hedge.js';
 * import { Combiner } from './combiner.js';
 * const combiner = new Combiner(['a', 'b'], hedge());
 * ```
 */
export class Combiner<S extends Sample> {
  seq = -1;
  private readonly step: EnsembleContext<S>;
  private readonly weights: Float64Array;
  private readonly rate: number;
  private readonly discount: number;

  constructor(names: readonly string[], weighting: Weighting) {
    this.step = new EnsembleContext<S>(names);
    this.weights = this.step.network.layers[0].weights;
    this.rate = weighting.rate;
    this.discount = weighting.discount;
  }

  next(sample: S, forecasts: readonly Forecast[]): EnsembleStep<S> {
    const step = this.step;
    const scores = step.candidates;
    const n = scores.length;
    step.seq = ++this.seq;
    step.sample = sample;
    step.rejection = undefined;
    step.learn = false;
    step.updated = false;
    step.learningRate = Number.NaN;
    if (step.events.length !== 0) step.events.length = 0;
    step.stage = Stage.Scored;
    // The weights from the losses before this sample, over the candidates with a forecast.
    let least = Number.POSITIVE_INFINITY;
    let actual: Float64Array | undefined;
    for (let i = 0; i < n; i++) {
      const f = forecasts[i];
      const value = f.output[0];
      scores[i].output = value;
      if (Number.isFinite(value) && scores[i].total < least) least = scores[i].total;
      if (actual === undefined && f.actual !== undefined && f.rejection === undefined) {
        actual = f.actual;
      }
    }
    const input = step.trace.input;
    const weights = this.weights;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const finite = Number.isFinite(scores[i].output);
      const w = finite ? Math.exp(-this.rate * (scores[i].total - least)) : 0;
      weights[i] = w;
      input[i] = finite ? scores[i].output : 0;
      sum += w;
    }
    if (sum === 0) return this.reject(forecasts[0]);
    let combined = 0;
    for (let i = 0; i < n; i++) {
      weights[i] /= sum;
      scores[i].weight = weights[i];
      combined += weights[i] * input[i];
    }
    step.prediction[0] = combined;
    step.output = step.prediction;
    if (actual === undefined) {
      step.target = undefined;
      step.actual = undefined;
      step.loss = Number.NaN;
      for (let i = 0; i < n; i++) scores[i].loss = Number.NaN;
      return step;
    }
    const y = actual[0];
    step.trace.target[0] = y;
    step.target = step.trace.target;
    step.actual = step.target;
    step.loss = 0.5 * (combined - y) ** 2;
    this.learn(y);
    return step;
  }

  /** Updates every candidate's losses with the target `y`. */
  private learn(y: number): void {
    const scores = this.step.candidates;
    const g = this.discount;
    let best = Number.POSITIVE_INFINITY;
    for (const s of scores) {
      const e = s.output - y;
      s.loss = Number.isFinite(e) ? e * e : Number.NaN;
      if (!Number.isNaN(s.loss)) {
        s.squares = g * s.squares + s.loss;
        s.count = g * s.count + 1;
      }
      s.meanLoss = s.count > 0 ? s.squares / s.count : Number.NaN;
      if (s.meanLoss < best) best = s.meanLoss;
    }
    const scale = 4 * (Number.isFinite(best) ? best : 0);
    for (const s of scores) {
      const bounded = Number.isNaN(s.loss) ? 1 : s.loss === 0 ? 0 : s.loss / (s.loss + scale);
      s.total = g * s.total + bounded;
    }
  }

  /** A JSON-ready copy of its state. */
  state(): CombinerState {
    const scores = this.step.candidates;
    return {
      seq: this.seq,
      total: scores.map((s) => s.total),
      squares: scores.map((s) => s.squares),
      count: scores.map((s) => s.count),
    };
  }

  /** Restores what {@link state} returned, read with {@link combinerStateSchema}. */
  load(saved: CombinerState, owner: string, at: readonly PropertyKey[]): void {
    const scores = this.step.candidates;
    for (const field of ['total', 'squares', 'count'] as const) {
      if (saved[field].length !== scores.length) {
        throw new RangeError(
          `${owner}: ${documentPath([...at, field])}: has ${saved[field].length} values, the candidates are ${scores.length}`,
        );
      }
    }
    this.seq = saved.seq;
    this.step.seq = saved.seq;
    scores.forEach((s, i) => {
      s.total = saved.total[i];
      s.squares = saved.squares[i];
      s.count = saved.count[i];
      s.meanLoss = s.count > 0 ? s.squares / s.count : Number.NaN;
    });
  }

  private reject(first: Forecast): EnsembleStep<S> {
    const step = this.step;
    const rejection = first.rejection ?? {
      reason: 'nonFinite' as const,
      field: 'output',
      value: Number.NaN,
      message: `ensemble: sample ${step.seq}: no candidate has a finite forecast`,
    };
    step.rejection = rejection;
    step.events.push({
      type: 'rejected',
      seq: step.seq,
      reason: rejection.reason,
      field: rejection.field,
      message: rejection.message,
    });
    step.loss = Number.NaN;
    step.prediction.fill(Number.NaN);
    step.output = step.prediction;
    step.target = undefined;
    step.actual = undefined;
    for (const s of step.candidates) {
      s.weight = 0;
      s.loss = Number.NaN;
    }
    return step;
  }
}
