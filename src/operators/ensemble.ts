import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { argumentError, checkFunction, checkOptions } from '../checks/argumentChecks.js';
import { Combiner } from '../forecast/combiner.js';
import { hedge, type Weighting } from '../forecast/hedge.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';
import type { StepContext } from '../steps/step.js';

/** How one candidate of an {@link ensemble} did, as each ensemble step carries it. */
export interface CandidateScore {
  /** Its name, as given. */
  readonly name: string;
  /** Its forecast for this sample, in real units (NaN when it had none). */
  readonly output: number;
  /** Its weight in this sample's forecast (the weights add up to 1). */
  readonly weight: number;
  /** Its squared error on this sample (NaN without a target). */
  readonly loss: number;
  /** Its recent mean squared error (discounted like the weights; NaN before any target). */
  readonly meanLoss: number;
}

/**
 * A step of {@link ensemble}: a `Step` (so `rollingMetrics`, `serve` and the command take it as
 * they take a training step) whose `output` is the weighted forecast and whose `candidates`
 * say how each candidate did. Its `network` is the combiner: one linear neuron whose weights
 * are the candidates' weights. Lent, like every step.
 */
export interface EnsembleStep<S extends Sample = Sample> extends StepContext<S> {
  readonly candidates: readonly CandidateScore[];
}

/** Options of {@link ensemble}. */
export interface EnsembleOptions {
  /** How the candidates are weighed (default `hedge()`). */
  readonly weighting?: Weighting;
}

/**
 * Online model selection: runs every candidate on the same samples, side by side, and forecasts
 * with their weighted mean, the weights following each candidate's recent losses by Hedge
 * (exponentially weighted averaging; see {@link hedge} for the rate, the discount and the
 * regret bound) — so its prequential loss stays close to the best candidate's on any stream,
 * and where candidates err differently, below it. Candidates are operators that emit a
 * {@link Forecast} per sample, in real units: training pipelines (`pipe(normalize({ targets:
 * true }), train(net, …))`), `leastSquares()`, `lastValue()`, `seasonalLastValue(p)`,
 * `runningMean()`, or your own. Each one sees every sample as it came, predicts it before
 * learning from it, and must emit exactly one forecast per sample, at once.
 *
 * Each emitted step is prequential: the weights were set before the sample, from the losses of
 * the samples before it. `step.output` is the forecast, `step.actual` the target (through the
 * sample's own scaler, if any), `step.loss` ½ (output − actual)², and `step.candidates` every
 * candidate's forecast, weight, loss and recent mean loss. A candidate whose forecast is not a
 * finite number has no weight for that sample; when no candidate has one (a sample they all
 * reject), the step is rejected with the first candidate's reason. One target per sample.
 *
 * @param candidates The candidates by name (at least one).
 * @throws TypeError or RangeError at once for a wrong argument; the stream fails when a
 * candidate emits no forecast for a sample, or more than one.
 *
 * @example
 * ```ts
 * import { dense, ensemble, hedge, lastValue, leastSquares, linear, mse, network, normalize, runningMean, tanh, train } from 'streamprop';
 * import { lagged } from 'streamprop/streams';
 * import { from, pipe } from 'rxjs';
 * const series = Array.from({ length: 2000 }, (_, i) => 20 + 5 * Math.sin((2 * Math.PI * i) / 24) + Math.sin(i / 7));
 * const net = network({ inputs: 24, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
 * from(series)
 *   .pipe(
 *     lagged(24),
 *     ensemble(
 *       { last: lastValue(), mean: runningMean(), linear: leastSquares(), net: pipe(normalize({ targets: true }), train(net, { loss: mse() })) },
 *       { weighting: hedge() },
 *     ),
 *   )
 *   .subscribe((step) => {
 *     if (step.seq % 500 === 0) console.log(step.output[0], step.candidates.map((c) => `${c.name} ${c.weight.toFixed(2)}`));
 *   });
 * ```
 */
export function ensemble<S extends Sample>(
  candidates: Readonly<Record<string, OperatorFunction<S, Forecast>>>,
  options: EnsembleOptions = {},
): OperatorFunction<S, EnsembleStep<S>> {
  if (candidates === null || typeof candidates !== 'object' || Array.isArray(candidates)) {
    throw argumentError(
      'ensemble',
      'candidates',
      'an object of named operators',
      candidates,
      'object',
    );
  }
  const names = Object.keys(candidates);
  if (names.length === 0) {
    throw argumentError('ensemble', 'candidates', 'at least one candidate', candidates);
  }
  for (const name of names) checkFunction('ensemble', `candidates.${name}`, candidates[name]);
  const o = checkOptions('ensemble', options);
  const weighting = o.weighting ?? hedge();
  if (weighting === null || typeof weighting !== 'object' || weighting.name !== 'hedge') {
    throw argumentError('ensemble', 'weighting', 'a weighting such as hedge()', weighting);
  }
  const operators = names.map((name) => candidates[name]);
  return (source) =>
    new Observable<EnsembleStep<S>>((subscriber) => {
      const n = operators.length;
      const relays: Subscriber<S>[] = [];
      const forecasts: (Forecast | undefined)[] = new Array(n).fill(undefined);
      const emitted = new Int32Array(n);
      operators.forEach((operator, i) => {
        const input = new Observable<S>((relay) => {
          relays[i] = relay;
        });
        subscriber.add(
          operator(input).subscribe({
            next: (forecast) => {
              forecasts[i] = forecast;
              emitted[i]++;
            },
            error: (error: unknown) => subscriber.error(error),
          }),
        );
      });
      const combiner = new Combiner<S>(names, weighting);
      subscriber.add(
        source.subscribe({
          next: (sample) => {
            for (let i = 0; i < n; i++) {
              emitted[i] = 0;
              relays[i]?.next(sample);
              if (emitted[i] !== 1) {
                subscriber.error(
                  new Error(
                    `ensemble: candidate "${names[i]}" emitted ${emitted[i]} forecasts for sample ${combiner.seq + 1}; a candidate must emit exactly one per sample, at once`,
                  ),
                );
                return;
              }
            }
            subscriber.next(combiner.next(sample, forecasts as Forecast[]));
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            for (const relay of relays) relay?.complete();
            subscriber.complete();
          },
        }),
      );
    });
}
