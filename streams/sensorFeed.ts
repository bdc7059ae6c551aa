import { Observable } from 'rxjs';
import {
  checkFiniteNumber,
  checkInteger,
  checkInterval,
  checkLimit,
  checkNonNegativeNumber,
  checkOptions,
  checkPositiveInteger,
  checkPositiveNumber,
} from '../src/checks/argumentChecks.js';
import { type Rng, rng } from '../src/core/rng.js';
import type { Sample } from '../src/samples/sample.js';
import { emitPaced } from './emitPaced.js';
import { type Valve, valveOption } from './valve.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Standard deviation of the slowly wandering "weather" part of a reading, °C. */
const WEATHER_SD = 0.5;
/** Time constant of the weather part (an Ornstein–Uhlenbeck process). */
const WEATHER_TAU = 6 * HOUR;
/** Time constant with which the gradual drift is pulled back towards the sensor's home level. */
const GRADUAL_TAU = 30 * DAY;

/** Options of {@link sensorFeed}. */
export interface SensorFeedOptions {
  /** How many sensors, keyed `sensor-1`, `sensor-2` … (default 4). */
  readonly sensors?: number;
  /**
   * Seed of everything random (default 1): the same seed and options give the same feed, bit for
   * bit. Sensor `k`'s readings do not depend on how many sensors there are.
   */
  readonly seed?: number;
  /** Samples per second (all sensors together); omitted or 0: as fast as the subscriber takes them. */
  readonly rate?: number;
  /** Nothing is emitted while this valve is closed (back-pressure from a consumer such as `appendTo`). */
  readonly valve?: Valve;
  /** Stop after this many samples (default: never). */
  readonly limit?: number;
  /** Simulated time of the first forecast reading, epoch ms (default 2024-01-01T00:00Z). */
  readonly start?: number;
  /** Simulated time between two readings of one sensor, ms (default 300 000: five minutes). */
  readonly interval?: number;
  /** How many past readings of the sensor make up the start of `x` (default 6). */
  readonly lags?: number;
  /** Standard deviation of the measurement noise on each reading, °C (default 0.5: a cheap sensor). */
  readonly noise?: number;
  /** Chance that a reading is an anomaly, a spike (default 0.002). */
  readonly anomalyProbability?: number;
  /** Typical size of an anomaly's spike, °C: each is 0.75 to 1.5 times it, up or down (default 5). */
  readonly anomalySize?: number;
  /**
   * Gradual drift of the baseline: the typical change it makes over one simulated day, °C
   * (default 0.5). A random walk, pulled back to the sensor's home level over about 30 days.
   */
  readonly gradualDrift?: number;
  /** Chance that an abrupt drift (a level and amplitude shift) starts at a reading (default 0.0002). */
  readonly driftProbability?: number;
  /** Typical size of an abrupt level shift, °C: each is 0.5 to 1.5 times it (default 3). */
  readonly driftSize?: number;
}

/**
 * One sample of {@link sensorFeed}: forecast a sensor's next reading from its recent ones.
 *
 * @example
 * ```ts
 * import { sensorFeed, type SensorSample } from 'streamprop/streams';
 * sensorFeed({ limit: 1 }).subscribe((s: SensorSample) => console.log(s.key, s.x.length, s.y));
 * ```
 */
export interface SensorSample extends Sample {
  /**
   * The features, `lags + 2` numbers: the sensor's last `lags` readings in °C, oldest first
   * (anomalies included, as a real sensor reports them), then the sine and the cosine of the
   * time of day of the reading to forecast (`2π · (t mod 24 h) / 24 h`, UTC).
   */
  readonly x: readonly number[];
  /** The reading to forecast, °C. */
  readonly y: number;
  /** The sensor: `sensor-1`, `sensor-2` … */
  readonly key: string;
  /** 0-based number of the sample in the feed. */
  readonly id: number;
  /** Simulated time of the reading `y`, epoch ms: `start + n · interval` at the n-th reading. */
  readonly t: number;
  /** Whether the reading `y` is an injected anomaly (a spike). */
  readonly anomaly: boolean;
  /** Whether an abrupt drift (level and amplitude shift) took effect at the reading `y`. */
  readonly drift: boolean;
}

