import { describe, expect, it } from 'vitest';
import {
  type Activation,
  type DenseSpec,
  dense,
  Layer,
  leakyRelu,
  linear,
  mse,
  Network,
  network,
  relu,
  sigmoid,
  softmax,
  Trace,
  tanh,
  uniform,
} from '../../src/index.js';
import { BACKENDS, expectAgreement } from '../backendCases.js';

/** A 2-2-1 linear network with hand-set parameters. */
function handSet() {
  const net = network({ inputs: 2, layers: [dense(2, linear), dense(1, linear)] });
  // layer 0, row per neuron: neuron 0 ← [1, 2], neuron 1 ← [3, 4]; biases [0.5, -1]
  net.layers[0].weights.set([1, 2, 3, 4]);
  net.layers[0].biases.set([0.5, -1]);
  // layer 1: neuron 0 ← [0.1, -0.2]; bias 3
  net.layers[1].weights.set([0.1, -0.2]);
  net.layers[1].biases.set([3]);
  return net;
}

describe('network(): parameter layout', () => {
  it('keeps all parameters in one Float64Array and all gradients in another', () => {
    const net = network({ inputs: 3, layers: [dense(4, tanh), dense(2, sigmoid)], seed: 1 });
    expect(net).toBeInstanceOf(Network);
    expect(net.parameters).toBeInstanceOf(Float64Array);
    expect(net.gradients).toBeInstanceOf(Float64Array);
    // 3·4 + 4 + 4·2 + 2 = 26
    expect(net.parameters.length).toBe(26);
    expect(net.gradients.length).toBe(26);
    // distinct memory (on the WebAssembly backend both view the kernels' memory, apart)
    const end = net.parameters.byteOffset + net.parameters.byteLength;
    expect(net.gradients.buffer === net.parameters.buffer && net.gradients.byteOffset < end).toBe(
      false,
    );
    expect(net.inputs).toBe(3);
    expect(net.outputs).toBe(2);
    expect(net.layers.length).toBe(2);
  });

  it('makes each layer’s weights, biases and gradients views into those two arrays', () => {
    const net = network({ inputs: 3, layers: [dense(4, tanh), dense(2, sigmoid)], seed: 1 });
    const [l0, l1] = net.layers;
    expect(l0).toBeInstanceOf(Layer);
    for (const layer of net.layers) {
      expect(layer.weights.buffer).toBe(net.parameters.buffer);
      expect(layer.biases.buffer).toBe(net.parameters.buffer);
      expect(layer.weightGradients.buffer).toBe(net.gradients.buffer);
      expect(layer.biasGradients.buffer).toBe(net.gradients.buffer);
    }
    // offsets: layer 0 at 0 (12 weights, 4 biases), layer 1 at 16 (8 weights, 2 biases)
    expect([l0.offset, l1.offset]).toEqual([0, 16]);
    expect([l0.size, l1.size]).toEqual([16, 10]);
    expect([l0.fanIn, l1.fanIn]).toEqual([3, 4]);
    expect([l0.weights.length, l0.biases.length]).toEqual([12, 4]);
    expect([l1.weights.length, l1.biases.length]).toEqual([8, 2]);

    // writing through a view changes net.parameters at layer.offset…
    l1.weights[5] = 123.5;
    expect(net.parameters[16 + 5]).toBe(123.5);
    l1.biases[1] = -7.25;
    expect(net.parameters[16 + 8 + 1]).toBe(-7.25);
    l0.biases[0] = 2.5;
    expect(net.parameters[12]).toBe(2.5);
    // … and the other way round
    net.parameters[3] = 9.75;
    expect(l0.weights[3]).toBe(9.75);
    l1.weightGradients[0] = 4;
    expect(net.gradients[16]).toBe(4);
    l0.biasGradients[3] = -1;
    expect(net.gradients[15]).toBe(-1);
  });

  it('stores weights row-major, one row per neuron', () => {
    const net = handSet();
    // z0 = 1·10 + 2·100 + 0.5 = 210.5 (column-major would give 1·10 + 3·100 + 0.5 = 310.5)
    // z1 = 3·10 + 4·100 - 1 = 429
    // out = 0.1·210.5 - 0.2·429 + 3 = 21.05 - 85.8 + 3 = -61.75
    const trace = net.createTrace();
    trace.input.set([10, 100]);
    const out = net.forward(trace);
    expect(Array.from(trace.z[0])).toEqual([210.5, 429]);
    expect(Math.abs(out[0] - -61.75)).toBeLessThan(1e-12);
  });

  it('has 321 parameters for 8-32-1 and describes itself', () => {
    // 8·32 + 32 + 32·1 + 1 = 321
    const net = network({ inputs: 8, layers: [dense(32, tanh), dense(1, linear)], seed: 7 });
    expect(net.parameters.length).toBe(321);
    expect(net.describe()).toBe('8-32(tanh)-1(linear)');
    const other = network({
      inputs: 4,
      layers: [dense(8, relu), dense(6, leakyRelu(0.1)), dense(3, softmax)],
    });
    expect(other.describe()).toBe('4-8(relu)-6(leakyRelu)-3(softmax)');
  });
});

