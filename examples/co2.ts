// A real monthly series: the atmospheric CO2 concentration at Mauna Loa, 1958–2020 (Scripps CO2
// Program, from the vega-datasets package), forecast one month ahead, learning online one month
// at a time. The series rises every year and swings with the seasons, so its level always
// leaves the range seen so far: the network forecasts the month's *change* from the last 12
// monthly changes instead (differencing, the classic cure for a trend), and the forecast level
// is the last level plus that change — its error is the error of the change, in ppm.
// The prequential error is scored against the last-value forecast and against a seasonal one
// made for this series (the last level plus the change of the same month a year before).

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { from } from 'rxjs';
import { adam, dense, linear, mse, network, normalize, tanh, train } from 'streamprop';
import { type LaggedInput, lagged } from 'streamprop/streams';
import { ForecastScore } from './forecastScore.js';

const LAGS = 12; // the monthly changes of the last year
const WARM_UP = 24; // forecasts made before scoring starts (the network starts from random weights)

// The data file of the installed package (its entry point only lists download URLs).
const file = new URL('../data/co2-concentration.csv', import.meta.resolve('vega-datasets'));
// Columns: Date (YYYY-MM-DD), CO2 (ppm), adjusted CO2. A month missing from the record (three
// are) simply does not come: its change is counted in the next month's.
const records = parse<Record<string, string>>(readFileSync(file, 'utf8'), { columns: true });
const levels = records.map((r) => Number(r.CO2));
// Month i's change since the month before; `id` finds its levels again.
const changes: LaggedInput[] = records.slice(1).map((r, j) => ({
  value: levels[j + 1] - levels[j],
  t: Date.parse(r.Date),
  id: j + 1,
}));

const net = network({ inputs: LAGS, layers: [dense(32, tanh), dense(1, linear)], seed: 7 });
const model = new ForecastScore();
const lastValue = new ForecastScore();
const seasonal = new ForecastScore();
let first: number | undefined;
let last: number | undefined;

from(changes)
  .pipe(
    lagged(LAGS), // x: the last 12 monthly changes, y: the next one
    normalize({ targets: true }), // predictions back in ppm
    train(net, { loss: mse(), optimizer: adam({ learningRate: 0.003 }), onInvalid: 'skip' }),
  )
  .subscribe({
    next(step) {
      const id = step.sample.id;
      if (step.seq < WARM_UP || step.actual === undefined || typeof id !== 'number') return;
      const before = levels[id - 1]; // last month's level
      const actual = levels[id];
      const changeAYearBefore = step.sample.raw.x[LAGS - 12];
      model.add(before + step.output[0], actual);
      lastValue.add(before, actual);
      seasonal.add(before + changeAYearBefore, actual);
      first ??= step.sample.t;
      last = step.sample.t;
    },
    complete() {
      const month = (t: number | undefined): string =>
        t === undefined ? '?' : new Date(t).toISOString().slice(0, 7);
      const line = (name: string, s: ForecastScore): string =>
        `${name.padEnd(15)}RMSE ${s.rmse.toFixed(3)} ppm  MAE ${s.mae.toFixed(3)} ppm`;
      console.log(
        `co2: ${model.count} monthly forecasts of the Mauna Loa CO2 one month ahead from the last ${LAGS} monthly changes, ${month(first)} … ${month(last)}, scored after ${WARM_UP}`,
      );
      console.log(line('model', model));
      console.log(line('last value', lastValue));
      console.log(line('seasonal naive', seasonal));
    },
  });