/**
 * A synthetic multi-sensor feed — temperature-like readings in °C — as forecasting samples:
 * `x` is the sensor's last `lags` readings and the time of day, `y` its next reading (see
 * {@link SensorSample}; 8 inputs with the default options).
 *
 * **Time.** Every sensor reads once per `interval` of simulated time (five minutes by default,
 * 288 readings a day); at each moment the sensors emit in order, `sensor-1` first, so sample
 * `id` is of sensor `id mod sensors + 1`. `t` is the simulated time, whatever the `rate`; the
 * first `lags` readings of each sensor, before `start`, only fill `x`.
 *
 * **A reading** of a sensor is the sum of
 * - its home level (drawn in [14, 24] °C) plus a gradual drift (`gradualDrift`) and the
 *   offset of its abrupt drifts;
 * - a daily cycle: an amplitude (drawn in [2, 6] °C) times `cos θ + h cos 2θ`, with θ the
 *   time of day from its peak (drawn between 13:00 and 17:00) and `h` drawn in [0, 0.3];
 * - weather: a slowly wandering term (standard deviation 0.5 °C, time constant 6 h);
 * - measurement noise (`noise`);
 * - with probability `anomalyProbability`, a spike of ±0.75–1.5 × `anomalySize` (labelled
 *   `anomaly`; the reading after it is normal again).
 *
 * **Abrupt drifts** start at a reading with probability `driftProbability` (labelled `drift`):
 * the level moves by 0.5–1.5 × `driftSize` (up or down; towards home once it is more than
 * 2 × `driftSize` away) and the daily amplitude becomes 0.5–1.5 times the sensor's original.
 *
 * The best forecast therefore averages out the noise of the last readings and follows the daily
 * cycle: with the default options, an 8-16-1 network behind `normalize()` learns to beat the
 * naive forecast (the last reading) by about 15 % in RMSE within a few thousand samples, where
 * the best linear forecast fitted afterwards on all of them beats it by about 20 %.
 *
 * **Pace.** With `rate` 0 (the default) the feed emits synchronously as fast as the subscriber
 * takes the samples, forever unless `limit` (or `take(n)` downstream, which stops it at once)
 * ends it. With a `rate`, it emits that many samples per second on a timer, without drifting;
 * after a stall it catches up at most a quarter of a second's worth at once. Each sample is a
 * new object (its `x` a new array), never reused.
 *
 * @throws TypeError or RangeError at once, naming `sensorFeed` and the option, for an option
 * that is not a number or out of range.
 *
 * @example
 * ```ts
 * import { dense, linear, mse, network, normalize, rollingMetrics, tanh, train } from 'streamprop';
 * import { sensorFeed } from 'streamprop/streams';
 * const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
 * sensorFeed({ seed: 7, limit: 20_000 })
 *   .pipe(
 *     normalize({ targets: true }),
 *     train(net, { loss: mse() }),
 *     rollingMetrics({ window: 2000 }),
 *   )
 *   .subscribe((m) => console.log(m.seq, m.rmse)); // °C
 * ```
 */
export function sensorFeed(options: SensorFeedOptions = {}): Observable<SensorSample> {
  const o = checkOptions<SensorFeedOptions>('sensorFeed', options);
  const sensors = checkPositiveInteger('sensorFeed', 'sensors', o.sensors ?? 4);
  const seed = checkInteger('sensorFeed', 'seed', o.seed ?? 1);
  const rate = checkNonNegativeNumber('sensorFeed', 'rate', o.rate ?? 0);
  const limit = checkLimit('sensorFeed', 'limit', o.limit ?? Number.POSITIVE_INFINITY);
  const valve = valveOption('sensorFeed', o.valve);
  const start = checkFiniteNumber('sensorFeed', 'start', o.start ?? Date.UTC(2024, 0, 1));
  const interval = checkPositiveNumber('sensorFeed', 'interval', o.interval ?? 5 * MINUTE);
  const lags = checkPositiveInteger('sensorFeed', 'lags', o.lags ?? 6);
  const noise = checkNonNegativeNumber('sensorFeed', 'noise', o.noise ?? 0.5);
  const anomalyProbability = checkInterval(
    'sensorFeed',
    'anomalyProbability',
    o.anomalyProbability ?? 0.002,
    { min: 0, max: 1 },
  );
  const anomalySize = checkNonNegativeNumber('sensorFeed', 'anomalySize', o.anomalySize ?? 5);
  const gradualDrift = checkNonNegativeNumber('sensorFeed', 'gradualDrift', o.gradualDrift ?? 0.5);
  const driftProbability = checkInterval(
    'sensorFeed',
    'driftProbability',
    o.driftProbability ?? 0.0002,
    { min: 0, max: 1 },
  );
  const driftSize = checkNonNegativeNumber('sensorFeed', 'driftSize', o.driftSize ?? 3);

  const weatherPull = Math.exp(-interval / WEATHER_TAU);
  const physics: Physics = {
    noise,
    anomalyProbability,
    anomalySize,
    driftProbability,
    driftSize,
    weatherPull,
    weatherStep: WEATHER_SD * Math.sqrt(1 - weatherPull * weatherPull),
    gradualPull: Math.exp(-interval / GRADUAL_TAU),
    gradualStep: gradualDrift * Math.sqrt(interval / DAY),
  };

  return new Observable<SensorSample>((subscriber) => {
    const master = rng(seed);
    const all: SimulatedSensor[] = [];
    for (let k = 0; k < sensors; k++) all.push(new SimulatedSensor(k, master, physics, lags));
    // Fill each sensor's history with the readings before `start`.
    for (let n = -lags; n < 0; n++) {
      const phase = timeOfDay(start + n * interval);
      for (const sensor of all) sensor.read(phase);
    }
    let tick = 0;
    let k = 0;
    let id = 0;
    let t = start;
    let phase = timeOfDay(t);
    let sin = Math.sin(phase);
    let cos = Math.cos(phase);
    return emitPaced(
      subscriber,
      rate,
      limit,
      () => {
        if (k === sensors) {
          k = 0;
          tick++;
          t = start + tick * interval;
          phase = timeOfDay(t);
          sin = Math.sin(phase);
          cos = Math.cos(phase);
        }
        const sensor = all[k++];
        const x = new Array<number>(lags + 2);
        sensor.copyHistory(x);
        x[lags] = sin;
        x[lags + 1] = cos;
        const y = sensor.read(phase);
        subscriber.next({
          x,
          y,
          key: sensor.key,
          id: id++,
          t,
          anomaly: sensor.anomaly,
          drift: sensor.drift,
        });
      },
      valve,
    );
  });
}

