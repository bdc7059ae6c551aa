// Sales forecasting, one model per store: byKey routes each store's daily sales to its own
// network, scaler and metrics, all inside one pipeline. Each network forecasts tomorrow's units
// sold from what is known the evening before (weekday, season, planned promotion, recent sales)
// and is compared, year by year, with the seasonal naive forecast (the same day last week).
// Errors are prequential and in units a day.

import { map, pipe, tap } from 'rxjs';
import {
  byKey,
  dense,
  linear,
  mse,
  network,
  normalize,
  rollingMetrics,
  tanh,
  train,
} from 'streamprop';
import { salesFeed } from 'streamprop/streams';

const STORES = 3;
const YEARS = 4;
const YEAR = 365;

salesFeed({ stores: STORES, seed: 7, limit: STORES * YEAR * YEARS })
  .pipe(
    byKey(
      (sample) => sample.key,
      (key) => {
        // Everything here is this store's own: made once, when its first sample arrives.
        const net = network({ inputs: 13, layers: [dense(16, tanh), dense(1, linear)], seed: 1 });
        let naiveSquares = 0;
        let sales = 0;
        return pipe(
          normalize({ targets: true }),
          train(net, { loss: mse() }),
          tap((step) => {
            const day = step.sample.raw;
            naiveSquares += (day.y - day.x[11]) ** 2; // x[11]: units sold 7 days ago
            sales += day.y;
          }),
          rollingMetrics({ window: YEAR, every: YEAR }), // one snapshot per simulated year
          map((m) => {
            const line = {
              key,
              year: m.samples / YEAR,
              rmse: m.rmse ?? Number.NaN,
              naive: Math.sqrt(naiveSquares / YEAR),
              mean: sales / YEAR,
            };
            naiveSquares = 0;
            sales = 0;
            return line;
          }),
        );
      },
    ),
  )
  .subscribe((r) => {
    console.log(
      `${r.key}  year ${r.year}  mean sales ${r.mean.toFixed(0).padStart(4)}  RMSE network ${r.rmse.toFixed(1).padStart(5)}  same day last week ${r.naive.toFixed(1).padStart(5)}  ratio ${(r.rmse / r.naive).toFixed(2)}`,
    );
  });
