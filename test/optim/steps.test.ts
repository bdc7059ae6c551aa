// Hand-computed steps of every optimizer through optimizer.step(params, grads).
import { describe, expect, it } from 'vitest';
import { adagrad, adam, momentum, nesterov, rmsprop, sgd } from '../../src/index.js';

const f64 = (...values: number[]): Float64Array => new Float64Array(values);

function expectClose(actual: Float64Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    expect(actual[i]).toBeCloseTo(e, 12);
  });
}

describe('sgd: w ← w − η g', () => {
  it('takes one and then a second identical step', () => {
    const optimizer = sgd({ learningRate: 0.1 });
    const params = f64(1, -2, 0.5);
    const grads = f64(0.5, -0.25, 2);
    optimizer.step(params, grads);
    // 1 − 0.1·0.5 = 0.95; −2 − 0.1·(−0.25) = −1.975; 0.5 − 0.1·2 = 0.3
    expectClose(params, [0.95, -1.975, 0.3]);
    optimizer.step(params, grads);
    // stateless: the same change again: 0.9, −1.95, 0.1
    expectClose(params, [0.9, -1.95, 0.1]);
    expect(optimizer.state().steps).toBe(2);
  });

  it('matches the documented example: η = 0.5, [1, 2] along [0.2, −0.2] gives [0.9, 2.1]', () => {
    const optimizer = sgd({ learningRate: 0.5 });
    const params = f64(1, 2);
    optimizer.step(params, f64(0.2, -0.2));
    // 1 − 0.5·0.2 = 0.9; 2 − 0.5·(−0.2) = 2.1
    expectClose(params, [0.9, 2.1]);
  });

  it('does not touch the gradient array', () => {
    const grads = f64(0.5, -0.25);
    sgd({ learningRate: 0.1 }).step(f64(1, 2), grads);
    expect(Array.from(grads)).toEqual([0.5, -0.25]);
  });
});

describe('momentum: Δw(t) = −η ∂E/∂w + α Δw(t−1), w ← w + Δw(t)', () => {
  it('carries the previous change into the second step', () => {
    const optimizer = momentum({ learningRate: 0.1, momentum: 0.9 });
    const params = f64(1, -2);
    optimizer.step(params, f64(0.5, -0.25));
    // Δw(1) = −0.1·0.5 + 0.9·0 = −0.05 → 0.95; −0.1·(−0.25) + 0 = 0.025 → −1.975
    expectClose(params, [0.95, -1.975]);
    expectClose(Float64Array.from(optimizer.state().buffers.velocity), [-0.05, 0.025]);
    optimizer.step(params, f64(0.2, 0.4));
    // Δw(2) = −0.1·0.2 + 0.9·(−0.05) = −0.02 − 0.045 = −0.065 → 0.95 − 0.065 = 0.885
    // Δw(2) = −0.1·0.4 + 0.9·0.025 = −0.04 + 0.0225 = −0.0175 → −1.975 − 0.0175 = −1.9925
    expectClose(params, [0.885, -1.9925]);
    expectClose(Float64Array.from(optimizer.state().buffers.velocity), [-0.065, -0.0175]);
  });

  it('with α = 0 is plain gradient descent', () => {
    const optimizer = momentum({ learningRate: 0.1, momentum: 0 });
    const params = f64(1);
    optimizer.step(params, f64(0.5));
    optimizer.step(params, f64(0.5));
    // Δw = −0.05 each time, nothing carried over: 1 − 0.1 = 0.9
    expectClose(params, [0.9]);
  });
});

describe('nesterov: v ← αv − ηg; w ← w + αv − ηg', () => {
  it('takes the look-ahead step, twice', () => {
    const optimizer = nesterov({ learningRate: 0.1, momentum: 0.9 });
    const params = f64(1, -2);
    optimizer.step(params, f64(0.5, -0.25));
    // v = 0.9·0 − 0.1·0.5 = −0.05;   w = 1 + 0.9·(−0.05) − 0.05 = 1 − 0.045 − 0.05 = 0.905
    // v = 0 − 0.1·(−0.25) = 0.025;   w = −2 + 0.9·0.025 + 0.025 = −2 + 0.0475 = −1.9525
    expectClose(params, [0.905, -1.9525]);
    expectClose(Float64Array.from(optimizer.state().buffers.velocity), [-0.05, 0.025]);
    optimizer.step(params, f64(0.2, 0.4));
    // v = 0.9·(−0.05) − 0.02 = −0.065;  w = 0.905 + 0.9·(−0.065) − 0.02 = 0.905 − 0.0785 = 0.8265
    // v = 0.9·0.025 − 0.04 = −0.0175;   w = −1.9525 + 0.9·(−0.0175) − 0.04 = −1.9525 − 0.05575
    //                                      = −2.00825
    expectClose(params, [0.8265, -2.00825]);
    expectClose(Float64Array.from(optimizer.state().buffers.velocity), [-0.065, -0.0175]);
  });
});

