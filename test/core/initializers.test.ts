import { describe, expect, it } from 'vitest';
import {
  dense,
  elu,
  gaussian,
  he,
  type Initializer,
  leakyRelu,
  linear,
  network,
  relu,
  rng,
  sigmoid,
  softmax,
  softplus,
  tanh,
  uniform,
  xavier,
} from '../../src/index.js';

const N = 100_000;

function fill(init: Initializer, fanIn: number, fanOut: number, n = N, seed = 5): Float64Array {
  const w = new Float64Array(n);
  init.init(w, fanIn, fanOut, rng(seed));
  return w;
}

function stats(w: Float64Array) {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of w) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / w.length;
  let ss = 0;
  for (const v of w) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (w.length - 1)), min, max };
}

describe('gaussian(mean, std)', () => {
  it('draws N(mean, std²)', () => {
    const { mean, std } = stats(fill(gaussian(0.5, 2), 10, 10));
    // SE of the mean = 2/√1e5 = 0.00632; allow 5 SE = 0.032
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.032);
    // SE of the sd ≈ 2/√(2·1e5) = 0.00447; allow 5 SE = 0.0224
    expect(Math.abs(std - 2)).toBeLessThan(0.0224);
  });

  it('defaults to N(0, 0.1²)', () => {
    const { mean, std } = stats(fill(gaussian(), 10, 10));
    // SE of the mean 0.1/√1e5 = 0.000316 → 5 SE = 0.0016; SE of the sd 0.000224 → 0.0011
    expect(Math.abs(mean)).toBeLessThan(0.0016);
    expect(Math.abs(std - 0.1)).toBeLessThan(0.0011);
    expect(gaussian().description).toBe('gaussian(0, 0.1)');
  });

  it('std 0 gives the mean exactly', () => {
    expect(Array.from(fill(gaussian(3, 0), 2, 2, 6))).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it.each([
    [Number.NaN, 0.1],
    [Number.POSITIVE_INFINITY, 0.1],
    [0, -0.1],
    [0, Number.NaN],
    [0, Number.POSITIVE_INFINITY],
  ])('gaussian(%s, %s) throws a RangeError', (mean, std) => {
    expect(() => gaussian(mean, std)).toThrow(RangeError);
    expect(() => gaussian(mean, std)).toThrow(/gaussian: (mean|std)/);
  });
});

describe('uniform(r)', () => {
  it('draws U(-r, r)', () => {
    const r = 0.3;
    const { mean, std, min, max } = stats(fill(uniform(r), 10, 10));
    expect(min).toBeGreaterThanOrEqual(-r);
    expect(max).toBeLessThanOrEqual(r);
    // with 1e5 draws the extremes come within r·1e-3 of the ends (P(miss) = (1 - 5e-4)^1e5 ≈ e^-50)
    expect(min).toBeLessThan(-r * 0.999);
    expect(max).toBeGreaterThan(r * 0.999);
    // sd of U(-r, r) = r/√3 = 0.173205; SE of the mean 0.173205/√1e5 = 0.000548 → 5 SE 0.0027
    expect(Math.abs(mean)).toBeLessThan(0.0027);
    // SE of the sd ≈ (r/√3)·√(0.8/4e5) = 0.000245 → allow 0.0012
    expect(Math.abs(std - r / Math.sqrt(3))).toBeLessThan(0.0012);
  });

  it('defaults to r = 0.5 and r = 0 gives zeros', () => {
    const { min, max } = stats(fill(uniform(), 10, 10));
    expect(min).toBeGreaterThanOrEqual(-0.5);
    expect(max).toBeLessThanOrEqual(0.5);
    expect(max).toBeGreaterThan(0.499);
    expect(uniform().description).toBe('uniform(0.5)');
    for (const v of fill(uniform(0), 2, 2, 8)) expect(v === 0).toBe(true);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('uniform(%s) throws a RangeError', (r) => {
    expect(() => uniform(r)).toThrow(RangeError);
    expect(() => uniform(r)).toThrow(/uniform: r/);
  });
});

describe('xavier()', () => {
  it('draws U(±√(6/(fanIn + fanOut)))', () => {
    // fanIn 20, fanOut 30: bound √(6/50) = 0.34641; variance bound²/3 = 2/50 → sd 0.2
    const bound = Math.sqrt(6 / 50);
    const { mean, std, min, max } = stats(fill(xavier(), 20, 30));
    expect(min).toBeGreaterThanOrEqual(-bound);
    expect(max).toBeLessThanOrEqual(bound);
    expect(max).toBeGreaterThan(bound * 0.999);
    expect(min).toBeLessThan(-bound * 0.999);
    // SE of the mean 0.2/√1e5 = 0.000632 → 5 SE 0.0032; SE of the sd 0.2·√(0.8/4e5) = 0.00028
    expect(Math.abs(mean)).toBeLessThan(0.0032);
    expect(Math.abs(std - 0.2)).toBeLessThan(0.0014);
    expect(xavier().description).toBe('xavier()');
  });
});

describe('he()', () => {
  it('draws N(0, 2/fanIn)', () => {
    // fanIn 50: sd √(2/50) = 0.2 (fanOut must not matter)
    const a = fill(he(), 50, 7);
    const { mean, std } = stats(a);
    // SE of the mean 0.2/√1e5 = 0.000632 → 0.0032; SE of the sd 0.2/√2e5 = 0.000447 → 0.0022
    expect(Math.abs(mean)).toBeLessThan(0.0032);
    expect(Math.abs(std - 0.2)).toBeLessThan(0.0022);
    expect(Array.from(fill(he(), 50, 900, 100))).toEqual(Array.from(fill(he(), 50, 7, 100)));
    // Gaussian, not uniform: beyond 3 sd there are ≈ 0.27% of draws (270 of 1e5)
    const beyond = a.filter((v) => Math.abs(v) > 0.6).length;
    expect(beyond).toBeGreaterThan(150);
    expect(beyond).toBeLessThan(400);
    expect(he().description).toBe('he()');
  });
});

describe('network() initialisation', () => {
  const sameBits = (a: Float64Array, b: Float64Array) => {
    expect(a.length).toBe(b.length);
    expect(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      ),
    ).toBe(true);
  };

  it.each([
    ['relu', relu],
    ['leakyRelu', leakyRelu(0.1)],
    ['elu', elu(1)],
  ] as const)('uses he() by default for %s layers', (_name, act) => {
    const byDefault = network({ inputs: 6, layers: [dense(5, act), dense(4, act)], seed: 9 });
    const explicit = network({
      inputs: 6,
      layers: [dense(5, act), dense(4, act)],
      init: he(),
      seed: 9,
    });
    sameBits(byDefault.parameters, explicit.parameters);
    const withXavier = network({
      inputs: 6,
      layers: [dense(5, act), dense(4, act)],
      init: xavier(),
      seed: 9,
    });
    expect(Array.from(byDefault.parameters)).not.toEqual(Array.from(withXavier.parameters));
  });

  it.each([
    ['sigmoid', sigmoid],
    ['tanh', tanh],
    ['linear', linear],
    ['softplus', softplus],
    ['softmax', softmax],
  ] as const)('uses xavier() by default for %s layers', (_name, act) => {
    const byDefault = network({ inputs: 6, layers: [dense(5, act), dense(4, act)], seed: 9 });
    const explicit = network({
      inputs: 6,
      layers: [dense(5, act), dense(4, act)],
      init: xavier(),
      seed: 9,
    });
    sameBits(byDefault.parameters, explicit.parameters);
    // and within the Xavier bounds: layer 0 √(6/(6 + 5)) = 0.7385, layer 1 √(6/(5 + 4)) = 0.8165
    const [l0, l1] = byDefault.layers;
    for (const w of l0.weights) expect(Math.abs(w)).toBeLessThanOrEqual(Math.sqrt(6 / 11));
    for (const w of l1.weights) expect(Math.abs(w)).toBeLessThanOrEqual(Math.sqrt(6 / 9));
  });

  it('chooses per layer: he for a relu layer, xavier for the tanh layer after it', () => {
    const mixed = network({ inputs: 4, layers: [dense(6, relu), dense(3, tanh)], seed: 2 });
    const explicit = network({
      inputs: 4,
      layers: [dense(6, relu, { init: he() }), dense(3, tanh, { init: xavier() })],
      seed: 2,
    });
    sameBits(mixed.parameters, explicit.parameters);
  });

  it('a large tanh layer has Xavier moments; a large relu layer has He moments', () => {
    // tanh 200 → 300: bound √(6/500) = 0.109545, sd bound/√3 = 0.063246 (60 000 weights;
    // SE of the sd ≈ 0.063246·√(0.8/240000) = 0.000115 → allow 0.0006)
    const t = network({ inputs: 200, layers: [dense(300, tanh)], seed: 4 }).layers[0].weights;
    const ts = stats(t);
    expect(ts.max).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    expect(ts.min).toBeGreaterThanOrEqual(-Math.sqrt(6 / 500));
    expect(Math.abs(ts.std - Math.sqrt(6 / 500) / Math.sqrt(3))).toBeLessThan(0.0006);
    // relu 200 → 300: N(0, 2/200), sd 0.1 (SE of the sd 0.1/√120000 = 0.00029 → allow 0.0015);
    // its extremes go well past the Xavier bound 0.1095 (≈ 27% of draws exceed it)
    const r = network({ inputs: 200, layers: [dense(300, relu)], seed: 4 }).layers[0].weights;
    const rs = stats(r);
    expect(Math.abs(rs.std - 0.1)).toBeLessThan(0.0015);
    expect(Math.abs(rs.mean)).toBeLessThan(0.002);
    expect(rs.max).toBeGreaterThan(0.3);
  });

  it('biases start at 0', () => {
    const net = network({
      inputs: 3,
      layers: [dense(4, relu), dense(5, tanh), dense(2, sigmoid)],
      init: gaussian(1, 1),
      seed: 3,
    });
    for (const layer of net.layers) {
      expect(Array.from(layer.biases)).toEqual(new Array(layer.units).fill(0));
      // while the weights were drawn
      expect(layer.weights.every((w) => w !== 0)).toBe(true);
    }
  });

  it('a layer initialiser overrides the network one', () => {
    const net = network({
      inputs: 3,
      layers: [dense(4, tanh, { init: uniform(0.01) }), dense(2, tanh)],
      init: gaussian(7, 0),
      seed: 3,
    });
    for (const w of net.layers[0].weights) expect(Math.abs(w)).toBeLessThanOrEqual(0.01);
    expect(Array.from(net.layers[1].weights)).toEqual(new Array(8).fill(7));
  });

  it('same seed gives identical parameters bit for bit; a different seed differs', () => {
    const options = { inputs: 5, layers: [dense(7, tanh), dense(3, relu), dense(2, linear)] };
    const a = network({ ...options, seed: 17 });
    const b = network({ ...options, seed: 17 });
    const c = network({ ...options, seed: 18 });
    sameBits(a.parameters, b.parameters);
    const differing = a.parameters.filter((v, i) => v !== c.parameters[i]).length;
    // every weight differs (biases are 0 in both): 5·7 + 7·3 + 3·2 = 62 weights
    expect(differing).toBe(62);
  });

  it('the default seed is 1', () => {
    const options = { inputs: 2, layers: [dense(3, sigmoid), dense(1, sigmoid)] };
    sameBits(network(options).parameters, network({ ...options, seed: 1 }).parameters);
    expect(Array.from(network(options).parameters)).not.toEqual(
      Array.from(network({ ...options, seed: 2 }).parameters),
    );
  });

  it('draws from the `random` option when given, in preference to the seed', () => {
    const options = { inputs: 3, layers: [dense(4, tanh), dense(2, linear)] };
    const fromRandom = network({ ...options, random: rng(99), seed: 1 });
    const fromSeed = network({ ...options, seed: 99 });
    sameBits(fromRandom.parameters, fromSeed.parameters);
    // the generator passed in is the one consumed: 3·4 + 4·2 = 20 uniform draws
    const given = rng(5);
    network({ ...options, random: given });
    const fresh = rng(5);
    for (let i = 0; i < 20; i++) fresh.next();
    expect(given.next()).toBe(fresh.next());
  });
});
