// npm run bench:metrics — the per-sample cost of rollingMetrics: its tracker alone and the whole
// operator, against a hand-fused loop that computes the same regression figures (MSE, MAE, R²
// over a window, as an EWMA and since the start) in one pass, interleaved in one process; and
// what a user sees of it, a network trained on the stream with rollingMetrics after it (an
// 8-16-m tanh network, SGD), before (the hand-unrolled accumulator, bench/legacy/) and now.
//
// The steps are those of a trained network as rollingMetrics sees them: one lent step object,
// its output and actual rewritten for each sample from a fixed sensor-like series. The series is
// cut into chunks; every round runs each contender on the next chunk, in turn, each round
// starting with another contender. Reported: the median samples per wall-clock second and per
// CPU-second (process.cpuUsage, user + system) over the chunks, and the ratio to the reference.
// Then 1,000,000 samples through the tracker and through the operator, with the number of
// garbage collections meanwhile (run with --expose-gc, as npm run bench:metrics does).
//
// Environment: BENCH_SAMPLES (default 400000) samples per output count; BENCH_CHUNKS (default
// 10); BENCH_OUTPUTS (default 1,4); BENCH_WINDOW (default 1000, rollingMetrics' default).
import { PerformanceObserver } from 'node:perf_hooks';
import {
  asyncScheduler,
  concatWith,
  defer,
  EMPTY,
  filter,
  map,
  Observable,
  type OperatorFunction,
  of,
} from 'rxjs';
import {
  dense,
  linear,
  metricsTracker,
  mse,
  network,
  rng,
  rollingMetrics,
  sgd,
  tanh,
  train,
} from '../src/index.js';
import type { MetricsSnapshot } from '../src/metrics/metricsSnapshot.js';
import type { Sample } from '../src/samples/sample.js';
import { Stage, type Step, StepContext } from '../src/steps/step.js';
import { LegacyTracker } from './legacy/legacyTracker.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400_000);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 10);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 1000);
const OUTPUTS = (process.env.BENCH_OUTPUTS ?? '1,4').split(',').map(Number);

/** A sensor-like series: targets with a daily cycle and noise, predictions a little off. */
function makeSeries(n: number, m: number): { outputs: Float64Array; actuals: Float64Array } {
  const random = rng(2024);
  const outputs = new Float64Array(n * m);
  const actuals = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const y = 20 + 5 * Math.sin((2 * Math.PI * i) / 288 + j) + random.normal();
      actuals[i * m + j] = y;
      outputs[i * m + j] = y + 0.6 * random.normal();
    }
  }
  return { outputs, actuals };
}

/** Samples of the series: 8 earlier targets of the first output (scaled) in, the targets out. */
function makeSamples(series: ReturnType<typeof makeSeries>, m: number): Sample[] {
  const n = series.actuals.length / m;
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const x = new Float64Array(8);
    for (let k = 0; k < 8; k++) x[k] = (series.actuals[Math.max(0, i - 1 - k) * m] - 20) / 5;
    samples.push({ x, y: Array.from(series.actuals.subarray(i * m, (i + 1) * m), (y) => y - 20) });
  }
  return samples;
}

/** Samples [start, end) as an Observable. */
function samplesOf(samples: Sample[], start: number, end: number): Observable<Sample> {
  return new Observable((subscriber) => {
    for (let i = start; i < end && !subscriber.closed; i++) subscriber.next(samples[i]);
    subscriber.complete();
  });
}

/** The one lent step the contenders see, rewritten for each sample. */
function lentStep(m: number): StepContext<Sample> {
  const step = new StepContext<Sample>(network({ inputs: 1, layers: [dense(m, linear)], seed: 1 }));
  step.stage = Stage.Updated;
  step.learningRate = 0.001;
  step.sample = { x: [0], y: 0, key: 'sensor-1' };
  step.actual = new Float64Array(m);
  step.target = step.actual;
  return step;
}

interface Contender {
  readonly name: string;
  run(start: number, end: number): void;
}

/** Sets the lent step to sample `i` of the series. */
function fill(step: StepContext<Sample>, series: ReturnType<typeof makeSeries>, i: number): void {
  const m = step.output.length;
  const actual = step.actual as Float64Array;
  for (let j = 0; j < m; j++) {
    step.output[j] = series.outputs[i * m + j];
    actual[j] = series.actuals[i * m + j];
  }
  step.seq = i;
}

