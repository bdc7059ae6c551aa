// The backward pass and what is computed from the error terms δ without writing the gradient
// out: its norm, its scaling, and its accumulation into a flat gradient.
import { differentiate } from './activations';
import {
  ACTIVATION,
  ALPHA,
  at,
  BIASES,
  DELTA,
  DY,
  FAN_IN,
  INPUT,
  layerAt,
  UNITS,
  WEIGHTS,
  Y,
  Z,
} from './layout';

/**
 * back[i] = Σⱼ W[j][i]·δ[j]: back starts as row 0 times δ[0], then each row is added in turn —
 * the JavaScript order, element by element, so the result is bit for bit the same. Two rows
 * per sweep halve the loads and stores of `back` without changing that order.
 */
function transposeTimes(w: usize, delta: usize, back: usize, units: i32, fanIn: i32): void {
  const row = (<usize>fanIn) << 3;
  const d0 = f64x2.splat(load<f64>(delta));
  let i = 0;
  for (; i + 2 <= fanIn; i += 2) {
    const p = (<usize>i) << 3;
    v128.store(back + p, f64x2.mul(v128.load(w + p), d0));
  }
  if (i < fanIn) store<f64>(at(back, i), load<f64>(at(w, i)) * load<f64>(delta));
  let j = 1;
  for (; j + 2 <= units; j += 2) {
    const w0 = w + <usize>j * row;
    const w1 = w0 + row;
    const s0 = load<f64>(at(delta, j));
    const s1 = load<f64>(at(delta, j + 1));
    const e0 = f64x2.splat(s0);
    const e1 = f64x2.splat(s1);
    i = 0;
    for (; i + 2 <= fanIn; i += 2) {
      const p = (<usize>i) << 3;
      const t = f64x2.add(v128.load(back + p), f64x2.mul(v128.load(w0 + p), e0));
      v128.store(back + p, f64x2.add(t, f64x2.mul(v128.load(w1 + p), e1)));
    }
    if (i < fanIn) {
      const t = load<f64>(at(back, i)) + load<f64>(at(w0, i)) * s0;
      store<f64>(at(back, i), t + load<f64>(at(w1, i)) * s1);
    }
  }
  if (j < units) {
    const w0 = w + <usize>j * row;
    const s0 = load<f64>(at(delta, j));
    const e0 = f64x2.splat(s0);
    i = 0;
    for (; i + 2 <= fanIn; i += 2) {
      const p = (<usize>i) << 3;
      v128.store(back + p, f64x2.add(v128.load(back + p), f64x2.mul(v128.load(w0 + p), e0)));
    }
    if (i < fanIn) store<f64>(at(back, i), load<f64>(at(back, i)) + load<f64>(at(w0, i)) * s0);
  }
}

/**
 * The error terms of every layer. With `topReady`, δ of the last layer is already in place (the
 * loss wrote it); otherwise it is f'(z) ⊙ dy of the last layer.
 */
export function backward(table: usize, params: usize, trace: usize, topReady: bool): void {
  const last = load<i32>(table) - 1;
  const top = layerAt(table, last);
  if (!topReady) {
    differentiate(
      load<i32>(top, ACTIVATION),
      load<f64>(top, ALPHA),
      trace + <usize>load<i32>(top, Z),
      trace + <usize>load<i32>(top, Y),
      trace + <usize>load<i32>(top, DY),
      trace + <usize>load<i32>(top, DELTA),
      load<i32>(top, UNITS),
    );
  }
  for (let k = last; k > 0; k--) {
    const l = layerAt(table, k);
    const below = layerAt(table, k - 1);
    const back = trace + <usize>load<i32>(below, DY);
    transposeTimes(
      params + <usize>load<i32>(l, WEIGHTS),
      trace + <usize>load<i32>(l, DELTA),
      back,
      load<i32>(l, UNITS),
      load<i32>(l, FAN_IN),
    );
    differentiate(
      load<i32>(below, ACTIVATION),
      load<f64>(below, ALPHA),
      trace + <usize>load<i32>(below, Z),
      trace + <usize>load<i32>(below, Y),
      back,
      trace + <usize>load<i32>(below, DELTA),
      load<i32>(below, UNITS),
    );
  }
}

