// Smoke tests of the real-data examples: each runs as a user runs it (compiled, importing the
// package by name, reading an installed dataset) and must print what it promises — the model's
// prequential error against the naive forecasts. `npm test` builds dist/ before vitest runs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function run(name: string): string {
  const file = `dist/examples/${name}.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
}

interface Figures {
  rmse: number;
  mae: number;
}

/** The `<name>  RMSE <r> <unit>  MAE <m> <unit>` lines of an example's output, by name. */
function scores(output: string): Map<string, Figures> {
  const found = new Map<string, Figures>();
  for (const m of output.matchAll(/^(\S+(?: \S+)?)\s+RMSE (\d+\.\d+) \S+\s+MAE (\d+\.\d+) /gm)) {
    found.set(m[1], { rmse: Number(m[2]), mae: Number(m[3]) });
  }
  return found;
}

function figures(all: Map<string, Figures>, name: string): Figures {
  const f = all.get(name);
  if (f === undefined) throw new Error(`no figures for "${name}" in ${[...all.keys()].join(', ')}`);
  expect(Number.isFinite(f.rmse) && f.rmse > 0).toBe(true);
  expect(Number.isFinite(f.mae) && f.mae > 0).toBe(true);
  return f;
}

/** The numbers `pattern` captures in `output` (fails the test when it is not there). */
function numberAfter(output: string, pattern: RegExp): number[] {
  const m = pattern.exec(output);
  if (m === null) throw new Error(`${pattern} not found in:\n${output}`);
  return m.slice(1).map(Number);
}

describe('real-data examples', () => {
  it('sensorNetwork: beats the last value, and its error spikes at the labelled anomalies', () => {
    const out = run('sensorNetwork');
    const [forecasts] = numberAfter(out, /^sensorNetwork: (\d+) forecasts/m);
    expect(forecasts).toBeGreaterThan(18_000); // four motes, ~18,900 readings
    const all = scores(out);
    const model = figures(all, 'model');
    const naive = figures(all, 'last value');
    expect(model.rmse).toBeLessThan(0.75 * naive.rmse);
    expect(model.mae).toBeLessThan(naive.mae);

    const [normalCount, normalModel, normalNaive] = numberAfter(
      out,
      /^normal readings \((\d+)\): model MAE (\d+\.\d+) °C {2}last value MAE (\d+\.\d+) °C$/m,
    );
    const [anomalousCount, anomalousModel] = numberAfter(
      out,
      /^anomalous readings \((\d+)\): model MAE (\d+\.\d+) °C/m,
    );
    expect(normalCount + anomalousCount).toBe(forecasts);
    expect(anomalousCount).toBeGreaterThan(100); // the dataset labels 149 readings
    expect(normalModel).toBeLessThan(normalNaive); // better on normal readings too, not only at the spikes
    // the spike: the error at labelled anomalies is more than 15 times that on normal readings
    expect(anomalousModel).toBeGreaterThan(15 * normalModel);
    const [ratio] = numberAfter(out, /^error ratio anomalous\/normal: model (\d+\.\d+)/m);
    expect(ratio).toBeCloseTo(anomalousModel / normalModel, 0);

    const [caught, anomalous, falseAlarms, normal] = numberAfter(
      out,
      /^alarms at \|error\| > 1 °C: (\d+) of (\d+) anomalous readings, (\d+) of (\d+) normal ones$/m,
    );
    expect(anomalous).toBe(anomalousCount);
    expect(normal).toBe(normalCount);
    expect(caught / anomalous).toBeGreaterThan(0.3);
    expect(falseAlarms / normal).toBeLessThan(0.01);
  });

  it('births: beats both the last value and the same weekday a week before', () => {
    const out = run('births');
    const [forecasts] = numberAfter(out, /^births: (\d+) daily forecasts/m);
    expect(forecasts).toBeGreaterThan(7000); // 20 years of days
    const all = scores(out);
    const model = figures(all, 'model');
    const lastValue = figures(all, 'last value');
    const lastWeek = figures(all, 'last week');
    expect(model.rmse).toBeLessThan(0.5 * lastValue.rmse);
    expect(model.rmse).toBeLessThan(0.9 * lastWeek.rmse);
    expect(model.mae).toBeLessThan(lastWeek.mae);
  });

  it('co2: beats the last value, and the seasonal forecast made for the series', () => {
    const out = run('co2');
    const [forecasts] = numberAfter(out, /^co2: (\d+) monthly forecasts/m);
    expect(forecasts).toBeGreaterThan(650); // 1958–2020, less the windows and the warm-up
    const all = scores(out);
    const model = figures(all, 'model');
    const lastValue = figures(all, 'last value');
    const seasonal = figures(all, 'seasonal naive');
    expect(model.rmse).toBeLessThan(0.5 * lastValue.rmse);
    expect(model.rmse).toBeLessThan(seasonal.rmse);
    expect(model.mae).toBeLessThan(seasonal.mae);
  });
});