describe('adagrad: G ← G + g², w ← w − η g / (√G + ε)', () => {
  it('shrinks the rate with the sum of squared gradients (ε = 0)', () => {
    const optimizer = adagrad({ learningRate: 0.1, epsilon: 0 });
    const params = f64(1, -2);
    optimizer.step(params, f64(0.3, 0.5));
    // G = [0.09, 0.25], √G = [0.3, 0.5]; w = 1 − 0.1·0.3/0.3 = 0.9; −2 − 0.1·0.5/0.5 = −2.1
    expectClose(params, [0.9, -2.1]);
    optimizer.step(params, f64(0.4, -1.2));
    // G = [0.09 + 0.16, 0.25 + 1.44] = [0.25, 1.69], √G = [0.5, 1.3]
    // w = 0.9 − 0.1·0.4/0.5 = 0.9 − 0.08 = 0.82
    // w = −2.1 − 0.1·(−1.2)/1.3 = −2.1 + 0.0923076923076923… = −2.0076923076923077
    expectClose(params, [0.82, -2.0076923076923077]);
    expectClose(Float64Array.from(optimizer.state().buffers.sumSquares), [0.25, 1.69]);
  });

  it('adds the default ε = 1e-8 to the root', () => {
    const optimizer = adagrad({ learningRate: 0.1 });
    const params = f64(1);
    optimizer.step(params, f64(0.5));
    // G = 0.25, √G = 0.5; w = 1 − 0.1·0.5/(0.5 + 1e-8) = 1 − 0.099999998000… = 0.900000002
    // (with ε = 0 it would be exactly 0.9; the 2e-9 difference shows at 12 digits)
    expect(params[0]).toBeCloseTo(0.900000002, 12);
  });
});

describe('rmsprop: E ← ρE + (1 − ρ)g², w ← w − η g / (√E + ε)', () => {
  it('keeps a running mean of squared gradients (ε = 0)', () => {
    const optimizer = rmsprop({ learningRate: 0.01, decay: 0.9, epsilon: 0 });
    const params = f64(1, -2);
    optimizer.step(params, f64(0.5, -2));
    // E = 0.1·0.25 = 0.025, √E = 0.158113883…; w = 1 − 0.01·0.5/0.158113883… = 1 − 0.0316227766…
    //   = 0.9683772233983162   (the first step is η·sign(g)/√(1−ρ) = 0.01·√10)
    // E = 0.1·4 = 0.4, √E = 0.632455532…; w = −2 − 0.01·(−2)/0.632455532… = −1.9683772233983161
    expectClose(params, [0.9683772233983162, -1.9683772233983161]);
    optimizer.step(params, f64(0.5, 1));
    // E = 0.9·0.025 + 0.1·0.25 = 0.0475, √E = 0.21794494717703367
    //   w = 0.9683772233983162 − 0.005/0.21794494717703367 = 0.9454356500112601
    // E = 0.9·0.4 + 0.1·1 = 0.46, √E = 0.678232998…
    //   w = −1.9683772233983161 − 0.01/0.678232998… = −1.9831214190138058
    expectClose(params, [0.9454356500112601, -1.9831214190138058]);
    expectClose(Float64Array.from(optimizer.state().buffers.meanSquares), [0.0475, 0.46]);
  });
});

describe('adam: bias-corrected moments', () => {
  it('takes η·sign(g) on the first step and a corrected step on the second (ε = 0)', () => {
    const optimizer = adam({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 0 });
    const params = f64(1, -2);
    optimizer.step(params, f64(0.5, -2));
    // t = 1: m = 0.1·g = [0.05, −0.2], v = 0.001·g² = [0.00025, 0.004]
    // m̂ = m/(1 − 0.9) = g, v̂ = v/(1 − 0.999) = g², so w ← w − 0.1·g/|g|: [0.9, −1.9]
    expectClose(params, [0.9, -1.9]);
    const s1 = optimizer.state().buffers;
    expectClose(Float64Array.from(s1.m), [0.05, -0.2]);
    expectClose(Float64Array.from(s1.v), [0.00025, 0.004]);
    optimizer.step(params, f64(0.25, 1));
    // t = 2: m = 0.9·0.05 + 0.1·0.25 = 0.07;        v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225
    //        m = 0.9·(−0.2) + 0.1·1 = −0.08;        v = 0.999·0.004 + 0.001·1 = 0.004996
    // 1 − β₁² = 0.19, 1 − β₂² = 0.001999
    // m̂ = 0.07/0.19 = 0.368421052631579…, v̂ = 0.00031225/0.001999 = 0.156203101550775…,
    //   √v̂ = 0.395225380701667…; w = 0.9 − 0.1·0.368421…/0.395225… = 0.8067820361188597
    // m̂ = −0.08/0.19 = −0.421052631578947…, v̂ = 0.004996/0.001999 = 2.499249624812406…,
    //   √v̂ = 1.580901522806668…; w = −1.9 + 0.1·0.421052…/1.580901… = −1.8733662960339599
    expectClose(params, [0.8067820361188597, -1.8733662960339599]);
    const s2 = optimizer.state().buffers;
    expectClose(Float64Array.from(s2.m), [0.07, -0.08]);
    expectClose(Float64Array.from(s2.v), [0.00031225, 0.004996]);
  });

  it('adds ε = 1e-8 after the root of v̂', () => {
    const optimizer = adam({ learningRate: 0.1 });
    const params = f64(1);
    optimizer.step(params, f64(0.5));
    // m̂ = 0.5, √v̂ = 0.5: w = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.900000002
    expect(params[0]).toBeCloseTo(0.900000002, 12);
  });
});
