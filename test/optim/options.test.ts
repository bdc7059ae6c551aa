// Defaults, argument checks and bookkeeping (learningRate, steps, reset) of the optimizers.
import { describe, expect, it } from 'vitest';
import {
  adagrad,
  adam,
  momentum,
  nesterov,
  type Optimizer,
  rmsprop,
  sgd,
} from '../../src/index.js';
import { expectSameBits, OPTIMIZERS, smallNet, trainFrom } from './fixtures.js';

const f64 = (...values: number[]): Float64Array => new Float64Array(values);

describe('documented defaults', () => {
  const cases: {
    make: () => Optimizer;
    name: string;
    learningRate: number;
    hyperParameters: Record<string, number>;
  }[] = [
    { make: () => sgd(), name: 'sgd', learningRate: 0.01, hyperParameters: {} },
    {
      make: () => momentum(),
      name: 'momentum',
      learningRate: 0.01,
      hyperParameters: { momentum: 0.9 },
    },
    {
      make: () => nesterov(),
      name: 'nesterov',
      learningRate: 0.01,
      hyperParameters: { momentum: 0.9 },
    },
    {
      make: () => adagrad(),
      name: 'adagrad',
      learningRate: 0.01,
      hyperParameters: { epsilon: 1e-8 },
    },
    {
      make: () => rmsprop(),
      name: 'rmsprop',
      learningRate: 1e-3,
      hyperParameters: { decay: 0.9, epsilon: 1e-8 },
    },
    {
      make: () => adam(),
      name: 'adam',
      learningRate: 1e-3,
      hyperParameters: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    },
  ];

  for (const c of cases) {
    it(`${c.name}() has η = ${c.learningRate} and ${JSON.stringify(c.hyperParameters)}`, () => {
      const optimizer = c.make();
      expect(optimizer.name).toBe(c.name);
      expect(optimizer.learningRate).toBe(c.learningRate);
      expect(optimizer.state().hyperParameters).toEqual(c.hyperParameters);
      expect(optimizer.state().steps).toBe(0);
    });
  }

  it('sgd() steps with η = 0.01', () => {
    const params = f64(1);
    sgd().step(params, f64(1));
    // 1 − 0.01·1 = 0.99
    expect(params[0]).toBeCloseTo(0.99, 12);
  });

  it('momentum() and nesterov() carry α = 0.9 with η = 0.01', () => {
    const m = f64(1);
    const om = momentum();
    om.step(m, f64(1));
    om.step(m, f64(1));
    // Δw(1) = −0.01; Δw(2) = −0.01 + 0.9·(−0.01) = −0.019; w = 1 − 0.029 = 0.971
    expect(m[0]).toBeCloseTo(0.971, 12);
    const n = f64(1);
    const on = nesterov();
    on.step(n, f64(1));
    on.step(n, f64(1));
    // v = −0.01, w = 1 + 0.9·(−0.01) − 0.01 = 0.981
    // v = 0.9·(−0.01) − 0.01 = −0.019, w = 0.981 + 0.9·(−0.019) − 0.01 = 0.981 − 0.0271 = 0.9539
    expect(n[0]).toBeCloseTo(0.9539, 12);
  });

  it('adagrad() uses η = 0.01 and ε = 1e-8', () => {
    const params = f64(1);
    adagrad().step(params, f64(1));
    // G = 1: w = 1 − 0.01·1/(1 + 1e-8) = 1 − 0.0099999999000… = 0.9900000001
    expect(params[0]).toBeCloseTo(0.9900000001, 12);
  });

  it('rmsprop() uses η = 1e-3, ρ = 0.9 and ε = 1e-8', () => {
    const params = f64(1);
    rmsprop().step(params, f64(1));
    // E = 0.1·1 = 0.1: w = 1 − 1e-3/(√0.1 + 1e-8) = 1 − 0.0031622775601684… = 0.9968377224398316
    expect(params[0]).toBeCloseTo(0.9968377224398316, 12);
  });

  it('adam() uses η = 1e-3, β₁ = 0.9, β₂ = 0.999 and ε = 1e-8', () => {
    const params = f64(1);
    const optimizer = adam();
    optimizer.step(params, f64(1));
    // t = 1: m̂ = 1, v̂ = 1: w = 1 − 1e-3·1/(1 + 1e-8) = 0.99900000001
    expect(params[0]).toBeCloseTo(0.99900000001, 12);
    optimizer.step(params, f64(0.5));
    // t = 2: m = 0.9·0.1 + 0.1·0.5 = 0.14, v = 0.999·0.001 + 0.001·0.25 = 0.001249
    // m̂ = 0.14/0.19 = 0.736842105263158, v̂ = 0.001249/0.001999 = 0.624812406203102,
    // √v̂ = 0.790450761403328…; w = 0.99900000001 − 1e-3·0.736842…/(0.790450761… + 1e-8)
    //   = 0.99900000001 − 0.000932179627018… = 0.998067820382982…
    const mHat = 0.14 / 0.19;
    const vHat = 0.001249 / 0.001999;
    expect(params[0]).toBeCloseTo(0.99900000001 - (1e-3 * mHat) / (Math.sqrt(vHat) + 1e-8), 12);
    expect(params[0]).toBeCloseTo(0.998067820382982, 12);
  });
});

