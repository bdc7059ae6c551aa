// Mini-batches: the passes of `count` samples at once as matrix products, blocked so that each
// weight is loaded once per block of samples instead of once per sample. The samples are
// `count` traces laid out one after another, `stride` bytes apart (each with the layout of
// src/core/trace.ts), so row s of a layer's matrix is that layer's vector in trace s.
import { activate, differentiate } from './activations';
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
import { madd } from './multiplyAdd';

@inline
function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * z_s = b + W·a_s for `count` samples: four samples by two neurons per block, so each pair of
 * weights loaded serves eight multiply-adds. Each sum is in two lanes, then the odd column.
 */
function forwardLayer(w: usize, b: usize, a: usize, z: usize, stride: usize, count: i32, units: i32, fanIn: i32, scratch: usize): void {
  const row = <usize>fanIn << 3;
  const pairs = fanIn & ~1;
  // The four samples' pairs side by side, pair after pair: 64 bytes each.
  const stop = scratch + (<usize>pairs << 5);
  let s = 0;
  for (; s + 4 <= count; s += 4) {
    const a0 = a + <usize>s * stride;
    const a1 = a0 + stride;
    const a2 = a1 + stride;
    const a3 = a2 + stride;
    for (let i = 0; i < pairs; i += 2) {
      const p = <usize>i << 3;
      const o = scratch + (p << 2);
      v128.store(o, v128.load(a0 + p));
      v128.store(o, v128.load(a1 + p), 16);
      v128.store(o, v128.load(a2 + p), 32);
      v128.store(o, v128.load(a3 + p), 48);
    }
    let j = 0;
    for (; j + 2 <= units; j += 2) {
      const w0 = w + <usize>j * row;
      const w1 = w0 + row;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      // Running addresses: one for the copied samples, one for the weights (the second row at a
      // fixed distance), instead of six computed each turn.
      let x = w0;
      for (let y = scratch; y < stop; y += 64) {
        const x0 = v128.load(x);
        const x1 = v128.load(x + row);
        const y0 = v128.load(y);
        const y1 = v128.load(y, 16);
        const y2 = v128.load(y, 32);
        const y3 = v128.load(y, 48);
        x += 16;
        c00 = madd(y0, x0, c00);
        c01 = madd(y0, x1, c01);
        c10 = madd(y1, x0, c10);
        c11 = madd(y1, x1, c11);
        c20 = madd(y2, x0, c20);
        c21 = madd(y2, x1, c21);
        c30 = madd(y3, x0, c30);
        c31 = madd(y3, x1, c31);
      }
      let s00 = load<f64>(at(b, j)) + lanes(c00), s01 = load<f64>(at(b, j + 1)) + lanes(c01);
      let s10 = load<f64>(at(b, j)) + lanes(c10), s11 = load<f64>(at(b, j + 1)) + lanes(c11);
      let s20 = load<f64>(at(b, j)) + lanes(c20), s21 = load<f64>(at(b, j + 1)) + lanes(c21);
      let s30 = load<f64>(at(b, j)) + lanes(c30), s31 = load<f64>(at(b, j + 1)) + lanes(c31);
      if (pairs < fanIn) {
        const v0 = load<f64>(at(w0, pairs));
        const v1 = load<f64>(at(w1, pairs));
        s00 += load<f64>(at(a0, pairs)) * v0;
        s01 += load<f64>(at(a0, pairs)) * v1;
        s10 += load<f64>(at(a1, pairs)) * v0;
        s11 += load<f64>(at(a1, pairs)) * v1;
        s20 += load<f64>(at(a2, pairs)) * v0;
        s21 += load<f64>(at(a2, pairs)) * v1;
        s30 += load<f64>(at(a3, pairs)) * v0;
        s31 += load<f64>(at(a3, pairs)) * v1;
      }
      const zs = z + <usize>s * stride;
      store<f64>(at(zs, j), s00);
      store<f64>(at(zs, j + 1), s01);
      store<f64>(at(zs + stride, j), s10);
      store<f64>(at(zs + stride, j + 1), s11);
      store<f64>(at(zs + 2 * stride, j), s20);
      store<f64>(at(zs + 2 * stride, j + 1), s21);
      store<f64>(at(zs + 3 * stride, j), s30);
      store<f64>(at(zs + 3 * stride, j + 1), s31);
    }
    for (; j < units; j++) {
      for (let q = 0; q < 4; q++) dotInto(w + <usize>j * row, b, a0 + <usize>q * stride, z + <usize>(s + q) * stride, j, fanIn);
    }
  }
  for (; s < count; s++) {
    for (let j = 0; j < units; j++) dotInto(w + <usize>j * row, b, a + <usize>s * stride, z + <usize>s * stride, j, fanIn);
  }
}

