// The JavaScript backend's mini-batch passes (four samples per pass over the weights and over the
// gradients' sum): the same arithmetic in the same order as one sample at a time, so
// train(net, { batchSize }) gives the explicit pipe's predictions and weights bit for bit.
import { describe, expect, it } from 'vitest';
import {
  dense,
  jsBackend,
  linear,
  type Network,
  network,
  type Sample,
  sigmoid,
  tanh,
} from '../../src/index.js';
import { trainAndPipe } from './trainAndPipe.js';

/** 13 → 18 tanh → 9 sigmoid → 3 linear: whole blocks of four samples and two neurons, and tails. */
function makeNet(): Network {
  return network({
    inputs: 13,
    layers: [dense(18, tanh), dense(9, sigmoid), dense(3, linear)],
    seed: 8,
    backend: jsBackend(),
  });
}

function samples(n: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    x: Array.from({ length: 13 }, (_, j) => Math.cos(0.3 * i + 0.9 * j)),
    y: [Math.sin(0.2 * i), Math.cos(0.05 * i), ((i % 3) - 1) / 2],
  }));
}

describe('the JavaScript backend’s mini-batch passes', () => {
  it.each([3, 4, 7, 32, 70])(
    'batchSize %i: the explicit pipe’s predictions and weights, bit for bit',
    (k) => {
      const data = samples(150);
      const batched = makeNet();
      const reference = makeNet();
      const { viaTrain, viaPipe } = trainAndPipe(batched, reference, data, 0.05, k);
      expect(viaTrain.map((v) => Array.from(v.prediction))).toEqual(
        viaPipe.map((v) => Array.from(v.prediction)),
      );
      expect(Array.from(batched.parameters)).toEqual(Array.from(reference.parameters));
      // It learned: the weights moved from where they started.
      expect(Array.from(batched.parameters)).not.toEqual(Array.from(makeNet().parameters));
    },
  );
});
