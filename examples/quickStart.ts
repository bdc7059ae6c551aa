// The README's first example: learn y = sin(x) online from a stream, one sample at a time.

import { bufferCount, from, map } from 'rxjs';
import { adam, dense, linear, mse, network, rng, tanh, train } from 'streamprop';

const net = network({ inputs: 1, layers: [dense(16, tanh), dense(1, linear)], seed: 7 });
const random = rng(1); // seeded: the same run every time
const samples = Array.from({ length: 20_000 }, () => {
  const x = (2 * random.next() - 1) * Math.PI;
  return { x: [x], y: Math.sin(x) };
});

from(samples)
  .pipe(
    train(net, { loss: mse(), optimizer: adam({ learningRate: 0.003 }) }),
    map((step) => step.loss), // the step is lent: keep plain values
    bufferCount(2000),
    map((losses) => losses.reduce((a, b) => a + b) / losses.length),
  )
  .subscribe((mean) => console.log(`mean prequential loss ${mean.toFixed(5)}`));