/** z[j] = b[j] + Σᵢ w[i]·a[i], in two lanes then the odd column. */
function dotInto(w: usize, b: usize, a: usize, z: usize, j: i32, fanIn: i32): void {
  let c = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= fanIn; i += 2) {
    const p = <usize>i << 3;
    c = madd(v128.load(a + p), v128.load(w + p), c);
  }
  let sum = load<f64>(at(b, j)) + lanes(c);
  if (i < fanIn) sum += load<f64>(at(a, i)) * load<f64>(at(w, i));
  store<f64>(at(z, j), sum);
}

/**
 * The forward pass of `count` samples. `scratch`: batchScratchBytes (assembly/batchGradient.ts)
 * bytes the call may overwrite.
 */
export function batchForward(table: usize, params: usize, traces: usize, stride: usize, count: i32, fast: bool, scratch: usize): void {
  const layers = load<i32>(table);
  for (let k = 0; k < layers; k++) {
    const l = layerAt(table, k);
    const units = load<i32>(l, UNITS);
    const z = traces + <usize>load<i32>(l, Z);
    const y = traces + <usize>load<i32>(l, Y);
    forwardLayer(
      params + <usize>load<i32>(l, WEIGHTS),
      params + <usize>load<i32>(l, BIASES),
      traces + <usize>load<i32>(l, INPUT),
      z,
      stride,
      count,
      units,
      load<i32>(l, FAN_IN),
      scratch,
    );
    const code = load<i32>(l, ACTIVATION);
    const alpha = load<f64>(l, ALPHA);
    for (let s = 0; s < count; s++) {
      activate(code, alpha, z + <usize>s * stride, y + <usize>s * stride, units, fast);
    }
  }
}

/**
 * back_s = Wᵀ·δ_s for `count` samples, four samples per block: each weight row is loaded once
 * per four samples. Every element sums over the neurons in order, from the first product, as
 * the one-sample kernel and the JavaScript loop do: the same result, bit for bit.
 */
