// The shape of the model file toJSON writes.
import { describe, expect, it } from 'vitest';
import {
  adam,
  dense,
  elu,
  leakyRelu,
  linear,
  momentum,
  network,
  sigmoid,
  softmax,
  tanh,
  toJSON,
} from '../../src/index.js';
import { smallNet, trainFrom } from '../optim/fixtures.js';

function trainedNet() {
  const net = network({
    inputs: 3,
    layers: [dense(4, leakyRelu(0.2)), dense(3, tanh), dense(2, sigmoid)],
    seed: 3,
  });
  // non-zero, distinct biases so that they are told apart from the weights
  net.layers.forEach((layer, k) => {
    for (let j = 0; j < layer.units; j++) layer.biases[j] = (k + 1) * 0.1 + j * 0.01;
  });
  return net;
}

describe('toJSON(net)', () => {
  it('writes the header: format, version and inputs, and no optimizer unless asked', () => {
    const file = toJSON(trainedNet());
    expect(file.format).toBe('streamprop-model');
    expect(file.version).toBe(1);
    expect(file.inputs).toBe(3);
    expect(file.layers).toHaveLength(3);
    expect('optimizer' in file).toBe(false);
  });

  it('writes units and activations, with alpha only for parametrised activations', () => {
    const file = toJSON(
      network({
        inputs: 2,
        layers: [dense(3, leakyRelu(0.2)), dense(3, elu(0.5)), dense(2, softmax), dense(1, linear)],
      }),
    );
    expect(file.layers.map((l) => l.units)).toEqual([3, 3, 2, 1]);
    expect(file.layers[0].activation).toStrictEqual({ name: 'leakyRelu', alpha: 0.2 });
    expect(file.layers[1].activation).toStrictEqual({ name: 'elu', alpha: 0.5 });
    // toStrictEqual: no `alpha: undefined` key either
    expect(file.layers[2].activation).toStrictEqual({ name: 'softmax' });
    expect(file.layers[3].activation).toStrictEqual({ name: 'linear' });
  });

  it('writes weights as one row per neuron: weights[j][i] === layer.weights[j·fanIn + i]', () => {
    const net = trainedNet();
    const file = toJSON(net);
    net.layers.forEach((layer, k) => {
      const rows = file.layers[k].weights;
      expect(rows).toHaveLength(layer.units);
      rows.forEach((row, j) => {
        expect(Array.isArray(row)).toBe(true);
        expect(row).toHaveLength(layer.fanIn);
        row.forEach((w, i) => {
          expect(Object.is(w, layer.weights[j * layer.fanIn + i])).toBe(true);
        });
      });
      expect(file.layers[k].biases).toEqual(Array.from(layer.biases));
    });
    // the second layer has fanIn 4 (the first layer's units), not the network's 3 inputs
    expect(file.layers[1].weights[0]).toHaveLength(4);
    expect(file.layers[1].weights[2][3]).toBe(net.layers[1].weights[2 * 4 + 3]);
  });

  it('stores a hand-set 2-2-1 net exactly where the design says', () => {
    const net = network({ inputs: 2, layers: [dense(2, sigmoid), dense(1, linear)] });
    // parameters: layer 0 rows [w00, w01], [w10, w11], biases b0, b1; layer 1 row, bias
    net.parameters.set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    const file = toJSON(net);
    expect(file.layers[0].weights).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    expect(file.layers[0].biases).toEqual([0.5, 0.6]);
    expect(file.layers[1].weights).toEqual([[0.7, 0.8]]);
    expect(file.layers[1].biases).toEqual([0.9]);
  });

  it('is plain JSON and a snapshot: later training does not change it, editing it does not change the net', () => {
    const net = trainedNet();
    const file = toJSON(net);
    expect(JSON.parse(JSON.stringify(file))).toEqual(file);
    const w = file.layers[0].weights[0][0];
    net.layers[0].weights[0] = 42;
    expect(file.layers[0].weights[0][0]).toBe(w);
    file.layers[0].biases[0] = -7;
    expect(net.layers[0].biases[0]).toBe(0.1);
  });

  it('with { optimizer } adds the optimizer state as plain arrays', () => {
    const net = smallNet();
    const optimizer = adam({ learningRate: 0.02, beta1: 0.8 });
    trainFrom(net, optimizer, 2);
    const file = toJSON(net, { optimizer });
    expect(file.optimizer).toBeDefined();
    const saved = file.optimizer!;
    expect(saved.name).toBe('adam');
    expect(saved.learningRate).toBe(0.02);
    expect(saved.steps).toBe(2);
    expect(saved.hyperParameters).toEqual({ beta1: 0.8, beta2: 0.999, epsilon: 1e-8 });
    expect(Object.keys(saved.buffers).sort()).toEqual(['m', 'v']);
    expect(Array.isArray(saved.buffers.m)).toBe(true);
    expect(saved.buffers.m).toEqual(optimizer.state().buffers.m);
    expect(saved.buffers.v).toHaveLength(net.parameters.length);
    // a snapshot: the next step does not change the file
    const v0 = saved.buffers.v[0];
    trainFrom(net, optimizer, 1);
    expect(saved.buffers.v[0]).toBe(v0);
    expect(saved.steps).toBe(2);
  });

  it('saves an unstepped optimizer with empty buffers', () => {
    const file = toJSON(smallNet(), { optimizer: momentum() });
    expect(file.optimizer).toEqual({
      name: 'momentum',
      learningRate: 0.01,
      hyperParameters: { momentum: 0.9 },
      steps: 0,
      buffers: { velocity: [] },
    });
  });
});
