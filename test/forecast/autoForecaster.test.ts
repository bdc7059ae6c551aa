// AutoForecaster (what autoForecast runs per series): the same forecasts as the ensemble of its
// candidates made of the public operators, and a state that restores bit for bit.
import { from, type OperatorFunction, pipe } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AutoCandidates } from '../../src/forecast/autoCandidates.js';
import { AutoForecaster, type AutoForecasterState } from '../../src/forecast/autoForecaster.js';
import type { AutoChoice } from '../../src/forecast/chooseModel.js';
import {
  autoForecast,
  calendarFeatures,
  defaultOptimizer,
  dense,
  difference,
  type EnsembleStep,
  ensemble,
  type Forecast,
  hedge,
  lastValue,
  leastSquares,
  linear,
  mse,
  network,
  normalize,
  rng,
  runningMean,
  type Sample,
  seasonalDifference,
  seasonalLastValue,
  tanh,
  train,
} from '../../src/index.js';
import { lagged } from '../../streams/index.js';

const SETTINGS = { horizon: 1, warmUp: undefined, hidden: 8, seed: 1, weighting: hedge() };

function windows(n: number, k: number, seed: number, horizon = 1): Sample[] {
  const random = rng(seed);
  const readings = Array.from({ length: n + k + horizon - 1 }, (_, h) => ({
    value: 10 + 0.01 * h + 3 * Math.sin((2 * Math.PI * h) / 12) + random.normal(),
    t: h * 3_600_000,
  }));
  const out: Sample[] = [];
  from(readings)
    .pipe(lagged(k, { horizon }))
    .subscribe((s) => out.push(s));
  return out;
}

/** What each step says, copied: the forecast, the target and every candidate's figures. */
function figures(step: EnsembleStep): number[] {
  return [
    step.output[0],
    step.actual?.[0] ?? Number.NaN,
    ...step.candidates.flatMap((c) => [c.output, c.weight, c.meanLoss]),
  ];
}

/** The candidates of `choice` made of the operators, as autoForecast once composed them. */
function operators(
  choice: AutoChoice,
  window: number,
): Record<string, OperatorFunction<Sample, Forecast>> {
  const made: Record<string, OperatorFunction<Sample, Forecast>> = {
    'last value': lastValue(),
    'running mean': runningMean(),
  };
  if (choice.period !== undefined) {
    made[`seasonal last value (${choice.period})`] = seasonalLastValue(choice.period);
  }
  const transform = (): OperatorFunction<Sample, Sample> => {
    const steps: OperatorFunction<Sample, Sample>[] = [];
    if (choice.target === 'seasonal change' && choice.period !== undefined) {
      steps.push(seasonalDifference(choice.period, { inputs: true }));
    } else if (choice.target === 'change') {
      steps.push(difference(1, { inputs: true }));
    }
    if (choice.calendar) steps.push(calendarFeatures());
    return (
      pipe as (...ops: OperatorFunction<Sample, Sample>[]) => OperatorFunction<Sample, Sample>
    )(...steps);
  };
  made['least squares'] = pipe(transform(), leastSquares({ forgetting: 0.999 }));
  for (const rate of [0.001, 0.003, 0.01]) {
    const inputs = window + (choice.calendar ? 4 : 0);
    const net = network({ inputs, layers: [dense(8, tanh), dense(1, linear)], seed: 1 });
    made[`network η=${rate}`] = pipe(
      transform(),
      normalize({ targets: true }),
      train(net, { loss: mse(), optimizer: defaultOptimizer(rate), onInvalid: 'skip' }),
    );
  }
  return made;
}

describe('AutoCandidates', () => {
  const samples = windows(600, 12, 4);
  samples[300] = {
    ...samples[300],
    x: Array.from(samples[300].x, (v, i) => (i === 3 ? Number.NaN : v)),
  };
  it.each<AutoChoice>([
    { period: 12, target: 'seasonal change', calendar: true },
    { period: undefined, target: 'change', calendar: false },
    { period: 6, target: 'level', calendar: true },
  ])('forecasts as ensemble() of the operators, bit for bit (%o)', (choice) => {
    const expected: number[][] = [];
    from(samples)
      .pipe(ensemble(operators(choice, 12), { weighting: hedge() }))
      .subscribe((step) => expected.push(figures(step)));
    const models = new AutoCandidates(choice, { ...SETTINGS, window: 12 });
    const actual = samples.map((s) => figures(models.next(s)));
    expect(actual).toEqual(expected);
    expect(models.names).toEqual(Object.keys(operators(choice, 12)));
  });
});

