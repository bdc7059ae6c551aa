// ensemble (Hedge over candidates) and autoForecast (season detection + differencing +
// ensemble): prequential weights, the combined forecast, the candidates' scores, and the
// automatic choice on seeded series.
import { from, map, pipe } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  autoForecast,
  ensemble,
  hedge,
  lastValue,
  leastSquares,
  rng,
  rollingMetrics,
  runningMean,
  type Sample,
  seasonalLastValue,
} from '../../src/index.js';
import { lagged } from '../../streams/index.js';
import { collect } from './snapshot.js';

/** A seeded hourly series: a daily cycle, a slow wander, noise. */
function hourly(n: number, seed = 1): { value: number; t: number }[] {
  const random = rng(seed);
  let wander = 0;
  return Array.from({ length: n }, (_, h) => {
    wander = 0.98 * wander + 0.1 * random.normal();
    return {
      value: 15 + 5 * Math.sin((2 * Math.PI * h) / 24) + wander + 0.2 * random.normal(),
      t: Date.UTC(2024, 0, 1) + h * 3_600_000,
    };
  });
}

const rmse = (pairs: [number, number][]): number =>
  Math.sqrt(pairs.reduce((s, [f, y]) => s + (f - y) ** 2, 0) / pairs.length);

describe('ensemble', () => {
  it('forecasts the weighted mean of its candidates, with weights from the losses before', () => {
    const steps = collect(
      from([
        { x: [1], y: 1 },
        { x: [1], y: 1 },
        { x: [5], y: 1 },
      ]).pipe(
        ensemble({ last: lastValue(), mean: runningMean() }, { weighting: hedge({ rate: 1 }) }),
        map((s) => ({
          output: s.output[0],
          weights: s.candidates.map((c) => c.weight),
          losses: s.candidates.map((c) => c.loss),
        })),
      ),
    ).values;
    // sample 0: no losses yet, equal weights: (1 + 0) / 2
    expect(steps[0]).toEqual({ output: 0.5, weights: [0.5, 0.5], losses: [0, 1] });
    // sample 1: last was right (ℓ 0), mean was wrong (e² = 1, the best's mean loss 0: ℓ = 1)
    const w = 1 / (1 + Math.exp(-1));
    expect(steps[1].weights[0]).toBeCloseTo(w, 12);
    expect(steps[1].output).toBeCloseTo(w * 1 + (1 - w) * 1, 12);
    expect(steps[2].output).toBeCloseTo(steps[2].weights[0] * 5 + steps[2].weights[1] * 1, 12);
  });

  it('follows the better candidate: its loss stays close to the best one’s', () => {
    const series = hourly(3000);
    const pairs: Record<string, [number, number][]> = { ensemble: [], last: [], season: [] };
    from(series)
      .pipe(
        lagged(24),
        ensemble({ last: lastValue(), season: seasonalLastValue(24), mean: runningMean() }),
      )
      .subscribe((step) => {
        const y = (step.actual as Float64Array)[0];
        pairs.ensemble.push([step.output[0], y]);
        pairs.last.push([step.candidates[0].output, y]);
        pairs.season.push([step.candidates[1].output, y]);
      });
    const best = Math.min(rmse(pairs.last), rmse(pairs.season));
    expect(rmse(pairs.ensemble) / best).toBeLessThan(1.02);
  });

  it('its steps go to rollingMetrics like training steps', () => {
    const snapshots = collect(
      from(hourly(300)).pipe(
        lagged(24),
        ensemble({ last: lastValue(), linear: leastSquares() }),
        rollingMetrics({ window: 100, every: 100 }),
      ),
    ).values;
    expect(snapshots.map((m) => m.samples)).toEqual([100, 200, 276]); // and one at the end
    expect(snapshots[1].rmse).toBeGreaterThan(0);
  });

  it('rejects a sample every candidate rejects, and fails when a candidate emits no forecast', () => {
    const out = collect(
      from([{ x: [Number.NaN], y: 1 } as Sample, { x: [2], y: 1 }]).pipe(
        ensemble({ last: lastValue() }),
        map((s) => s.rejection?.reason),
      ),
    );
    expect(out.values).toEqual(['nonFinite', undefined]);
    const silent = collect(
      from([{ x: [1], y: 1 }]).pipe(
        ensemble({
          none: pipe(
            lastValue(),
            map((f) => f),
          ),
          quiet: () => from([]),
        }),
      ),
    );
    expect((silent.error as Error).message).toMatch(
      /^ensemble: candidate "quiet" emitted 0 forecasts for sample 0/,
    );
  });

  it('checks its arguments at once', () => {
    expect(() => ensemble({})).toThrow(/^ensemble: candidates must be at least one candidate/);
    expect(() => ensemble({ a: 3 } as never)).toThrow(/^ensemble: candidates\.a must be/);
    expect(() => ensemble({ a: lastValue() }, { weighting: 'hedge' as never })).toThrow(
      /^ensemble: weighting must be a weighting such as hedge\(\)/,
    );
    expect(() => hedge({ rate: 0 })).toThrow(/^hedge: rate must be/);
    expect(() => hedge({ discount: 1 })).toThrow(
      /^hedge: discount must be a finite number in \(0, 1\)/,
    );
  });
});

describe('autoForecast', () => {
  it('finds the daily season, forecasts the seasonal change, and beats every naive forecast', () => {
    const series = hourly(3000);
    const pairs: [number, number][] = [];
    const seasonal: [number, number][] = [];
    const last: [number, number][] = [];
    let names: string[] = [];
    from(series)
      .pipe(lagged(24), autoForecast())
      .subscribe((step) => {
        const y = (step.actual as Float64Array)[0];
        const x = (step.sample as Sample).x;
        pairs.push([step.output[0], y]);
        seasonal.push([x[0], y]);
        last.push([x[23], y]);
        names = step.candidates.map((c) => c.name);
      });
    expect(names).toContain('seasonal last value (24)');
    expect(names).toContain('least squares');
    expect(names).toContain('network η=0.003');
    expect(pairs).toHaveLength(3000 - 24);
    const best = Math.min(rmse(seasonal), rmse(last));
    expect(rmse(pairs)).toBeLessThan(best);
  });

  it('finds no season in noise and stays near the running mean', () => {
    const random = rng(5);
    const noise = Array.from({ length: 1500 }, () => 3 + random.normal());
    let names: string[] = [];
    const pairs: [number, number][] = [];
    from(noise)
      .pipe(lagged(7), autoForecast())
      .subscribe((step) => {
        names = step.candidates.map((c) => c.name);
        pairs.push([step.output[0], (step.actual as Float64Array)[0]]);
      });
    expect(names.some((n) => n.startsWith('seasonal'))).toBe(false);
    expect(rmse(pairs.slice(500))).toBeLessThan(1.08); // the noise is 1
  });

  it('checks its options at once', () => {
    expect(() => autoForecast({ horizon: 0 })).toThrow(/^autoForecast: horizon must be/);
    expect(() => autoForecast({ hidden: 1.5 })).toThrow(/^autoForecast: hidden must be/);
  });
});