function backLayer(w: usize, delta: usize, back: usize, stride: usize, count: i32, units: i32, fanIn: i32): void {
  const row = <usize>fanIn << 3;
  const pairs = fanIn & ~1;
  let s = 0;
  for (; s + 4 <= count; s += 4) {
    const d0 = delta + <usize>s * stride;
    const b0 = back + <usize>s * stride;
    const quads = fanIn & ~3;
    let i = 0;
    // Four inputs by four samples per block: each δ loaded serves two weight pairs.
    for (; i < quads; i += 4) {
      const p = <usize>i << 3;
      let x = v128.load(w + p);
      let y = v128.load(w + p, 16);
      let e = v128.load64_splat(d0);
      let c0 = f64x2.mul(x, e);
      let h0 = f64x2.mul(y, e);
      e = v128.load64_splat(d0 + stride);
      let c1 = f64x2.mul(x, e);
      let h1 = f64x2.mul(y, e);
      e = v128.load64_splat(d0 + 2 * stride);
      let c2 = f64x2.mul(x, e);
      let h2 = f64x2.mul(y, e);
      e = v128.load64_splat(d0 + 3 * stride);
      let c3 = f64x2.mul(x, e);
      let h3 = f64x2.mul(y, e);
      // Running addresses: the next weight row, the next neuron's δ.
      let r = w + p;
      let o = d0;
      for (let j = 1; j < units; j++) {
        r += row;
        o += 8;
        x = v128.load(r);
        y = v128.load(r, 16);
        e = v128.load64_splat(o);
        c0 = madd(x, e, c0);
        h0 = madd(y, e, h0);
        e = v128.load64_splat(o + stride);
        c1 = madd(x, e, c1);
        h1 = madd(y, e, h1);
        e = v128.load64_splat(o + 2 * stride);
        c2 = madd(x, e, c2);
        h2 = madd(y, e, h2);
        e = v128.load64_splat(o + 3 * stride);
        c3 = madd(x, e, c3);
        h3 = madd(y, e, h3);
      }
      v128.store(b0 + p, c0);
      v128.store(b0 + p, h0, 16);
      v128.store(b0 + stride + p, c1);
      v128.store(b0 + stride + p, h1, 16);
      v128.store(b0 + 2 * stride + p, c2);
      v128.store(b0 + 2 * stride + p, h2, 16);
      v128.store(b0 + 3 * stride + p, c3);
      v128.store(b0 + 3 * stride + p, h3, 16);
    }
    for (; i < pairs; i += 2) {
      const p = <usize>i << 3;
      let x = v128.load(w + p);
      let c0 = f64x2.mul(x, v128.load64_splat(d0));
      let c1 = f64x2.mul(x, v128.load64_splat(d0 + stride));
      let c2 = f64x2.mul(x, v128.load64_splat(d0 + 2 * stride));
      let c3 = f64x2.mul(x, v128.load64_splat(d0 + 3 * stride));
      let r = w + p;
      let o = d0;
      for (let j = 1; j < units; j++) {
        r += row;
        o += 8;
        x = v128.load(r);
        c0 = madd(x, v128.load64_splat(o), c0);
        c1 = madd(x, v128.load64_splat(o + stride), c1);
        c2 = madd(x, v128.load64_splat(o + 2 * stride), c2);
        c3 = madd(x, v128.load64_splat(o + 3 * stride), c3);
      }
      v128.store(b0 + p, c0);
      v128.store(b0 + stride + p, c1);
      v128.store(b0 + 2 * stride + p, c2);
      v128.store(b0 + 3 * stride + p, c3);
    }
    if (pairs < fanIn) {
      for (let q = 0; q < 4; q++) backColumn(w, d0 + <usize>q * stride, b0 + <usize>q * stride, units, fanIn, pairs);
    }
  }
  for (; s < count; s++) {
    const d = delta + <usize>s * stride;
    const b = back + <usize>s * stride;
    for (let i = 0; i < fanIn; i++) backColumn(w, d, b, units, fanIn, i);
  }
}

/** back[i] = Σⱼ W[j][i]·δ[j], in order from j = 0. */
function backColumn(w: usize, delta: usize, back: usize, units: i32, fanIn: i32, i: i32): void {
  const row = <usize>fanIn << 3;
  let sum = load<f64>(at(w, i)) * load<f64>(delta);
  for (let j = 1; j < units; j++) sum += load<f64>(at(w + <usize>j * row, i)) * load<f64>(at(delta, j));
  store<f64>(at(back, i), sum);
}

/**
 * backLayer for a wide layer: the same sums in the same order, from copies. The weights of
 * every four columns are first copied into a panel of `scratch`, the rows one after another
 * (units·32 bytes a panel), and the δ of each four samples side by side (units·32 bytes after
 * the panels): each step of the inner loop then reads both copies in order, from two running
 * addresses, instead of a weight row fanIn·8 bytes from the last (a cache line and often a page
 * apiece) and four δ rows `stride` apart, addresses computed each turn.
 */
