// npm run bench:quality — how well the learning-rate setups forecast a drifting sensor.
//
// A seeded synthetic temperature sensor, one reading every 15 minutes (96 a day): a daily
// cycle, a slowly wandering "weather" component, measurement noise, four abrupt changes (the
// sensor is moved or recalibrated) and gradual drifts in between. Each contender is a fresh
// 16-16(tanh)-1(linear) network (same seed) that forecasts the next reading from the last 16
// and learns online from every sample; its error is prequential (each prediction is made
// before the network learns from that sample). Readings are scaled by a fixed (r - 20 °C) / 10
// °C for every contender alike; errors are reported in °C.
//
// Contenders: fixed-rate SGD at three rates, Adam with its defaults, SGD + boldDriver() for
// reference, and `train(net, { loss: mse() })` with no optimizer named — the default.
//
// Environment: QUALITY_SEED (default 1) for the detailed table, QUALITY_SAMPLES (default
// 60000), QUALITY_SEEDS (default 1,2,3,4,5) for the summary over seeds.
import { from, type OperatorFunction } from 'rxjs';
import {
  adam,
  adaptLearningRate,
  boldDriver,
  dense,
  linear,
  mse,
  network,
  rng,
  type Sample,
  type Step,
  sgd,
  tanh,
  train,
} from '../src/index.js';

const SAMPLES = Number(process.env.QUALITY_SAMPLES ?? 60_000);
const SEED = Number(process.env.QUALITY_SEED ?? 1);
const SEEDS = (process.env.QUALITY_SEEDS ?? '1,2,3,4,5').split(',').map(Number);
const LAGS = 16;
const PER_DAY = 96;
const CENTER = 20;
const SCALE = 10;

/** One stretch of the stream between abrupt changes; level and amplitude drift linearly. */
interface Regime {
  readonly name: string;
  readonly level: readonly [number, number];
  readonly amplitude: readonly [number, number];
  /** Shift of the daily cycle, in radians. */
  readonly phase: number;
  /** Weight of a second harmonic (a sharper afternoon peak). */
  readonly harmonic: number;
  /** Standard deviation of the measurement noise, °C. */
  readonly noise: number;
}

const REGIMES: readonly Regime[] = [
  { name: 'steady', level: [20, 20], amplitude: [5, 5], phase: 0, harmonic: 0, noise: 0.3 },
  {
    name: 'moved, warming',
    level: [26, 30],
    amplitude: [3, 3],
    phase: 0,
    harmonic: 0,
    noise: 0.3,
  },
  {
    name: 'shifted, damping',
    level: [18, 18],
    amplitude: [7, 4],
    phase: Math.PI / 2,
    harmonic: 0,
    noise: 0.3,
  },
  {
    name: 'new shape, cooling',
    level: [22, 16],
    amplitude: [5, 5],
    phase: Math.PI / 2,
    harmonic: 0.4,
    noise: 0.5,
  },
  { name: 'steady again', level: [24, 24], amplitude: [5, 5], phase: 0, harmonic: 0, noise: 0.3 },
];

interface Stream {
  readonly samples: readonly Sample[];
  /** The index of the first sample of each segment, and the end. */
  readonly bounds: readonly number[];
}

/** The sensor's readings, as forecasting samples: x = the last LAGS readings, y = the next. */
function sensorStream(seed: number, count: number): Stream {
  const random = rng(seed);
  const total = count + LAGS;
  const readings = new Float64Array(total);
  // Changes at 1/5, 2/5, 3/5, 4/5 of the samples (in reading time: shifted by LAGS).
  const bounds = REGIMES.map((_, k) => Math.round((k * count) / REGIMES.length));
  const at = [...bounds.map((b) => b + LAGS), total];
  at[0] = 0;
  let weather = 0;
  let k = 0;
  for (let n = 0; n < total; n++) {
    while (n >= at[k + 1]) k++;
    const r = REGIMES[k];
    const f = (n - at[k]) / (at[k + 1] - at[k]);
    const level = r.level[0] + f * (r.level[1] - r.level[0]);
    const amplitude = r.amplitude[0] + f * (r.amplitude[1] - r.amplitude[0]);
    const angle = (2 * Math.PI * n) / PER_DAY + r.phase;
    weather = 0.995 * weather + 0.1 * random.normal(); // AR(1), standard deviation ≈ 1 °C
    readings[n] =
      level +
      amplitude * (Math.sin(angle) + r.harmonic * Math.sin(2 * angle)) +
      weather +
      r.noise * random.normal();
  }
  const samples: Sample[] = [];
  for (let n = 0; n < count; n++) {
    const x = new Float64Array(LAGS);
    for (let i = 0; i < LAGS; i++) x[i] = (readings[n + i] - CENTER) / SCALE;
    samples.push({ x, y: (readings[n + LAGS] - CENTER) / SCALE });
  }
  return { samples, bounds: [...bounds, count] };
}

interface Contender {
  readonly name: string;
  /** The training pipeline on a fresh network. */
  readonly make: () => OperatorFunction<Sample, Step>;
}

const freshNet = () =>
  network({ inputs: LAGS, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });

const fixedSgd = (rate: number): Contender => ({
  name: `SGD η = ${rate}`,
  make: () => train(freshNet(), { loss: mse(), optimizer: sgd({ learningRate: rate }) }),
});

