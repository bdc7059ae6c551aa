// The worked example of the back-propagation literature (a 2-3-2 sigmoid net, η = 0.5; see README.md), through the operators.
//
// Inputs l1 = 5, l2 = 10; targets 0.01, 0.99.
//   net(h1) = 0.10·5 + 0.15·10 + 0.35 = 2.35    out(h1) = σ(2.35) = 0.912934
//   net(h2) = 0.20·5 + 0.25·10 + 0.35 = 3.85    out(h2) = σ(3.85) = 0.979164
//   net(h3) = 0.30·5 + 0.35·10 + 0.35 = 5.35    out(h3) = σ(5.35) = 0.995275
//   net(o1) = 0.40·0.912934 + 0.50·0.979164 + 0.60·0.995275 + 0.65 ≈ 2.10192
//   out(o1) = σ(2.10192) = 0.891090;  out(o2) = σ(2.24629) = 0.904330
//   E = ½[(0.01 - 0.891090)² + (0.99 - 0.904330)²] = ½[0.776319 + 0.007339] = 0.391829
//   δo1 = (out(o1) - 0.01)·out(o1)(1 - out(o1)) = 0.881090·0.097049 = 0.0855088
//   δo2 = (out(o2) - 0.99)·out(o2)(1 - out(o2)) = -0.085670·0.086518 = -0.0074119
//   ∂E/∂w7 = δo1·out(h1) = 0.0855088·0.912934 = 0.0780639 → w7 = 0.40 - 0.5·0.0780639 = 0.360968
//   ∂E/∂w8 = δo2·out(h1) = -0.0074119·0.912934 = -0.0067666 → w8 = 0.45 + 0.5·0.0067666 = 0.453383
//   δh1 = (w7·δo1 + w8·δo2)·out(h1)(1 - out(h1)), with the weights BEFORE the step:
//       = (0.40·0.0855088 - 0.45·0.0074119)·0.912934·0.087066 = 0.0308681·0.0794853 = 0.00245356
//   ∂E/∂w1 = δh1·l1 = 0.0122678 → w1 = 0.10 - 0.5·0.0122678 = 0.0938661
import { of, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  backward,
  dense,
  forward,
  loss,
  mse,
  type Network,
  network,
  type Step,
  sgd,
  sigmoid,
  train,
  update,
} from '../../src/index.js';
import { BACKENDS } from '../backendCases.js';
import { traceOf } from './snapshot.js';

function workedNet(backend: Backend): Network {
  const net = network({ inputs: 2, layers: [dense(3, sigmoid), dense(2, sigmoid)], backend });
  // one row per neuron: h1 ← w1, w2; h2 ← w3, w4; h3 ← w5, w6
  net.layers[0].weights.set([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  net.layers[0].biases.fill(0.35);
  // o1 ← w7, w9, w11; o2 ← w8, w10, w12
  net.layers[1].weights.set([0.4, 0.5, 0.6, 0.45, 0.55, 0.65]);
  net.layers[1].biases.fill(0.65);
  return net;
}

const SAMPLE = { x: [5, 10], y: [0.01, 0.99] };

/** |actual - expected| < 1e-6, the precision the README promises. */
function expectNear(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThan(1e-6);
}

describe.each(BACKENDS)('the worked example of the README on %s', (_name, backend) => {
  it('through train: prediction, loss, learning rate and w7 after one step', () => {
    const net = workedNet(backend);
    const seen: {
      seq: number;
      prediction: number[];
      loss: number;
      lr: number;
      updated: boolean;
    }[] = [];
    of(SAMPLE)
      .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.5 }) }))
      .subscribe((s) =>
        seen.push({
          seq: s.seq,
          prediction: Array.from(s.prediction),
          loss: s.loss,
          lr: s.learningRate,
          updated: s.updated,
        }),
      );
    expect(seen).toHaveLength(1);
    const [step] = seen;
    expect(step.seq).toBe(0);
    expectNear(step.prediction[0], 0.89109);
    expectNear(step.prediction[1], 0.90433);
    expectNear(step.loss, 0.391829);
    expect(step.lr).toBe(0.5);
    expect(step.updated).toBe(true);
    expectNear(net.layers[1].weights[0], 0.360968); // w7
    expectNear(net.layers[1].weights[3], 0.453383); // w8
    expectNear(net.layers[0].weights[0], 0.0938661); // w1
  });

  it('through the explicit pipe, writing the gradient out after backward', () => {
    const net = workedNet(backend);
    const written: {
      zh1: number;
      hidden: number[];
      zo1: number;
      dw7: number;
      dw8: number;
      dw1: number;
      w7Before: number;
    }[] = [];
    let last: Step | undefined;
    of(SAMPLE)
      .pipe(
        forward(net),
        loss(mse()),
        backward(net),
        tap((s) => {
          const trace = traceOf(s);
          net.gradients.fill(0);
          net.accumulateGradient(trace);
          written.push({
            zh1: trace.z[0][0],
            hidden: Array.from(trace.y[0]),
            zo1: trace.z[1][0],
            dw7: net.layers[1].weightGradients[0],
            dw8: net.layers[1].weightGradients[3],
            dw1: net.layers[0].weightGradients[0],
            w7Before: net.layers[1].weights[0],
          });
        }),
        update(net, sgd({ learningRate: 0.5 })),
      )
      .subscribe((s) => {
        last = s;
      });
    expect(written).toHaveLength(1);
    const g = written[0];
    expectNear(g.zh1, 2.35);
    expectNear(g.hidden[0], 0.912934);
    expectNear(g.hidden[1], 0.979164);
    expectNear(g.hidden[2], 0.995275);
    expectNear(g.zo1, 2.10192);
    expectNear(g.dw7, 0.0780639);
    expectNear(g.dw8, -0.0067666);
    expectNear(g.dw1, 0.0122678);
    // backward changed no weight; update did: w7 ← 0.40 - 0.5·∂E/∂w7
    expect(g.w7Before).toBe(0.4);
    expectNear(net.layers[1].weights[0], 0.360968);
    expectNear(net.layers[1].weights[0], 0.4 - 0.5 * g.dw7);
    expect(last?.learningRate).toBe(0.5);
    expectNear(last?.loss ?? Number.NaN, 0.391829);
  });

  it('train and the explicit pipe leave the same twelve weights and six biases', () => {
    const viaTrain = workedNet(backend);
    const viaPipe = workedNet(backend);
    of(SAMPLE)
      .pipe(train(viaTrain, { loss: mse(), optimizer: sgd({ learningRate: 0.5 }) }))
      .subscribe();
    of(SAMPLE)
      .pipe(
        forward(viaPipe),
        loss(mse()),
        backward(viaPipe),
        update(viaPipe, sgd({ learningRate: 0.5 })),
      )
      .subscribe();
    expect(viaTrain.parameters).toEqual(viaPipe.parameters);
    expect(viaTrain.parameters).not.toEqual(workedNet(backend).parameters);
  });
});
