// The online toolkit together: a sensor forecast whose relation changes abruptly half-way (the
// value to forecast jumps by 10 °C), scaled online, learned with a named optimizer, watched for
// drift and summarised by rolling metrics in real units.

import { map } from 'rxjs';
import {
  dense,
  detectDrift,
  linear,
  mse,
  network,
  normalize,
  pageHinkley,
  resetOptimizer,
  rmsprop,
  rollingMetrics,
  tanh,
  train,
} from 'streamprop';
import { sineFeed } from 'streamprop/streams';

const net = network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
const optimizer = rmsprop({ learningRate: 0.001, decay: 0.999 });
const celsius = (v: number): number => 20 + 5 * v;

sineFeed({ limit: 12_000, seed: 7, noise: 0.05 })
  .pipe(
    map((s, i) => ({
      x: Array.from(s.x, celsius),
      y: celsius(s.y as number) + (i >= 6000 ? 10 : 0),
    })),
    normalize({ targets: true }),
    train(net, { loss: mse(), optimizer, onInvalid: 'skip' }),
    detectDrift(pageHinkley(), { onDrift: resetOptimizer(optimizer) }),
    rollingMetrics({ window: 200, every: 500 }),
  )
  .subscribe((m) => {
    console.log(
      `seq ${String(m.seq).padStart(5)}  RMSE ${m.rmse?.toFixed(3)} °C  MAE ${m.mae?.toFixed(3)} °C  η ${m.learningRate?.toExponential(2)}  drifts ${m.drifts}`,
    );
  });