const CONTENDERS: readonly Contender[] = [
  fixedSgd(0.01),
  fixedSgd(0.03),
  fixedSgd(0.1),
  {
    name: 'Adam (η = 0.001, β₁ 0.9, β₂ 0.999)',
    make: () => train(freshNet(), { loss: mse(), optimizer: adam() }),
  },
  {
    name: 'SGD η₀ = 0.03 + boldDriver()',
    make: () => {
      const net = freshNet();
      const optimizer = sgd({ learningRate: 0.03 });
      return (source) =>
        source.pipe(
          train(net, { loss: mse(), optimizer }),
          adaptLearningRate(net, optimizer, boldDriver()),
        );
    },
  },
  { name: 'default: train(net, { loss })', make: () => train(freshNet(), { loss: mse() }) },
];
const FIXED = 3; // the first three are the fixed rates
const DEFAULT = CONTENDERS.length - 1;

interface Result {
  /** Prequential RMSE, °C: overall, then per segment. */
  readonly overall: number;
  readonly segments: readonly number[];
  readonly finalRate: number;
  readonly rateChanges: number;
}

function evaluate(contender: Contender, stream: Stream): Result {
  const sums = new Float64Array(REGIMES.length);
  let total = 0;
  let segment = 0;
  let finalRate = Number.NaN;
  let rateChanges = 0;
  from(stream.samples)
    .pipe(contender.make())
    .subscribe((step) => {
      while (step.seq >= stream.bounds[segment + 1]) segment++;
      const e = (step.prediction[0] - (step.target as Float64Array)[0]) * SCALE;
      // A diverged prediction counts as a very large error rather than poisoning the mean.
      const e2 = Number.isFinite(e) ? Math.min(e * e, 1e6) : 1e6;
      sums[segment] += e2;
      total += e2;
      finalRate = step.learningRate;
      for (const event of step.events) if (event.type === 'learningRate') rateChanges++;
    });
  const n = stream.samples.length;
  return {
    overall: Math.sqrt(total / n),
    segments: REGIMES.map((_, k) => Math.sqrt(sums[k] / (stream.bounds[k + 1] - stream.bounds[k]))),
    finalRate,
    rateChanges,
  };
}

/** The prequential RMSE of forecasting the next reading as the last one, °C (a baseline). */
function persistence(stream: Stream): number {
  let total = 0;
  for (const s of stream.samples) {
    const e = ((s.y as number) - s.x[LAGS - 1]) * SCALE;
    total += e * e;
  }
  return Math.sqrt(total / stream.samples.length);
}

const pad = (s: string, n: number): string => s.padEnd(n);
const num = (v: number, n = 8): string => v.toFixed(3).padStart(n);

const started = performance.now();
const stream = sensorStream(SEED, SAMPLES);
console.log(
  `Drifting sensor, seed ${SEED}: ${SAMPLES} readings (15 min apart), forecast the next from the last ${LAGS}; 16-16(tanh)-1(linear) nets, seed 7.`,
);
console.log(
  `Segments (abrupt change at each boundary): ${REGIMES.map((r, k) => `${k + 1} ${r.name} [${stream.bounds[k]}, ${stream.bounds[k + 1]})`).join('; ')}.`,
);
console.log('Prequential RMSE, °C (lower is better):\n');
const width = 38;
console.log(
  `${pad('contender', width)} ${'overall'.padStart(8)} ${REGIMES.map((_, k) => `seg ${k + 1}`.padStart(8)).join(' ')}  final η   η events`,
);
const results = CONTENDERS.map((c) => evaluate(c, stream));
results.forEach((r, i) => {
  console.log(
    `${pad(CONTENDERS[i].name, width)} ${num(r.overall)} ${r.segments.map((v) => num(v)).join(' ')}  ${r.finalRate.toExponential(2).padStart(8)} ${String(r.rateChanges).padStart(6)}`,
  );
});
console.log(`${pad('(baseline: repeat the last reading)', width)} ${num(persistence(stream))}`);

const bestFixed = results.slice(0, FIXED).reduce((a, b) => (b.overall < a.overall ? b : a));
const bestName = CONTENDERS[results.indexOf(bestFixed)].name;
const ours = results[DEFAULT].overall;
console.log(
  `\nThe default ${ours <= bestFixed.overall ? 'IS' : 'is NOT'} at least as good as the best fixed rate (${bestName}): ${ours.toFixed(4)} vs ${bestFixed.overall.toFixed(4)} °C (${(((ours - bestFixed.overall) / bestFixed.overall) * 100).toFixed(1)} %).`,
);

console.log(`\nOverall prequential RMSE, °C, on seeds ${SEEDS.join(', ')}:\n`);
console.log(`${pad('contender', width)} ${SEEDS.map((s) => `seed ${s}`.padStart(8)).join(' ')}`);
const bySeed = SEEDS.map((seed) => {
  const s = sensorStream(seed, SAMPLES);
  return CONTENDERS.map((c) => evaluate(c, s).overall);
});
CONTENDERS.forEach((c, i) => {
  console.log(`${pad(c.name, width)} ${bySeed.map((row) => num(row[i])).join(' ')}`);
});
const wins = bySeed.filter((row) => row[DEFAULT] <= Math.min(...row.slice(0, FIXED))).length;
console.log(
  `\nThe default is at least as good as the best fixed rate on ${wins} of ${SEEDS.length} seeds.`,
);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
