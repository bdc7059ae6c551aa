// XOR, the classic test that a single layer cannot pass: a 2-3-1 sigmoid network learns it online.

import { from, last } from 'rxjs';
import { dense, momentum, mse, network, sigmoid, train } from 'streamprop';

const table = [
  { x: [0, 0], y: 0 },
  { x: [0, 1], y: 1 },
  { x: [1, 0], y: 1 },
  { x: [1, 1], y: 0 },
];
const net = network({ inputs: 2, layers: [dense(3, sigmoid), dense(1, sigmoid)], seed: 3 });
const stream = Array.from({ length: 20_000 }, (_, i) => table[i % 4]);

from(stream)
  .pipe(
    train(net, { loss: mse(), optimizer: momentum({ learningRate: 0.5, momentum: 0.9 }) }),
    last(),
  )
  .subscribe(() => {
    for (const { x, y } of table)
      console.log(`${x.join(' xor ')} = ${y}: ${net.predict(x)[0].toFixed(3)}`);
  });
