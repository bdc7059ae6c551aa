// fromJSON(JSON.stringify(toJSON(net))) gives back the same network (and optimizer).
import { describe, expect, it } from 'vitest';
import {
  dense,
  elu,
  fromJSON,
  leakyRelu,
  linear,
  type Network,
  network,
  relu,
  rng,
  sigmoid,
  softmax,
  softplus,
  tanh,
  toJSON,
} from '../../src/index.js';
import { expectSameBits, factory, OPTIMIZERS, smallNet, trainFrom } from '../optim/fixtures.js';

/** A net with every activation, and non-zero biases drawn from a seeded generator. */
function everyActivation(): Network {
  const net = network({
    inputs: 4,
    layers: [
      dense(5, sigmoid),
      dense(5, tanh),
      dense(5, relu),
      dense(5, leakyRelu(0.2)),
      dense(5, softplus),
      dense(5, elu(0.5)),
      dense(4, linear),
      dense(3, softmax),
    ],
    seed: 9,
  });
  const random = rng(4);
  for (const layer of net.layers) {
    for (let j = 0; j < layer.biases.length; j++) layer.biases[j] = random.next() - 0.5;
  }
  return net;
}

const INPUTS = [
  [0.1, -0.2, 0.3, -0.4],
  [-3, 2.5, -1.75, 0],
  [10, -10, 1e-3, -1e-3],
  [0, 0, 0, 0],
];

describe('fromJSON(JSON.stringify(toJSON(net)))', () => {
  it('gives back every parameter bit for bit, for a net with every activation', () => {
    const net = everyActivation();
    const { network: loaded, optimizer } = fromJSON(JSON.stringify(toJSON(net)));
    expect(optimizer).toBeUndefined();
    expect(loaded.inputs).toBe(4);
    expect(loaded.outputs).toBe(3);
    expect(loaded.describe()).toBe(net.describe());
    expect(loaded.describe()).toBe(
      '4-5(sigmoid)-5(tanh)-5(relu)-5(leakyRelu)-5(softplus)-5(elu)-4(linear)-3(softmax)',
    );
    expectSameBits(loaded.parameters, net.parameters);
    loaded.layers.forEach((layer, k) => {
      expect(layer.units).toBe(net.layers[k].units);
      expect(layer.fanIn).toBe(net.layers[k].fanIn);
      expect(layer.offset).toBe(net.layers[k].offset);
    });
  });

  it('keeps the alpha of leakyRelu(0.2) and elu(0.5)', () => {
    const loaded = fromJSON(JSON.stringify(toJSON(everyActivation()))).network;
    expect(loaded.layers[3].activation.name).toBe('leakyRelu');
    expect(loaded.layers[3].activation.alpha).toBe(0.2);
    expect(loaded.layers[5].activation.name).toBe('elu');
    expect(loaded.layers[5].activation.alpha).toBe(0.5);
    expect(loaded.layers[0].activation.alpha).toBeUndefined();
  });

  it('uses the saved alpha in the forward pass', () => {
    const leaky = network({ inputs: 1, layers: [dense(1, leakyRelu(0.2))] });
    leaky.parameters.set([2, 0]); // z = 2x
    const eluNet = network({ inputs: 1, layers: [dense(1, elu(0.5))] });
    eluNet.parameters.set([1, 0]); // z = x
    const l = fromJSON(JSON.stringify(toJSON(leaky))).network;
    const e = fromJSON(JSON.stringify(toJSON(eluNet))).network;
    // leakyRelu(0.2) at z = 2·(−1.5) = −3: 0.2·(−3) = −0.6 (the default 0.01 would give −0.03)
    expect(l.predict([-1.5])[0]).toBeCloseTo(-0.6, 12);
    // elu(0.5) at z = −1: 0.5·(e⁻¹ − 1) = 0.5·(−0.6321205588285577) = −0.31606027941427883
    expect(e.predict([-1])[0]).toBeCloseTo(-0.31606027941427883, 12);
  });

  it('predicts exactly what the original predicts', () => {
    const net = everyActivation();
    const loaded = fromJSON(JSON.stringify(toJSON(net))).network;
    for (const x of INPUTS) expectSameBits(loaded.predict(x), net.predict(x));
  });

  it('gives back the parameters of a trained net bit for bit', () => {
    const net = smallNet();
    trainFrom(net, factory('adam')(), 5);
    const loaded = fromJSON(JSON.stringify(toJSON(net))).network;
    expectSameBits(loaded.parameters, net.parameters);
  });

  it('accepts the file as a string or as a parsed object, with the same result', () => {
    const net = everyActivation();
    const file = toJSON(net);
    const fromString = fromJSON(JSON.stringify(file)).network;
    const fromObject = fromJSON(file).network;
    const fromParsed = fromJSON(JSON.parse(JSON.stringify(file))).network;
    expectSameBits(fromString.parameters, net.parameters);
    expectSameBits(fromObject.parameters, net.parameters);
    expectSameBits(fromParsed.parameters, net.parameters);
  });

  it('builds an independent network: training the copy leaves the original alone', () => {
    const net = smallNet();
    const before = Float64Array.from(net.parameters);
    const loaded = fromJSON(toJSON(net)).network;
    expect(loaded.parameters).not.toBe(net.parameters);
    trainFrom(loaded, factory('sgd')(), 3);
    expectSameBits(net.parameters, before);
    expect(loaded.parameters[0]).not.toBe(before[0]);
  });
});

describe('toJSON(net, { optimizer }) → fromJSON', () => {
  for (const { name, make } of OPTIMIZERS) {
    it(`${name}: the loaded optimizer continues exactly like the original`, () => {
      const net = smallNet();
      const original = make();
      trainFrom(net, original, 4);
      const text = JSON.stringify(toJSON(net, { optimizer: original }));
      const loaded = fromJSON(text);
      expect(loaded.optimizer).toBeDefined();
      const copy = loaded.optimizer!;
      expect(copy.name).toBe(name);
      expect(copy.learningRate).toBe(original.learningRate);
      expect(copy.state().steps).toBe(4);
      expect(copy.state().hyperParameters).toEqual(original.state().hyperParameters);
      expect(copy.state()).toEqual(original.state());

      trainFrom(net, original, 5, undefined, 4);
      trainFrom(loaded.network, copy, 5, undefined, 4);
      expectSameBits(loaded.network.parameters, net.parameters);
      expect(copy.state().steps).toBe(9);
    });
  }

  it('round-trips an unstepped optimizer: the loaded one steps like a fresh one', () => {
    const adamFactory = factory('adam');
    const net = smallNet();
    const loaded = fromJSON(JSON.stringify(toJSON(net, { optimizer: adamFactory() })));
    expect(loaded.optimizer!.state().steps).toBe(0);
    trainFrom(net, adamFactory(), 3);
    trainFrom(loaded.network, loaded.optimizer!, 3);
    expectSameBits(loaded.network.parameters, net.parameters);
  });
});