/**
 * Σ v[i]² in four interleaved partial sums s₀…s₃ over i mod 4, the remainder added to s₀, then
 * s₀ + s₁ + (s₂ + s₃): the JavaScript order, bit for bit.
 */
function sumOfSquares(v: usize, n: i32): f64 {
  let a = f64x2.splat(0); // s₀, s₁
  let b = f64x2.splat(0); // s₂, s₃
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = (<usize>i) << 3;
    const x = v128.load(v + p);
    const y = v128.load(v + p, 16);
    a = f64x2.add(a, f64x2.mul(x, x));
    b = f64x2.add(b, f64x2.mul(y, y));
  }
  let s0 = f64x2.extract_lane(a, 0);
  for (; i < n; i++) s0 += load<f64>(at(v, i)) * load<f64>(at(v, i));
  return s0 + f64x2.extract_lane(a, 1) + (f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1));
}

/** ‖∂L/∂θ‖ from the error terms: Σₖ ‖δ(k)‖²·(1 + ‖n(k−1)‖²), rooted. */
export function gradientNorm(table: usize, trace: usize): f64 {
  const count = load<i32>(table);
  let total = 0.0;
  for (let k = 0; k < count; k++) {
    const l = layerAt(table, k);
    const d = sumOfSquares(trace + <usize>load<i32>(l, DELTA), load<i32>(l, UNITS));
    total += d * (1 + sumOfSquares(trace + <usize>load<i32>(l, INPUT), load<i32>(l, FAN_IN)));
  }
  return Math.sqrt(total);
}

/** δ(k) ← factor·δ(k) for every layer. */
export function scaleGradient(table: usize, trace: usize, factor: f64): void {
  const count = load<i32>(table);
  const f = f64x2.splat(factor);
  for (let k = 0; k < count; k++) {
    const l = layerAt(table, k);
    const delta = trace + <usize>load<i32>(l, DELTA);
    const n = load<i32>(l, UNITS);
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const p = (<usize>i) << 3;
      v128.store(delta + p, f64x2.mul(v128.load(delta + p), f));
    }
    if (i < n) store<f64>(at(delta, i), load<f64>(at(delta, i)) * factor);
  }
}

/** into += scale·(δ(k)·n(k−1)ᵀ, δ(k)), laid out like the parameters: `d = scale·δ[j]; g += d·n[i]`. */
export function accumulate(table: usize, trace: usize, into: usize, scale: f64): void {
  const count = load<i32>(table);
  for (let k = 0; k < count; k++) {
    const l = layerAt(table, k);
    const delta = trace + <usize>load<i32>(l, DELTA);
    const input = trace + <usize>load<i32>(l, INPUT);
    const units = load<i32>(l, UNITS);
    const fanIn = load<i32>(l, FAN_IN);
    let g = into + <usize>load<i32>(l, WEIGHTS);
    for (let j = 0; j < units; j++) {
      const d = scale * load<f64>(at(delta, j));
      const dv = f64x2.splat(d);
      let i = 0;
      for (; i + 2 <= fanIn; i += 2) {
        const p = (<usize>i) << 3;
        v128.store(g + p, f64x2.add(v128.load(g + p), f64x2.mul(dv, v128.load(input + p))));
      }
      if (i < fanIn) store<f64>(at(g, i), load<f64>(at(g, i)) + d * load<f64>(at(input, i)));
      g += (<usize>fanIn) << 3;
    }
    const b = into + <usize>load<i32>(l, BIASES);
    for (let j = 0; j < units; j++) {
      store<f64>(at(b, j), load<f64>(at(b, j)) + scale * load<f64>(at(delta, j)));
    }
  }
}