/** The lent step for samples [start, end), as an Observable. */
function steps(
  step: StepContext<Sample>,
  series: ReturnType<typeof makeSeries>,
  start: number,
  end: number,
): Observable<Step<Sample>> {
  return new Observable((subscriber) => {
    for (let i = start; i < end && !subscriber.closed; i++) {
      fill(step, series, i);
      subscriber.next(step);
    }
    subscriber.complete();
  });
}

/**
 * The reference: the window (a ring of r², |r| and shifted targets, running sums recomputed at
 * each wrap), the EWMA and the totals (Welford) of MSE, MAE and R², in one pass per sample.
 */
class HandLoop {
  private head = 0;
  private size = 0;
  private readonly ringSq: Float64Array;
  private readonly ringAbs: Float64Array;
  private readonly ringY: Float64Array;
  private readonly ringR2: Float64Array;
  private sumSq = 0;
  private sumAbs = 0;
  private readonly sumY: Float64Array;
  private readonly sumY2: Float64Array;
  private readonly sumR2: Float64Array;
  private readonly shift: Float64Array;
  private ewSq = 0;
  private ewAbs = 0;
  private readonly ewR2: Float64Array;
  private readonly ewMean: Float64Array;
  private readonly ewVar: Float64Array;
  private n = 0;
  private totalSq = 0;
  private totalAbs = 0;
  private readonly totalR2: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  checksum = 0;

  constructor(
    private readonly m: number,
    private readonly window: number,
    private readonly alpha: number,
  ) {
    const f = (k: number) => new Float64Array(k);
    [this.ringSq, this.ringAbs] = [f(window), f(window)];
    [this.ringY, this.ringR2] = [f(window * m), f(window * m)];
    [this.sumY, this.sumY2, this.sumR2, this.shift] = [f(m), f(m), f(m), f(m)];
    [this.ewR2, this.ewMean, this.ewVar] = [f(m), f(m), f(m)];
    [this.totalR2, this.mean, this.m2] = [f(m), f(m), f(m)];
  }

  add(output: Float64Array, actual: Float64Array): void {
    const { m, alpha: a } = this;
    let sq = 0;
    let abs = 0;
    for (let j = 0; j < m; j++) {
      const r = actual[j] - output[j];
      if (!Number.isFinite(r)) return;
      sq += r * r;
      abs += r < 0 ? -r : r;
    }
    sq /= m;
    abs /= m;
    const first = this.n === 0;
    const n = ++this.n;
    const h = this.head;
    if (this.size === this.window) {
      this.sumSq -= this.ringSq[h];
      this.sumAbs -= this.ringAbs[h];
    } else {
      this.size++;
    }
    this.ringSq[h] = sq;
    this.ringAbs[h] = abs;
    this.sumSq += sq;
    this.sumAbs += abs;
    this.ewSq = first ? sq : this.ewSq + a * (sq - this.ewSq);
    this.ewAbs = first ? abs : this.ewAbs + a * (abs - this.ewAbs);
    this.totalSq += sq;
    this.totalAbs += abs;
    for (let j = 0; j < m; j++) {
      const t = actual[j];
      const r = t - output[j];
      const r2 = r * r;
      if (first) this.shift[j] = t;
      const y = t - this.shift[j];
      const at = h * m + j;
      if (this.size === this.window && !first) {
        const old = this.ringY[at];
        this.sumY[j] -= old;
        this.sumY2[j] -= old * old;
        this.sumR2[j] -= this.ringR2[at];
      }
      this.ringY[at] = y;
      this.ringR2[at] = r2;
      this.sumY[j] += y;
      this.sumY2[j] += y * y;
      this.sumR2[j] += r2;
      if (first) {
        this.ewR2[j] = r2;
        this.ewMean[j] = t;
      } else {
        this.ewR2[j] += a * (r2 - this.ewR2[j]);
        const d = t - this.ewMean[j];
        this.ewMean[j] += a * d;
        this.ewVar[j] = (1 - a) * (this.ewVar[j] + a * d * d);
      }
      this.totalR2[j] += r2;
      const d = t - this.mean[j];
      this.mean[j] += d / n;
      this.m2[j] += d * (t - this.mean[j]);
    }
    this.head = h + 1 === this.window ? 0 : h + 1;
    if (this.head === 0) this.resum();
  }

