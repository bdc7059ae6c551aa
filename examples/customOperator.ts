// A custom operator: flagAnomalies, built on statefulMap like the library's own operators. It
// watches the prequential residual of a forecaster (actual − prediction, in real units) and
// flags a reading whose residual is more than `threshold` times the running RMS of the residuals
// before it. Here it runs behind a network that forecasts the synthetic sensors, and what it
// flags is checked against the anomalies the feed injected (and labelled).

import type { OperatorFunction } from 'rxjs';
import {
  dense,
  linear,
  mse,
  network,
  normalize,
  type Sample,
  type Step,
  statefulMap,
  tanh,
  train,
} from 'streamprop';
import { sensorFeed } from 'streamprop/streams';

/** Options of {@link flagAnomalies}. */
interface FlagAnomaliesOptions {
  /** Flag a residual above this many running RMS (default 5). */
  readonly threshold?: number;
  /** Weight of the newest squared residual in the running mean square, in (0, 1] (default 0.01). */
  readonly alpha?: number;
  /** Flag nothing during the first `warmup` steps, while the forecaster learns (default 1000). */
  readonly warmup?: number;
}

/** What flagAnomalies emits: one object per subscription, reused — valid until the next one. */
interface Flagged<S extends Sample> {
  /** The step's `seq`. */
  seq: number;
  /** The step's sample. */
  sample: S;
  /** The first output's actual − prediction, in real units (NaN without a target). */
  residual: number;
  /** |residual| / running RMS of the unflagged residuals before it (NaN until there is one). */
  score: number;
  /** Whether the score is above the threshold (never during the warm-up). */
  anomaly: boolean;
}

/**
 * Flags anomalous residuals of a forecaster: put it after `train(…)` or `forward(…)`. The scale
 * is an exponentially weighted mean of the squared residuals that were not flagged, so a spike
 * does not inflate it; it is per subscription, as is everything of a streamprop operator.
 */
function flagAnomalies<S extends Sample>(
  options: FlagAnomaliesOptions = {},
): OperatorFunction<Step<S>, Flagged<S>> {
  // Check the arguments when called, not when subscribed, with the operator's name.
  const threshold = options.threshold ?? 5;
  if (typeof threshold !== 'number' || !(threshold > 0) || !Number.isFinite(threshold)) {
    throw new RangeError(`flagAnomalies: threshold must be a finite number > 0, got ${threshold}`);
  }
  const alpha = options.alpha ?? 0.01;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) {
    throw new RangeError(`flagAnomalies: alpha must be in (0, 1], got ${alpha}`);
  }
  const warmup = options.warmup ?? 1000;
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new RangeError(`flagAnomalies: warmup must be an integer >= 0, got ${warmup}`);
  }
  // statefulMap runs this once per subscription: the state and the one output object live here,
  // and nothing is allocated per step. A throw in next() would fail the stream.
  return statefulMap(() => {
    let meanSquare = Number.NaN;
    let steps = 0;
    const out: Flagged<S> = {
      seq: -1,
      sample: undefined as unknown as S,
      residual: Number.NaN,
      score: Number.NaN,
      anomaly: false,
    };
    return {
      next(step: Step<S>): Flagged<S> {
        const residual =
          step.actual === undefined || step.rejection !== undefined
            ? Number.NaN
            : step.actual[0] - step.output[0];
        const score = Math.abs(residual) / Math.sqrt(meanSquare);
        const anomaly = steps >= warmup && score > threshold;
        if (!anomaly && Number.isFinite(residual)) {
          const square = residual * residual;
          meanSquare = Number.isNaN(meanSquare)
            ? square
            : meanSquare + alpha * (square - meanSquare);
        }
        steps++;
        out.seq = step.seq;
        out.sample = step.sample;
        out.residual = residual;
        out.score = score;
        out.anomaly = anomaly;
        return out;
      },
    };
  });
}

// The pipeline: forecast, then flag. The feed labels what it injected, so we can score the flags.
const SAMPLES = 30_000;
const WARMUP = 1000;
const AFTER_DRIFT = 6; // readings of a sensor after an abrupt drift during which a flag is excused
const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
const lastDrift = new Map<string, number>(); // sensor → sample id of its last abrupt drift
let labelled = 0;
let caught = 0;
let atDrift = 0;
let other = 0;
let drifts = 0;
const shown: string[] = [];

sensorFeed({ seed: 7, limit: SAMPLES })
  .pipe(
    normalize({ targets: true }),
    train(net, { loss: mse() }),
    flagAnomalies({ threshold: 5, warmup: WARMUP }),
  )
  .subscribe({
    next: (f) => {
      const reading = f.sample.raw;
      if (reading.drift) lastDrift.set(reading.key, reading.id);
      if (f.seq < WARMUP) return;
      if (reading.drift) drifts++;
      if (reading.anomaly) labelled++;
      if (!f.anomaly) return;
      const sinceDrift = (reading.id - (lastDrift.get(reading.key) ?? -1e9)) / 4; // 4 sensors
      let verdict: string;
      if (reading.anomaly) {
        caught++;
        verdict = 'a labelled anomaly';
      } else if (sinceDrift < AFTER_DRIFT) {
        atDrift++;
        verdict = 'just after an abrupt drift';
      } else {
        other++;
        verdict = 'unlabelled';
      }
      if (shown.length < 5) {
        const when = new Date(reading.t).toISOString().slice(0, 16).replace('T', ' ');
        shown.push(
          `  ${reading.key} ${when}  residual ${f.residual >= 0 ? '+' : ''}${f.residual.toFixed(2)} °C  score ${f.score.toFixed(1)}  ${verdict}`,
        );
      }
    },
    complete: () => {
      const flagged = caught + atDrift + other;
      console.log(`first flags:\n${shown.join('\n')}`);
      console.log(
        `after a warm-up of ${WARMUP} samples, of ${SAMPLES - WARMUP}: ${labelled} labelled anomalies, ${drifts} abrupt drifts`,
      );
      console.log(
        `flagged ${flagged}: ${caught} labelled anomalies, ${atDrift} just after an abrupt drift, ${other} unlabelled`,
      );
      console.log(
        `recall ${(100 * (caught / labelled)).toFixed(0)} %, precision ${(100 * (caught / flagged)).toFixed(0)} % (${(100 * ((caught + atDrift) / flagged)).toFixed(0)} % counting drifts)`,
      );
    },
  });