/** The option-derived constants every sensor of one feed shares. */
interface Physics {
  readonly noise: number;
  readonly anomalyProbability: number;
  readonly anomalySize: number;
  readonly driftProbability: number;
  readonly driftSize: number;
  /** Per-reading factor and innovation of the weather term. */
  readonly weatherPull: number;
  readonly weatherStep: number;
  /** Per-reading factor and innovation of the gradual drift. */
  readonly gradualPull: number;
  readonly gradualStep: number;
}

/** The angle of the time of day of `t` (UTC), in [0, 2π). */
function timeOfDay(t: number): number {
  return (2 * Math.PI * (((t % DAY) + DAY) % DAY)) / DAY;
}

/** One simulated sensor: its fixed character, its state and its recent readings. */
class SimulatedSensor {
  readonly key: string;
  /** Labels of the latest reading. */
  anomaly = false;
  drift = false;
  private readonly home: number;
  private readonly baseAmplitude: number;
  private readonly peak: number;
  private readonly harmonic: number;
  /** Separate generators, so that e.g. turning anomalies off leaves the rest of the feed as it was. */
  private readonly noiseRandom: Rng;
  private readonly anomalyRandom: Rng;
  private readonly driftRandom: Rng;
  private amplitude: number;
  private weather = 0;
  private gradual = 0;
  private offset = 0;
  /** The last readings, a ring whose oldest entry is at `head`. */
  private readonly history: Float64Array;
  private head = 0;

  constructor(
    index: number,
    master: Rng,
    private readonly physics: Physics,
    lags: number,
  ) {
    this.key = `sensor-${index + 1}`;
    const seedOf = (): number => Math.floor(master.next() * 4294967296);
    const character = rng(seedOf());
    this.noiseRandom = rng(seedOf());
    this.anomalyRandom = rng(seedOf());
    this.driftRandom = rng(seedOf());
    this.home = 14 + 10 * character.next();
    this.baseAmplitude = 2 + 4 * character.next();
    this.peak = (2 * Math.PI * (13 + 4 * character.next())) / 24;
    this.harmonic = 0.3 * character.next();
    this.amplitude = this.baseAmplitude;
    this.history = new Float64Array(lags);
  }

  /** Writes the last readings, oldest first, into `out[0 … lags - 1]`. */
  copyHistory(out: number[]): void {
    const h = this.history;
    const n = h.length;
    for (let i = 0; i < n; i++) out[i] = h[(this.head + i) % n];
  }

  /** Takes the next reading at time-of-day angle `phase`, records it and returns it. */
  read(phase: number): number {
    const p = this.physics;
    this.drift = this.driftRandom.next() < p.driftProbability;
    if (this.drift) {
      const r = this.driftRandom;
      const size = p.driftSize * (0.5 + r.next());
      const up = Math.abs(this.offset) > 2 * p.driftSize ? this.offset < 0 : r.next() < 0.5;
      this.offset += up ? size : -size;
      this.amplitude = this.baseAmplitude * (0.5 + r.next());
    }
    const random = this.noiseRandom;
    this.weather = p.weatherPull * this.weather + p.weatherStep * random.normal();
    this.gradual = p.gradualPull * this.gradual + p.gradualStep * random.normal();
    const angle = phase - this.peak;
    let reading =
      this.home +
      this.gradual +
      this.offset +
      this.weather +
      this.amplitude * (Math.cos(angle) + this.harmonic * Math.cos(2 * angle)) +
      p.noise * random.normal();
    this.anomaly = this.anomalyRandom.next() < p.anomalyProbability;
    if (this.anomaly) {
      const r = this.anomalyRandom;
      const spike = p.anomalySize * (0.75 + 0.75 * r.next());
      reading += r.next() < 0.5 ? spike : -spike;
    }
    this.history[this.head] = reading;
    this.head = (this.head + 1) % this.history.length;
    return reading;
  }
}