describe('learningRate', () => {
  it('is settable while running, and the next step uses the new rate', () => {
    const optimizer = sgd({ learningRate: 0.1 });
    const params = f64(1);
    optimizer.step(params, f64(1)); // 1 − 0.1 = 0.9
    optimizer.learningRate = 0.5;
    expect(optimizer.learningRate).toBe(0.5);
    optimizer.step(params, f64(1)); // 0.9 − 0.5 = 0.4
    expect(params[0]).toBeCloseTo(0.4, 12);
  });

  it('changes only the new gradient term of momentum, not the carried velocity', () => {
    const optimizer = momentum({ learningRate: 0.1, momentum: 0.5 });
    const params = f64(0);
    optimizer.step(params, f64(1)); // Δw(1) = −0.1
    optimizer.learningRate = 0.2;
    optimizer.step(params, f64(1)); // Δw(2) = −0.2·1 + 0.5·(−0.1) = −0.25
    // w = 0 − 0.1 − 0.25 = −0.35
    expect(params[0]).toBeCloseTo(-0.35, 12);
  });

  it('scales the next adam step', () => {
    const optimizer = adam({ learningRate: 0.1, epsilon: 0 });
    const params = f64(0, 0);
    optimizer.step(params, f64(1, -1)); // η·sign(g): [−0.1, 0.1]
    optimizer.learningRate = 0;
    const before = Float64Array.from(params);
    optimizer.step(params, f64(1, -1));
    // η = 0 (allowed): the moments move but the parameters do not
    expectSameBits(params, before);
    expect(optimizer.state().steps).toBe(2);
  });

  // A number out of range is a RangeError, a value of another type a TypeError.
  const bad: [string, unknown, typeof RangeError][] = [
    ['−1', -1, RangeError],
    ['NaN', Number.NaN, RangeError],
    ['Infinity', Number.POSITIVE_INFINITY, RangeError],
    ["'0.1'", '0.1', TypeError],
  ];
  for (const { name, make } of OPTIMIZERS) {
    for (const [label, value, kind] of bad) {
      it(`${name}: η = ${label} throws ${kind.name} at construction and at assignment`, () => {
        const factories: Record<string, (o: { learningRate: number }) => Optimizer> = {
          sgd,
          momentum,
          nesterov,
          adagrad,
          rmsprop,
          adam,
        };
        expect(() => factories[name]({ learningRate: value as number })).toThrow(kind);
        expect(() => factories[name]({ learningRate: value as number })).toThrow(
          `${name}: learningRate must be a finite number >= 0, got ${label === "'0.1'" ? '"0.1"' : String(value)}`,
        );
        const optimizer = make();
        const rate = optimizer.learningRate;
        expect(() => {
          optimizer.learningRate = value as number;
        }).toThrow(kind);
        // a refused assignment leaves the rate as it was
        expect(optimizer.learningRate).toBe(rate);
      });
    }
  }

  it('accepts 0', () => {
    expect(sgd({ learningRate: 0 }).learningRate).toBe(0);
  });
});