describe('AutoForecaster', () => {
  const samples = windows(900, 24, 7);
  samples[50] = { ...samples[50], y: Number.NaN }; // in the warm-up: not buffered
  samples[500] = { x: [], malformed: { field: 'value', value: 'x', problem: 'not a number' } };

  it('is what autoForecast runs', () => {
    const expected: number[][] = [];
    from(samples)
      .pipe(autoForecast())
      .subscribe((step) => expected.push(figures(step)));
    const auto = new AutoForecaster(SETTINGS);
    expect(samples.map((s) => figures(auto.next(s)))).toEqual(expected);
  });

  it.each([0, 1, 30, 99, 100, 101, 400])(
    'restored from its state after %i samples, forecasts bit for bit as the one never stopped',
    (cut) => {
      const whole = new AutoForecaster(SETTINGS);
      const expected = samples.map((s) => figures(whole.next(s)));
      const first = new AutoForecaster(SETTINGS);
      for (const s of samples.slice(0, cut)) first.next(s);
      const saved = JSON.parse(JSON.stringify(first.state())) as AutoForecasterState;
      const resumed = new AutoForecaster(SETTINGS);
      resumed.restore(saved);
      expect(JSON.parse(JSON.stringify(resumed.state()))).toEqual(saved);
      const after = samples.slice(cut).map((s) => figures(resumed.next(s)));
      expect(after).toEqual(expected.slice(cut));
    },
  );

  it('restores a warm-up that saw only samples it cannot use', () => {
    const auto = new AutoForecaster(SETTINGS);
    const bad = { x: [1, Number.NaN], y: 2 };
    const step = auto.next(bad);
    expect(Number.isNaN(step.output[0])).toBe(true);
    const state = auto.state();
    expect(state.window).toBe(-1);
    expect(state.warmUp?.reach).toBe(1);
    const copy = new AutoForecaster(SETTINGS);
    copy.restore(JSON.parse(JSON.stringify(state)));
    expect(copy.state()).toEqual(state);
    expect(figures(copy.next(samples[0]))).toEqual(figures(auto.next(samples[0])));
  });

  it('refuses a state that does not fit, naming the field, and stays as it was', () => {
    const auto = new AutoForecaster(SETTINGS);
    for (const s of samples.slice(0, 200)) auto.next(s);
    const state = JSON.parse(JSON.stringify(auto.state())) as AutoForecasterState;
    const fresh = new AutoForecaster(SETTINGS);
    const before = fresh.state();
    const chosen = state.chosen as NonNullable<AutoForecasterState['chosen']>;
    const wrong = (change: (s: typeof chosen) => unknown): unknown => ({
      ...state,
      chosen: change(structuredClone(chosen)),
    });
    expect(() =>
      fresh.restore(
        wrong((c) => {
          c.networks[1].parameters.pop();
          return c;
        }),
      ),
    ).toThrow(
      /^AutoForecaster\.restore: chosen\.networks\[1\]\.parameters: has \d+ values, the network \d+$/,
    );
    expect(() =>
      fresh.restore(wrong((c) => ({ ...c, combiner: { ...c.combiner, total: [1] } }))),
    ).toThrow(
      /^AutoForecaster\.restore: chosen\.combiner\.total: has 1 values, the candidates are 7$/,
    );
    expect(() => fresh.restore(wrong((c) => ({ ...c, scaler: { method: 'no' } })))).toThrow(
      /^AutoForecaster\.restore: chosen\.scaler\.method: /,
    );
    expect(() => fresh.restore(wrong((c) => ({ ...c, networks: c.networks.slice(1) })))).toThrow(
      /^AutoForecaster\.restore: chosen\.networks: has 2 states, expected 3$/,
    );
    expect(() =>
      fresh.restore(
        wrong((c) => {
          c.networks[0].optimizer.hyperParameters = { decay: 0.5 };
          return c;
        }),
      ),
    ).toThrow(/^AutoForecaster\.restore: chosen\.networks\[0\]\.optimizer: rmsprop\.restore: /);
    expect(() => fresh.restore({ ...state, buffer: [{ x: [1], y: '2' }] })).toThrow(TypeError);
    expect(() => fresh.restore({ ...state, buffer: [{ x: [1], y: '2' }] })).toThrow(
      /^AutoForecaster\.restore: buffer\[0\]\.y: Invalid input: expected number, received string$/,
    );
    expect(() => fresh.restore(null)).toThrow(/^AutoForecaster\.restore: state: /);
    expect(fresh.state()).toEqual(before);
  });

  it('refuses the state of a warm-up with another number of naive forecasts', () => {
    const auto = new AutoForecaster(SETTINGS);
    for (const s of samples.slice(0, 10)) auto.next(s);
    const state = auto.state();
    const warm = state.warmUp as NonNullable<AutoForecasterState['warmUp']>;
    expect(() =>
      new AutoForecaster(SETTINGS).restore({ ...state, warmUp: { ...warm, reach: 3 } }),
    ).toThrow(
      /^AutoForecaster\.restore: warmUp\.naive: has 25 states, expected 4 for windows of 3$/,
    );
  });
});