describe('Trace', () => {
  it('is shaped after the network', () => {
    const net = network({ inputs: 3, layers: [dense(5, tanh), dense(4, relu), dense(2, linear)] });
    const trace = net.createTrace();
    expect(trace).toBeInstanceOf(Trace);
    expect(trace.input.length).toBe(3);
    expect(trace.target.length).toBe(2);
    for (const arrays of [trace.z, trace.y, trace.dy, trace.delta]) {
      expect(arrays.map((a) => a.length)).toEqual([5, 4, 2]);
    }
    expect(trace.output).toBe(trace.y[2]);
    expect(net.layerInput(trace, 0)).toBe(trace.input);
    expect(net.layerInput(trace, 2)).toBe(trace.y[1]);
  });

  it('two traces of one network do not share memory', () => {
    const net = handSet();
    const a = net.createTrace();
    const b = net.createTrace();
    a.input.set([1, 1]);
    b.input.set([2, 3]);
    net.forward(a);
    const first = a.output[0];
    net.forward(b);
    expect(a.output[0]).toBe(first);
    expect(b.output[0]).not.toBe(first);
  });
});

describe('backward and accumulateGradient', () => {
  it('with a linear output the output error term is the loss gradient', () => {
    const net = handSet();
    const trace = net.createTrace();
    trace.input.set([1, 0]);
    trace.target.set([2]);
    // z0 = 1 + 0.5 = 1.5, z1 = 3 - 1 = 2; out = 0.15 - 0.4 + 3 = 2.75; δ(out) = 2.75 - 2 = 0.75
    // δ(hidden) = W1ᵀ·δ = [0.1·0.75, -0.2·0.75] = [0.075, -0.15]
    net.forward(trace);
    net.backward(trace, mse());
    expect(Math.abs(trace.delta[1][0] - 0.75)).toBeLessThan(1e-12);
    expect(Math.abs(trace.delta[0][0] - 0.075)).toBeLessThan(1e-12);
    expect(Math.abs(trace.delta[0][1] - -0.15)).toBeLessThan(1e-12);
    // ∂L/∂W(0) = δ(0)·xᵀ = [[0.075, 0], [-0.15, 0]]; ∂L/∂b(0) = δ(0)
    // ∂L/∂W(1) = δ(1)·n(0)ᵀ = [0.75·1.5, 0.75·2] = [1.125, 1.5]; ∂L/∂b(1) = 0.75
    net.gradients.fill(0);
    net.accumulateGradient(trace);
    const expected = [0.075, 0, -0.15, 0, 0.075, -0.15, 1.125, 1.5, 0.75];
    Array.from(net.gradients).forEach((g, i) => {
      expect(Math.abs(g - expected[i]), `gradient ${i}`).toBeLessThan(1e-12);
    });
  });

  it('accumulates (adds) with a scale and into another buffer', () => {
    const net = network({ inputs: 3, layers: [dense(4, tanh), dense(2, sigmoid)], seed: 5 });
    const trace = net.createTrace();
    trace.input.set([0.3, -1, 2]);
    trace.target.set([0, 1]);
    net.forward(trace);
    net.backward(trace, mse());
    net.gradients.fill(0);
    net.accumulateGradient(trace);
    const once = net.gradients.slice();
    expect(once.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    net.accumulateGradient(trace);
    once.forEach((g, i) => {
      expect(net.gradients[i]).toBeCloseTo(2 * g, 14);
    });
    const into = new Float64Array(net.parameters.length).fill(1);
    const before = net.gradients.slice();
    net.accumulateGradient(trace, into, 0.5);
    once.forEach((g, i) => {
      expect(into[i]).toBeCloseTo(1 + 0.5 * g, 14);
    });
    // net.gradients untouched by accumulating elsewhere
    expect(Array.from(net.gradients)).toEqual(Array.from(before));
  });

  it('rejects an `into` buffer of the wrong length with a RangeError', () => {
    const net = handSet();
    const trace = net.createTrace();
    net.forward(trace);
    net.backward(trace, mse());
    expect(() => net.accumulateGradient(trace, new Float64Array(3))).toThrow(RangeError);
    expect(() => net.accumulateGradient(trace, new Float64Array(3))).toThrow(/length 3.*9/);
  });

  it('backward does not change the parameters', () => {
    const net = network({ inputs: 2, layers: [dense(3, tanh), dense(2, softmax)], seed: 3 });
    const trace = net.createTrace();
    trace.input.set([1, -1]);
    trace.target.set([1, 0]);
    const before = net.parameters.slice();
    net.forward(trace);
    net.backward(trace, mse());
    expect(Array.from(net.parameters)).toEqual(Array.from(before));
  });
});

describe('predict()', () => {
  it('returns a fresh copy equal to the forward pass', () => {
    const net = handSet();
    // same arithmetic as the row-major test: [10, 100] → -61.75
    const a = net.predict([10, 100]);
    expect(a).toBeInstanceOf(Float64Array);
    expect(Math.abs(a[0] - -61.75)).toBeLessThan(1e-12);
    const b = net.predict([1, 0]);
    // [1, 0] → 2.75 (see the backward test)
    expect(Math.abs(b[0] - 2.75)).toBeLessThan(1e-12);
    expect(a).not.toBe(b);
    // a was not overwritten by the second call
    expect(Math.abs(a[0] - -61.75)).toBeLessThan(1e-12);
    // mutating the result does not affect the network
    a[0] = 0;
    expect(net.predict([10, 100])[0]).toBeCloseTo(-61.75, 12);
  });

  it('accepts any array-like and sees weight changes', () => {
    const net = handSet();
    expect(net.predict(Float64Array.from([1, 0]))[0]).toBeCloseTo(2.75, 12);
    net.layers[1].biases[0] = 4;
    expect(net.predict([1, 0])[0]).toBeCloseTo(3.75, 12);
  });

  it('rejects a wrong length with a RangeError', () => {
    const net = handSet();
    expect(() => net.predict([1])).toThrow(RangeError);
    expect(() => net.predict([1, 2, 3])).toThrow(/length 3, expected 2/);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects the non-finite value %s with a RangeError naming its index',
    (bad) => {
      const net = handSet();
      expect(() => net.predict([0, bad])).toThrow(RangeError);
      expect(() => net.predict([0, bad])).toThrow(/x\[1\]/);
    },
  );
});

describe('network(): invalid options', () => {
  const ok = [dense(2, tanh)];

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'inputs %s throws a RangeError naming inputs',
    (inputs) => {
      expect(() => network({ inputs, layers: ok })).toThrow(RangeError);
      expect(() => network({ inputs, layers: ok })).toThrow(/network: inputs/);
    },
  );

  it('inputs given as a string throws naming inputs', () => {
    expect(() => network({ inputs: '3' as unknown as number, layers: ok })).toThrow(
      /network: inputs/,
    );
  });

  it('layers [] or not an array throws a RangeError naming layers', () => {
    expect(() => network({ inputs: 2, layers: [] })).toThrow(RangeError);
    expect(() => network({ inputs: 2, layers: [] })).toThrow(/network: layers/);
    expect(() => network({ inputs: 2, layers: dense(2, tanh) as unknown as DenseSpec[] })).toThrow(
      /network: layers/,
    );
  });

  it.each([
    ['a string', 'tanh'],
    ['null', null],
    ['an empty object', {}],
    ['an object without an activation', { units: 3 }],
    ['an activation', tanh],
  ])('a layer that is %s throws a TypeError naming layers[k]', (_label, spec) => {
    const layers = [dense(2, tanh), spec as unknown as DenseSpec];
    expect(() => network({ inputs: 2, layers })).toThrow(TypeError);
    expect(() => network({ inputs: 2, layers })).toThrow(/network: layers\[1\]/);
  });

  // network() documents "@throws RangeError or TypeError naming the option that is wrong";
  // hand-made layer objects that dense() would reject must be rejected too.
  it.each([
    ['units 0', { units: 0, activation: tanh, init: undefined }],
    ['units -2', { units: -2, activation: tanh, init: undefined }],
    ['an activation given by name', { units: 2, activation: 'tanh', init: undefined }],
    ['an activation without forward/backward', { units: 2, activation: {}, init: undefined }],
  ])('a layer object with %s throws naming layers[k]', (_label, spec) => {
    const layers = [spec as unknown as DenseSpec];
    expect(() => network({ inputs: 2, layers })).toThrow(/network: layers\[0\]/);
  });

  it('an init option that is not an initialiser throws naming init', () => {
    expect(() =>
      network({ inputs: 2, layers: ok, init: 'xavier' as unknown as ReturnType<typeof uniform> }),
    ).toThrow(/network: init/);
  });

  it('options that are not an object throw a TypeError', () => {
    expect(() => network(null as unknown as Parameters<typeof network>[0])).toThrow(TypeError);
    expect(() => network(undefined as unknown as Parameters<typeof network>[0])).toThrow(TypeError);
  });

  it('a non-integer seed throws a RangeError naming seed', () => {
    expect(() => network({ inputs: 2, layers: ok, seed: 1.5 })).toThrow(RangeError);
    expect(() => network({ inputs: 2, layers: ok, seed: 1.5 })).toThrow(/seed/);
  });
});

describe('dense()', () => {
  it('returns the spec', () => {
    const init = uniform(0.2);
    expect(dense(3, tanh)).toEqual({ units: 3, activation: tanh, init: undefined });
    expect(dense(3, relu, { init })).toEqual({ units: 3, activation: relu, init });
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'units %s throws a RangeError naming units',
    (units) => {
      expect(() => dense(units, tanh)).toThrow(RangeError);
      expect(() => dense(units, tanh)).toThrow(/dense: units/);
    },
  );

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a name', 'tanh'],
    ['an empty object', {}],
    ['a function', () => 0],
    ['an object without backward', { name: 'x', forward: () => undefined }],
  ])('activation %s throws a TypeError naming activation', (_label, activation) => {
    expect(() => dense(2, activation as unknown as Activation)).toThrow(TypeError);
    expect(() => dense(2, activation as unknown as Activation)).toThrow(/dense: activation/);
  });
});