describe('hyper-parameter checks', () => {
  const cases: [string, () => Optimizer, RegExp][] = [
    ['momentum({ momentum: 1 })', () => momentum({ momentum: 1 }), /momentum/],
    ['momentum({ momentum: −0.1 })', () => momentum({ momentum: -0.1 }), /momentum/],
    ['nesterov({ momentum: 1 })', () => nesterov({ momentum: 1 }), /momentum/],
    ['nesterov({ momentum: NaN })', () => nesterov({ momentum: Number.NaN }), /momentum/],
    ['adam({ beta1: 1 })', () => adam({ beta1: 1 }), /beta1/],
    ['adam({ beta2: 1 })', () => adam({ beta2: 1 }), /beta2/],
    ['adam({ epsilon: −1 })', () => adam({ epsilon: -1 }), /epsilon/],
    ['rmsprop({ decay: −0.1 })', () => rmsprop({ decay: -0.1 }), /decay/],
    ['rmsprop({ decay: 1 })', () => rmsprop({ decay: 1 }), /decay/],
    ['adagrad({ epsilon: Infinity })', () => adagrad({ epsilon: Infinity }), /epsilon/],
  ];
  for (const [label, make, field] of cases) {
    it(`${label} throws a RangeError naming the hyper-parameter`, () => {
      expect(make).toThrow(RangeError);
      expect(make).toThrow(field);
    });
  }

  it("a hyper-parameter of another type (momentum '0.5') is a TypeError naming it", () => {
    expect(() => momentum({ momentum: '0.5' as never })).toThrow(
      new TypeError('momentum: momentum must be a finite number in [0, 1), got "0.5"'),
    );
  });

  it('accepts the edges of the ranges: momentum 0, beta1 0, decay 0, epsilon 0', () => {
    expect(momentum({ momentum: 0 }).state().hyperParameters.momentum).toBe(0);
    expect(adam({ beta1: 0, beta2: 0, epsilon: 0 }).state().hyperParameters).toEqual({
      beta1: 0,
      beta2: 0,
      epsilon: 0,
    });
    expect(rmsprop({ decay: 0 }).state().hyperParameters.decay).toBe(0);
  });
});

describe('lengths', () => {
  for (const { name, make } of OPTIMIZERS) {
    it(`${name}: step with gradients of another length throws RangeError and changes nothing`, () => {
      const optimizer = make();
      const params = f64(1, 2, 3);
      expect(() => optimizer.step(params, f64(1, 2))).toThrow(RangeError);
      expect(() => optimizer.step(params, f64(1, 2))).toThrow(/length 2.*3/);
      expect(Array.from(params)).toEqual([1, 2, 3]);
      expect(optimizer.state().steps).toBe(0);
    });
  }

  for (const { name, make } of OPTIMIZERS) {
    it(`${name}: a second parameter array of another length throws RangeError naming the problem`, () => {
      const optimizer = make();
      optimizer.step(f64(1, 2), f64(0.1, 0.2));
      const other = f64(1, 2, 3);
      expect(() => optimizer.step(other, f64(0.1, 0.2, 0.3))).toThrow(RangeError);
      expect(() => optimizer.step(other, f64(0.1, 0.2, 0.3))).toThrow(
        /steps 2 parameters, got 3.*one optimizer per network/,
      );
      expect(Array.from(other)).toEqual([1, 2, 3]);
      expect(optimizer.state().steps).toBe(1);
    });

    it(`${name}: the fused step on a network of another size throws RangeError`, () => {
      const optimizer = make();
      optimizer.step(f64(1, 2), f64(0.1, 0.2));
      const net = smallNet();
      expect(() => trainFrom(net, optimizer, 1)).toThrow(/steps 2 parameters, got 26/);
    });
  }
});

describe('steps and reset()', () => {
  for (const { name, make } of OPTIMIZERS) {
    it(`${name}: steps counts plain and fused steps`, () => {
      const optimizer = make();
      expect(optimizer.state().steps).toBe(0);
      const net = smallNet();
      optimizer.step(net.parameters, new Float64Array(net.parameters.length).fill(0.1));
      expect(optimizer.state().steps).toBe(1);
      trainFrom(net, optimizer, 3);
      expect(optimizer.state().steps).toBe(4);
    });

    it(`${name}: reset() clears state and step count but keeps the rate`, () => {
      const optimizer = make();
      optimizer.learningRate = 0.02;
      const params = f64(1, -2, 3);
      optimizer.step(params, f64(0.5, -0.5, 1));
      optimizer.step(params, f64(0.25, 0.5, -1));
      optimizer.reset();
      expect(optimizer.state().steps).toBe(0);
      expect(optimizer.learningRate).toBe(0.02);
      for (const values of Object.values(optimizer.state().buffers)) {
        expect(values.every((v) => v === 0)).toBe(true);
      }
      // after reset the next step is exactly the first step of a fresh optimizer
      const fresh = make();
      fresh.learningRate = 0.02;
      const a = Float64Array.from(params);
      const b = Float64Array.from(params);
      optimizer.step(a, f64(0.3, 0.7, -0.2));
      fresh.step(b, f64(0.3, 0.7, -0.2));
      expectSameBits(a, b);
      expect(optimizer.state().steps).toBe(1);
    });
  }
});