  /** The window's sums again from the ring, as the accumulators do at each wrap. */
  private resum(): void {
    let sq = 0;
    let abs = 0;
    for (let i = 0; i < this.size; i++) {
      sq += this.ringSq[i];
      abs += this.ringAbs[i];
    }
    [this.sumSq, this.sumAbs] = [sq, abs];
    this.sumY.fill(0);
    this.sumY2.fill(0);
    this.sumR2.fill(0);
    for (let i = 0; i < this.size; i++) {
      for (let j = 0; j < this.m; j++) {
        const y = this.ringY[i * this.m + j];
        this.sumY[j] += y;
        this.sumY2[j] += y * y;
        this.sumR2[j] += this.ringR2[i * this.m + j];
      }
    }
    this.checksum += this.sumSq + this.ewSq + this.totalSq + this.m2[0];
  }
}

/** What the operator keeps per subscription, for a tracker of either kind (as rollingMetrics). */
interface Counting {
  readonly samples: number;
  add(step: Step<Sample>): void;
  snapshot(t?: number, samplesPerSecond?: number): MetricsSnapshot;
}

/** rollingMetrics' main branch (no timer), over any tracker: to run the old one the same way. */
function operatorOver(
  tracker: Counting,
  every: number,
): OperatorFunction<Step<Sample>, MetricsSnapshot> {
  return (source) =>
    defer(() => {
      let changed = false;
      let lastT = asyncScheduler.now();
      let lastSamples = tracker.samples;
      const snapshot = (): MetricsSnapshot => {
        const now = asyncScheduler.now();
        const rate =
          now > lastT ? ((tracker.samples - lastSamples) * 1000) / (now - lastT) : undefined;
        [lastT, lastSamples, changed] = [now, tracker.samples, false];
        return tracker.snapshot(now, rate);
      };
      return source.pipe(
        map((step) => {
          tracker.add(step);
          changed = true;
          return tracker.samples % every === 0;
        }),
        filter((due) => due),
        map(snapshot),
        concatWith(defer(() => (changed ? of(snapshot()) : EMPTY))),
      );
    });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Snapshots the operators emitted (printed, so that none of the work can be left out). */
let emitted = 0;

function contenders(m: number, series: ReturnType<typeof makeSeries>): Contender[] {
  const alpha = 2 / (WINDOW + 1);
  const step = lentStep(m);
  const hand = new HandLoop(m, WINDOW, alpha);
  const before = new LegacyTracker(WINDOW, alpha);
  const now = metricsTracker({ window: WINDOW });
  const beforeOperator = new LegacyTracker(WINDOW, alpha);
  const nowOperator = metricsTracker({ window: WINDOW });
  const samples = makeSamples(series, m);
  const learner = () => {
    const net = network({ inputs: 8, layers: [dense(16, tanh), dense(m, linear)], seed: 7 });
    return train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.005 }) });
  };
  const [trainBefore, trainNow] = [learner(), learner()];
  const beforeTrained = new LegacyTracker(WINDOW, alpha);
  const nowTrained = metricsTracker({ window: WINDOW });
  const count = (): void => {
    emitted++;
  };
  return [
    {
      name: 'hand-fused loop (reference)',
      run(start, end) {
        for (let i = start; i < end; i++) {
          fill(step, series, i);
          hand.add(step.output, step.actual as Float64Array);
        }
      },
    },
    {
      name: 'tracker.add, before (PrequentialErrors)',
      run(start, end) {
        for (let i = start; i < end; i++) {
          fill(step, series, i);
          before.add(step);
        }
      },
    },
    {
      name: 'tracker.add, metric values',
      run(start, end) {
        for (let i = start; i < end; i++) {
          fill(step, series, i);
          now.add(step);
        }
      },
    },
    {
      name: 'rollingMetrics, before',
      run(start, end) {
        steps(step, series, start, end).pipe(operatorOver(beforeOperator, WINDOW)).subscribe(count);
      },
    },
    {
      name: 'rollingMetrics, metric values',
      run(start, end) {
        steps(step, series, start, end)
          .pipe(rollingMetrics({ tracker: nowOperator }))
          .subscribe(count);
      },
    },
    {
      name: 'train + rollingMetrics, before',
      run(start, end) {
        samplesOf(samples, start, end)
          .pipe(trainBefore, operatorOver(beforeTrained, WINDOW))
          .subscribe(count);
      },
    },
    {
      name: 'train + rollingMetrics, metric values',
      run(start, end) {
        samplesOf(samples, start, end)
          .pipe(trainNow, rollingMetrics({ tracker: nowTrained }))
          .subscribe(count);
      },
    },
  ];
}

