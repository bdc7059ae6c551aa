// The forward pass: z = W·n + b, y = f(z), layer by layer.
import { activate } from './activations';
import {
  ACTIVATION,
  ALPHA,
  at,
  BIASES,
  FAN_IN,
  INPUT,
  layerAt,
  UNITS,
  WEIGHTS,
  Y,
  Z,
} from './layout';

/** Σ of the two lanes of a and of b: (a₀ + a₁) + (b₀ + b₁). */
@inline
function total(a: v128, b: v128): f64 {
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/**
 * z[j] = b[j] + Σᵢ W[j][i]·x[i] for the `units` rows of W (row-major, `fanIn` columns). Two rows
 * at a time share the loads of x; each row sums in four partial sums (two lanes of two
 * accumulators), so the sums differ from the one-by-one JavaScript order by rounding only.
 */
export function affine(w: usize, b: usize, x: usize, z: usize, units: i32, fanIn: i32): void {
  const row = <usize>fanIn << 3;
  let j = 0;
  for (; j + 2 <= units; j += 2) {
    const w0 = w + <usize>j * row;
    const w1 = w0 + row;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let c0 = f64x2.splat(0);
    let c1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= fanIn; i += 4) {
      const p = <usize>i << 3;
      const x0 = v128.load(x + p);
      const x1 = v128.load(x + p, 16);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(w0 + p), x0));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(w0 + p, 16), x1));
      c0 = f64x2.add(c0, f64x2.mul(v128.load(w1 + p), x0));
      c1 = f64x2.add(c1, f64x2.mul(v128.load(w1 + p, 16), x1));
    }
    let s0 = load<f64>(at(b, j)) + total(a0, a1);
    let s1 = load<f64>(at(b, j + 1)) + total(c0, c1);
    for (; i < fanIn; i++) {
      const v = load<f64>(at(x, i));
      s0 += load<f64>(at(w0, i)) * v;
      s1 += load<f64>(at(w1, i)) * v;
    }
    store<f64>(at(z, j), s0);
    store<f64>(at(z, j + 1), s1);
  }
  if (j < units) {
    const w0 = w + <usize>j * row;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= fanIn; i += 4) {
      const p = <usize>i << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(w0 + p), v128.load(x + p)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(w0 + p, 16), v128.load(x + p, 16)));
    }
    let s0 = load<f64>(at(b, j)) + total(a0, a1);
    for (; i < fanIn; i++) s0 += load<f64>(at(w0, i)) * load<f64>(at(x, i));
    store<f64>(at(z, j), s0);
  }
}

/** The forward pass of the network whose layer table is at `table`. */
export function forward(table: usize, params: usize, trace: usize, fast: bool): void {
  const count = load<i32>(table);
  for (let k = 0; k < count; k++) {
    const l = layerAt(table, k);
    const units = load<i32>(l, UNITS);
    const z = trace + <usize>load<i32>(l, Z);
    affine(
      params + <usize>load<i32>(l, WEIGHTS),
      params + <usize>load<i32>(l, BIASES),
      trace + <usize>load<i32>(l, INPUT),
      z,
      units,
      load<i32>(l, FAN_IN),
    );
    activate(load<i32>(l, ACTIVATION), load<f64>(l, ALPHA), z, trace + <usize>load<i32>(l, Y), units, fast);
  }
}
