// Sensor forecasting: one small network learns online to forecast the next reading of four
// synthetic temperature sensors (daily cycle, noise, drift, anomalies) from their last six
// readings and the time of day, and is compared block by block with the naive forecast (the
// last reading). Every error is prequential — each prediction was made before the network
// learned from that sample — and in °C.

import { tap } from 'rxjs';
import { dense, linear, mse, network, normalize, rollingMetrics, tanh, train } from 'streamprop';
import { sensorFeed } from 'streamprop/streams';

const SAMPLES = 20_000;
const BLOCK = 2000;

const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });

// The naive forecast's squared errors over the current block (rollingMetrics has the network's).
let naiveSquares = 0;
let naiveCount = 0;
// Totals over the second half, for the summary.
let netHalf = 0;
let naiveHalf = 0;

sensorFeed({ seed: 7, limit: SAMPLES })
  .pipe(
    normalize({ targets: true }),
    train(net, { loss: mse() }), // the default optimizer: rmsprop, η = 0.001
    tap((step) => {
      const reading = step.sample.raw; // the sensor's sample as the feed made it
      const residual = reading.y - reading.x[reading.x.length - 3]; // y − the last reading
      naiveSquares += residual * residual;
      naiveCount++;
    }),
    rollingMetrics({ window: BLOCK, every: BLOCK }), // one snapshot per block of BLOCK samples
  )
  .subscribe({
    next: (m) => {
      const naive = Math.sqrt(naiveSquares / naiveCount);
      const rmse = m.rmse ?? Number.NaN;
      if (m.samples > SAMPLES / 2) {
        netHalf += rmse * rmse;
        naiveHalf += naive * naive;
      }
      naiveSquares = 0;
      naiveCount = 0;
      console.log(
        `samples ${String(m.samples).padStart(6)}  RMSE network ${rmse.toFixed(3)} °C  naive ${naive.toFixed(3)} °C  ratio ${(rmse / naive).toFixed(2)}`,
      );
    },
    complete: () => {
      const model = Math.sqrt(netHalf / (SAMPLES / 2 / BLOCK));
      const naive = Math.sqrt(naiveHalf / (SAMPLES / 2 / BLOCK));
      console.log(
        `last ${SAMPLES / 2} samples: network ${model.toFixed(3)} °C, naive ${naive.toFixed(3)} °C (${(100 * (1 - model / naive)).toFixed(0)} % lower)`,
      );
    },
  });