function runOutputs(m: number): void {
  const series = makeSeries(SAMPLES, m);
  const all = contenders(m, series);
  const warm = Math.min(20_000, SAMPLES);
  for (const c of all) c.run(0, warm);
  const chunk = Math.floor(SAMPLES / CHUNKS);
  const wall = all.map((): number[] => []);
  const cpu = all.map((): number[] => []);
  for (let r = 0; r < CHUNKS; r++) {
    for (let q = 0; q < all.length; q++) {
      const i = (r + q) % all.length;
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      all[i].run(r * chunk, (r + 1) * chunk);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const used = process.cpuUsage(cpu0);
      wall[i].push(chunk / seconds);
      cpu[i].push(chunk / ((used.user + used.system) / 1e6));
    }
  }
  const refWall = median(wall[0]);
  const refCpu = median(cpu[0]);
  console.log(
    `\n${m} output${m === 1 ? '' : 's'}, window ${WINDOW}, ${(chunk * CHUNKS).toLocaleString('en')} samples in ${CHUNKS} interleaved chunks`,
  );
  console.log(
    `${'contender'.padEnd(44)}${'samples/s'.padStart(13)}${'ratio'.padStart(7)}${'samples/CPU-s'.padStart(15)}${'ratio'.padStart(7)}`,
  );
  all.forEach((c, i) => {
    const w = median(wall[i]);
    const u = median(cpu[i]);
    console.log(
      `${c.name.padEnd(44)}${Math.round(w).toLocaleString('en').padStart(13)}${(w / refWall).toFixed(2).padStart(7)}${Math.round(u).toLocaleString('en').padStart(15)}${(u / refCpu).toFixed(2).padStart(7)}`,
    );
  });
  const pairs: [number, number, string][] = [
    [1, 2, 'tracker.add'],
    [3, 4, 'rollingMetrics'],
    [5, 6, 'train + rollingMetrics'],
  ];
  for (const [b, a, what] of pairs) {
    // the ratio within each round (same chunk, same moment), then the median of those
    const perRound = (rates: number[][]) => median(rates[a].map((v, k) => v / rates[b][k]));
    console.log(
      `${what}: metric values / before = ${perRound(wall).toFixed(2)} (wall), ${perRound(cpu).toFixed(2)} (CPU)`,
    );
  }
}

/** 1,000,000 samples through the tracker, then through the operator: GCs meanwhile. */
function gcCheck(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('\nGC check skipped: run with node --expose-gc (npm run bench:metrics does)');
    return;
  }
  const total = 1_000_000;
  const series = makeSeries(10_000, 1);
  const step = lentStep(1);
  const count = (what: string, run: () => void): void => {
    let collections = 0;
    const observer = new PerformanceObserver((list) => {
      collections += list.getEntries().length;
    });
    gc();
    const before = process.memoryUsage().heapUsed;
    observer.observe({ entryTypes: ['gc'] });
    run();
    observer.disconnect();
    gc();
    const after = process.memoryUsage().heapUsed;
    console.log(
      `${what}: ${total.toLocaleString('en')} samples, garbage collections during the run: ${collections}; heap ${((after - before) / 1024).toFixed(1)} KB after`,
    );
  };
  const tracker = metricsTracker({ window: WINDOW });
  for (let i = 0; i < 2 * WINDOW; i++) {
    fill(step, series, i % 10_000);
    tracker.add(step); // the ring is allocated at the first scored step
  }
  console.log();
  count('tracker.add (metric values)', () => {
    for (let i = 0; i < total; i++) {
      fill(step, series, i % 10_000);
      tracker.add(step);
    }
  });
  const source = new Observable<Step<Sample>>((subscriber) => {
    for (let i = 0; i < total && !subscriber.closed; i++) {
      fill(step, series, i % 10_000);
      subscriber.next(step);
    }
    subscriber.complete();
  });
  let last = 0;
  count(`rollingMetrics (a snapshot every ${total} samples)`, () => {
    source.pipe(rollingMetrics({ tracker, every: total })).subscribe((m) => {
      last = m.samples;
    });
  });
  if (last === 0) throw new Error('no snapshot');
}

for (const m of OUTPUTS) runOutputs(m);
console.log(`\nsnapshots emitted by the operators: ${emitted.toLocaleString('en')}`);
gcCheck();