describe.each(BACKENDS)(
  'forward and backward on rows longer than eight weights (%s)',
  (name, backend) => {
    // The JavaScript passes do eight terms per turn; this compares them bit for bit with plain
    // loops that add the same terms in the same order. Rows of 11 and 19 weights: full turns and
    // a rest. The WebAssembly forward pass sums in four partial sums: it agrees within 1e-12
    // relative; its backward pass adds in the same order as the plain loop, bit for bit.
    const net = network({
      inputs: 11,
      layers: [dense(19, tanh), dense(3, linear)],
      seed: 9,
      backend,
    });
    const same = (actual: ArrayLike<number>, expected: number[], what: string): void => {
      if (name === 'js') expect(Array.from(actual)).toEqual(expected);
      else expectAgreement(actual, expected, what);
    };
    const [hidden, top] = net.layers;
    const x = Array.from({ length: 11 }, (_, i) => Math.sin(1.7 * i + 0.3));
    const target = [0.25, -0.5, 1];

    /** z = W·n + b, one term at a time from the bias on. */
    function affine(layer: typeof hidden, input: readonly number[]): number[] {
      return Array.from({ length: layer.units }, (_, j) => {
        let sum = layer.biases[j];
        for (let i = 0; i < layer.fanIn; i++) sum += layer.weights[j * layer.fanIn + i] * input[i];
        return sum;
      });
    }

    it('forward: every pre-activation and output is the plain sum, bit for bit', () => {
      const trace = net.createTrace();
      trace.input.set(x);
      net.forward(trace);
      const z0 = affine(hidden, x);
      const y0 = z0.map(Math.tanh);
      const z1 = affine(top, y0);
      same(trace.z[0], z0, 'z(0)');
      same(trace.z[1], z1, 'z(1)');
      same(trace.output, z1, 'output');
    });

    it('backward: δ(0) = (1 − y²) ⊙ Wᵀδ(1), summed over the neurons in order, bit for bit', () => {
      const trace = net.createTrace();
      trace.input.set(x);
      trace.target.set(target);
      net.forward(trace);
      net.backward(trace, mse());
      const y0 = Array.from(trace.y[0]);
      const d1 = Array.from(trace.output, (o, j) => o - target[j]); // mse, linear output
      expect(Array.from(trace.delta[1])).toEqual(d1);
      const d0 = y0.map((y, i) => {
        let back = top.weights[i] * d1[0];
        for (let j = 1; j < top.units; j++) back += top.weights[j * top.fanIn + i] * d1[j];
        return back * (1 - y * y);
      });
      expect(Array.from(trace.delta[0])).toEqual(d0);
    });

    it('backward through a 19-unit layer into a wide one: Wᵀδ with 19 terms per input', () => {
      // 3 → 19 tanh → 11 tanh → 2 linear: back-propagating from the 11-unit layer reads rows of
      // 19 weights (two full turns and a rest of 3).
      const deep = network({
        inputs: 3,
        layers: [dense(19, tanh), dense(11, tanh), dense(2, linear)],
        seed: 4,
        backend,
      });
      const trace = deep.createTrace();
      trace.input.set([0.3, -0.7, 0.9]);
      trace.target.set([0.5, -0.5]);
      deep.forward(trace);
      deep.backward(trace, mse());
      const mid = deep.layers[1];
      const d1 = Array.from(trace.delta[1]);
      const y0 = Array.from(trace.y[0]);
      const d0 = y0.map((y, i) => {
        let back = mid.weights[i] * d1[0];
        for (let j = 1; j < mid.units; j++) back += mid.weights[j * mid.fanIn + i] * d1[j];
        return back * (1 - y * y);
      });
      expect(Array.from(trace.delta[0])).toEqual(d0);
    });
  },
);
