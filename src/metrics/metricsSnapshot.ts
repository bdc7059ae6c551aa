/**
 * Error figures over one group of scored samples (a sliding window, an exponentially weighted
 * moving average, or everything since the start). All errors are in real units: the step's
 * `output` against its `actual` (the prediction and target, inverse-scaled when `normalize()`
 * scaled them). A figure that does not apply, or has no sample yet, is `undefined` (and so
 * absent from the JSON of the snapshot).
 *
 * With `m` outputs and `n` samples, and residuals `r = actual − output`:
 * - `mse` is the conventional mean squared error, the mean of `r²` over all `n·m`
 *   (sample, output) pairs — not the `½ Σ r²` training loss of `mse()`;
 * - `rmse` is `√mse`; `mae` is the mean of `|r|` over the same pairs;
 * - `r2` is the coefficient of determination `1 − SS_res / SS_tot` of each output, averaged
 *   over the outputs (undefined with fewer than 2 samples or while a target does not vary);
 * - `accuracy` is the share of samples classified right: for one output whose targets are all
 *   0 or 1, the prediction counts as 1 when `output ≥ 0.5`; for several outputs whose targets
 *   are all one-hot, the index of the largest output must be that of the 1 (the first largest
 *   on a tie). It applies while every scored sample of the stream has had such a target;
 * - `logLoss` is the mean cross entropy: binary, `−[t ln p + (1 − t) ln(1 − p)]`, for one
 *   output in [0, 1] with a target in [0, 1]; categorical, `−Σ tᵢ ln pᵢ`, for several outputs
 *   in [0, 1] that sum to 1 (a softmax) with a target that sums to 1 (one-hot or a
 *   distribution); `p` is clipped to [1e-15, 1 − 1e-15]. It applies while every scored sample
 *   of the stream has been such a pair.
 *
 * @example
 * ```ts
 * import type { ErrorMetrics } from 'streamprop';
 * const describe = (m: ErrorMetrics): string => `rmse ${m.rmse?.toFixed(4) ?? '–'} over ${m.count}`;
 * ```
 */
export interface ErrorMetrics {
  /**
   * The scored samples these figures summarise: those in the window, or all since the start
   * (for the EWMA too: each has weighed in, the recent ones most).
   */
  readonly count: number;
  /** Mean squared error per output, `mean(r²)` over samples and outputs. */
  readonly mse: number | undefined;
  /** Root mean squared error, `√mse`. */
  readonly rmse: number | undefined;
  /** Mean absolute error per output, `mean(|r|)` over samples and outputs. */
  readonly mae: number | undefined;
  /** Coefficient of determination, averaged over the outputs. */
  readonly r2: number | undefined;
  /** Share of samples classified right, in [0, 1], for 0/1 or one-hot targets only. */
  readonly accuracy: number | undefined;
  /** Mean cross entropy, for probability outputs and targets only. */
  readonly logLoss: number | undefined;
}

/**
 * How many samples were rejected, by reason: one field per `RejectionReason` of a step's
 * `rejection`, every one present, zero or not.
 *
 * @example
 * ```ts
 * import type { RejectionCounts } from 'streamprop';
 * const badValues = (c: RejectionCounts): number => c.nonFinite + c.notNumber;
 * ```
 */
export interface RejectionCounts {
  /** The sample was not an object. */
  readonly notObject: number;
  /** `x` or `y` had the wrong length. */
  readonly length: number;
  /** A value was not a number. */
  readonly notNumber: number;
  /** A value was NaN or ±Infinity. */
  readonly nonFinite: number;
  /** A value was finite but beyond ±1e145 (`MAX_MAGNITUDE`). */
  readonly outOfRange: number;
  /** The sample had no target where one was needed. */
  readonly missingTarget: number;
  /** Its source could not parse the item (a bad CSV field, a line that is not JSON). */
  readonly malformed: number;
  /** Its source passed over a record longer than its size limit. */
  readonly tooLarge: number;
}

/**
 * One emission of `rollingMetrics`: a plain object of its own (never reused, safe to keep and
 * to serialise). The top-level error figures are those of the sliding window of the last
 * `window` scored samples; `ewma` and `total` hold the same figures as an exponentially
 * weighted moving average and since the start. The field names are those of the WebSocket
 * `metrics` message.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, rollingMetrics, sgd, train } from 'streamprop';
 * import { from } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
 * const samples = Array.from({ length: 300 }, (_, i) => ({ x: [i / 300], y: 2 * (i / 300) }));
 * from(samples)
 *   .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }) }), rollingMetrics({ window: 100 }))
 *   .subscribe((m) => console.log(m.seq, m.rmse, m.ewma.rmse, m.total.rmse, m.learningRate));
 * ```
 */
export interface MetricsSnapshot extends ErrorMetrics {
  /** The `seq` of the last step counted. */
  readonly seq: number;
  /** When the snapshot was taken: `scheduler.now()`, in milliseconds. */
  readonly t: number;
  /** The `key` of the last step's sample (`undefined` when it has none). */
  readonly key: string | number | undefined;
  /** Steps counted since the start, rejected ones included. */
  readonly samples: number;
  /** The learning rate in force at the last step (`undefined` before `update()` ran). */
  readonly learningRate: number | undefined;
  /**
   * Steps (rejected ones included) per second of scheduler time, over the span since the
   * latest earlier snapshot taken at an earlier time (the subscription for the first);
   * `undefined` while no time has passed since the subscription.
   */
  readonly samplesPerSecond: number | undefined;
  /** Rejected samples since the start (steps with a `rejection`). */
  readonly rejected: number;
  /** {@link MetricsSnapshot.rejected}, by reason. */
  readonly rejectedByReason: RejectionCounts;
  /** `drift` events seen on the steps since the start. */
  readonly drifts: number;
  /** The error figures as exponentially weighted moving averages. */
  readonly ewma: ErrorMetrics;
  /** The error figures over every scored sample since the start. */
  readonly total: ErrorMetrics;
}