function backLayerPacked(w: usize, delta: usize, back: usize, stride: usize, count: i32, units: i32, fanIn: i32, scratch: usize): void {
  const row = <usize>fanIn << 3;
  const quads = fanIn & ~3;
  const full = count & ~3;
  const panel = <usize>units << 5;
  let r = scratch;
  for (let i = 0; i < quads; i += 4) {
    let from = w + (<usize>i << 3);
    for (let j = 0; j < units; j++) {
      v128.store(r, v128.load(from));
      v128.store(r, v128.load(from, 16), 16);
      from += row;
      r += 32;
    }
  }
  const side = r;
  for (let s = 0; s < full; s += 4) {
    const d0 = delta + <usize>s * stride;
    const b0 = back + <usize>s * stride;
    for (let j = 0; j < units; j++) {
      const o = at(d0, j);
      const t = side + (<usize>j << 5);
      store<f64>(t, load<f64>(o));
      store<f64>(t, load<f64>(o + stride), 8);
      store<f64>(t, load<f64>(o + 2 * stride), 16);
      store<f64>(t, load<f64>(o + 3 * stride), 24);
    }
    for (let i = 0; i < quads; i += 4) {
      const p = <usize>i << 3;
      let x = scratch + <usize>(i >> 2) * panel;
      const stop = x + panel;
      let y = side;
      let e = v128.load64_splat(y);
      let c0 = f64x2.mul(v128.load(x), e);
      let h0 = f64x2.mul(v128.load(x, 16), e);
      e = v128.load64_splat(y, 8);
      let c1 = f64x2.mul(v128.load(x), e);
      let h1 = f64x2.mul(v128.load(x, 16), e);
      e = v128.load64_splat(y, 16);
      let c2 = f64x2.mul(v128.load(x), e);
      let h2 = f64x2.mul(v128.load(x, 16), e);
      e = v128.load64_splat(y, 24);
      let c3 = f64x2.mul(v128.load(x), e);
      let h3 = f64x2.mul(v128.load(x, 16), e);
      x += 32;
      y += 32;
      for (; x < stop; x += 32) {
        const u = v128.load(x);
        const v = v128.load(x, 16);
        e = v128.load64_splat(y);
        c0 = madd(u, e, c0);
        h0 = madd(v, e, h0);
        e = v128.load64_splat(y, 8);
        c1 = madd(u, e, c1);
        h1 = madd(v, e, h1);
        e = v128.load64_splat(y, 16);
        c2 = madd(u, e, c2);
        h2 = madd(v, e, h2);
        e = v128.load64_splat(y, 24);
        c3 = madd(u, e, c3);
        h3 = madd(v, e, h3);
        y += 32;
      }
      v128.store(b0 + p, c0);
      v128.store(b0 + p, h0, 16);
      v128.store(b0 + stride + p, c1);
      v128.store(b0 + stride + p, h1, 16);
      v128.store(b0 + 2 * stride + p, c2);
      v128.store(b0 + 2 * stride + p, h2, 16);
      v128.store(b0 + 3 * stride + p, c3);
      v128.store(b0 + 3 * stride + p, h3, 16);
    }
  }
  // The columns after the last four, every sample; then the samples after the last four.
  for (let s = 0; s < full; s++) {
    for (let i = quads; i < fanIn; i++) backColumn(w, delta + <usize>s * stride, back + <usize>s * stride, units, fanIn, i);
  }
  for (let s = full; s < count; s++) {
    for (let i = 0; i < fanIn; i++) backColumn(w, delta + <usize>s * stride, back + <usize>s * stride, units, fanIn, i);
  }
}

/** Layers of at least this many weights take backLayerPacked (measured: faster on 256×256 and 64×128). */
const PACKED_WEIGHTS = 4096;

/**
 * The error terms of `count` samples; δ of the last layer is in place when `topReady`.
 * `scratch`: batchScratchBytes (assembly/batchGradient.ts) bytes the call may overwrite.
 */
export function batchBackward(table: usize, params: usize, traces: usize, stride: usize, count: i32, topReady: bool, scratch: usize): void {
  const last = load<i32>(table) - 1;
  const top = layerAt(table, last);
  if (!topReady) {
    for (let s = 0; s < count; s++) {
      const t = traces + <usize>s * stride;
      differentiate(load<i32>(top, ACTIVATION), load<f64>(top, ALPHA), t + <usize>load<i32>(top, Z), t + <usize>load<i32>(top, Y), t + <usize>load<i32>(top, DY), t + <usize>load<i32>(top, DELTA), load<i32>(top, UNITS));
    }
  }
  for (let k = last; k > 0; k--) {
    const l = layerAt(table, k);
    const below = layerAt(table, k - 1);
    const w = params + <usize>load<i32>(l, WEIGHTS);
    const delta = traces + <usize>load<i32>(l, DELTA);
    const back = traces + <usize>load<i32>(below, DY);
    const units = load<i32>(l, UNITS);
    const fanIn = load<i32>(l, FAN_IN);
    if (units * fanIn >= PACKED_WEIGHTS) backLayerPacked(w, delta, back, stride, count, units, fanIn, scratch);
    else backLayer(w, delta, back, stride, count, units, fanIn);
    for (let s = 0; s < count; s++) {
      const t = traces + <usize>s * stride;
      differentiate(load<i32>(below, ACTIVATION), load<f64>(below, ALPHA), t + <usize>load<i32>(below, Z), t + <usize>load<i32>(below, Y), t + <usize>load<i32>(below, DY), t + <usize>load<i32>(below, DELTA), load<i32>(below, UNITS));
    }
  }
}

