// The worked example of the BP literature: a 2-3-2 sigmoid network, one SGD step with η = 0.5.

import { of, tap } from 'rxjs';
import { backward, dense, forward, loss, mse, network, sgd, sigmoid, update } from 'streamprop';

const net = network({ inputs: 2, layers: [dense(3, sigmoid), dense(2, sigmoid)] });
const [hidden, output] = net.layers;
hidden.weights.set([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]); // one row per neuron: h1 ← w1, w2 …
hidden.biases.fill(0.35);
output.weights.set([0.4, 0.5, 0.6, 0.45, 0.55, 0.65]); // o1 ← w7, w9, w11; o2 ← w8, w10, w12
output.biases.fill(0.65);

of({ x: [5, 10], y: [0.01, 0.99] })
  .pipe(
    forward(net),
    loss(mse()),
    backward(net),
    tap((step) => {
      const trace = net.createTrace(); // write the gradient out, just to show ∂E/∂w7
      trace.input.set(step.sample.x);
      trace.target.set(step.target ?? []);
      net.forward(trace);
      net.backward(trace, mse());
      net.gradients.fill(0);
      net.accumulateGradient(trace);
      console.log(
        `out(o1) = ${step.prediction[0].toFixed(6)}, out(o2) = ${step.prediction[1].toFixed(6)}`,
      );
      console.log(`E = ${step.loss.toFixed(6)}, ∂E/∂w7 = ${output.weightGradients[0].toFixed(7)}`);
    }),
    update(net, sgd({ learningRate: 0.5 })),
  )
  .subscribe(() => console.log(`w7 after one step = ${output.weights[0].toFixed(6)}`));
