// Activations over a vector of n values: the forward map y = f(z) and the backward product
// dz = f'(z) ⊙ dy (softmax: its Jacobian product). Each is the same arithmetic in the same
// order as src/core/activations.ts, element by element, two elements per SIMD step where the
// formula is plain arithmetic (so those results are bit for bit the JavaScript ones); the
// transcendental ones use exponentials.ts (two lanes at a time; with fastMath its cheaper
// forms), softplus AssemblyScript's Math.log1p (a port of musl's libm).
import { expm1V, expV, expVector, sigmoidVector, tanhVector } from './exponentials';
import { at, ELU, LEAKY_RELU, LINEAR, RELU, SIGMOID, SOFTMAX, SOFTPLUS, TANH } from './layout';

export function activate(code: i32, alpha: f64, z: usize, y: usize, n: i32, fast: bool): void {
  if (code == LINEAR) {
    if (y != z) memory.copy(y, z, (<usize>n) << 3);
  } else if (code == TANH) {
    tanhVector(z, y, n, fast);
  } else if (code == SIGMOID) {
    sigmoidVector(z, y, n, fast);
  } else if (code == RELU) {
    // z > 0 ? z : 0 — pmax(0, z) is 0 < z ? z : 0, which also gives 0 for NaN and -0.
    const zero = f64x2.splat(0);
    let i = 0;
    for (; i + 2 <= n; i += 2) v128.store(at(y, i), f64x2.pmax(zero, v128.load(at(z, i))));
    for (; i < n; i++) {
      const x = load<f64>(at(z, i));
      store<f64>(at(y, i), x > 0 ? x : 0);
    }
  } else if (code == LEAKY_RELU) {
    const zero = f64x2.splat(0);
    const a = f64x2.splat(alpha);
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const x = v128.load(at(z, i));
      v128.store(at(y, i), v128.bitselect(x, f64x2.mul(a, x), f64x2.gt(x, zero)));
    }
    for (; i < n; i++) {
      const x = load<f64>(at(z, i));
      store<f64>(at(y, i), x > 0 ? x : alpha * x);
    }
  } else if (code == SOFTPLUS) {
    for (let i = 0; i < n; i++) {
      const x = load<f64>(at(z, i));
      store<f64>(at(y, i), x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    }
  } else if (code == ELU) {
    // z > 0 ? z : α(eᶻ − 1)
    const zero = f64x2.splat(0);
    const a = f64x2.splat(alpha);
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const x = v128.load(at(z, i));
      const e = f64x2.mul(a, expm1V(f64x2.min(x, zero), false));
      v128.store(at(y, i), v128.bitselect(x, e, f64x2.gt(x, zero)));
    }
    for (; i < n; i++) {
      const x = load<f64>(at(z, i));
      const e = alpha * f64x2.extract_lane(expm1V(f64x2.splat(x), false), 0);
      store<f64>(at(y, i), x > 0 ? x : e);
    }
  } else if (code == SOFTMAX) {
    softmax(z, y, n, fast);
  }
}

function softmax(z: usize, y: usize, n: i32, fast: bool): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(at(z, i));
    if (x > max) max = x;
  }
  expVector(z, y, n, max, fast);
  let sum = 0.0;
  for (let i = 0; i < n; i++) sum += load<f64>(at(y, i));
  for (let i = 0; i < n; i++) store<f64>(at(y, i), load<f64>(at(y, i)) / sum);
}

export function differentiate(
  code: i32,
  alpha: f64,
  z: usize,
  y: usize,
  dy: usize,
  dz: usize,
  n: i32,
): void {
  let i = 0;
  const zero = f64x2.splat(0);
  if (code == LINEAR) {
    memory.copy(dz, dy, (<usize>n) << 3);
  } else if (code == TANH) {
    // dy · (1 - y²)
    const one = f64x2.splat(1);
    for (; i + 2 <= n; i += 2) {
      const v = v128.load(at(y, i));
      v128.store(at(dz, i), f64x2.mul(v128.load(at(dy, i)), f64x2.sub(one, f64x2.mul(v, v))));
    }
    for (; i < n; i++) {
      const v = load<f64>(at(y, i));
      store<f64>(at(dz, i), load<f64>(at(dy, i)) * (1 - v * v));
    }
  } else if (code == SIGMOID) {
    // dy · y · (1 - y), left to right
    const one = f64x2.splat(1);
    for (; i + 2 <= n; i += 2) {
      const v = v128.load(at(y, i));
      v128.store(at(dz, i), f64x2.mul(f64x2.mul(v128.load(at(dy, i)), v), f64x2.sub(one, v)));
    }
    for (; i < n; i++) {
      const v = load<f64>(at(y, i));
      store<f64>(at(dz, i), load<f64>(at(dy, i)) * v * (1 - v));
    }
  } else if (code == RELU) {
    for (; i + 2 <= n; i += 2) {
      const mask = f64x2.gt(v128.load(at(z, i)), zero);
      v128.store(at(dz, i), v128.bitselect(v128.load(at(dy, i)), zero, mask));
    }
    for (; i < n; i++) store<f64>(at(dz, i), load<f64>(at(z, i)) > 0 ? load<f64>(at(dy, i)) : 0);
  } else if (code == LEAKY_RELU) {
    const a = f64x2.splat(alpha);
    for (; i + 2 <= n; i += 2) {
      const g = v128.load(at(dy, i));
      const mask = f64x2.gt(v128.load(at(z, i)), zero);
      v128.store(at(dz, i), v128.bitselect(g, f64x2.mul(a, g), mask));
    }
    for (; i < n; i++) {
      const g = load<f64>(at(dy, i));
      store<f64>(at(dz, i), load<f64>(at(z, i)) > 0 ? g : alpha * g);
    }
  } else if (code == SOFTPLUS) {
    // dy / (1 + e⁻ᶻ)
    const one = f64x2.splat(1);
    for (; i + 2 <= n; i += 2) {
      const e = expV(f64x2.neg(v128.load(at(z, i))), false);
      v128.store(at(dz, i), f64x2.div(v128.load(at(dy, i)), f64x2.add(one, e)));
    }
    for (; i < n; i++) {
      const e = f64x2.extract_lane(expV(f64x2.splat(-load<f64>(at(z, i))), false), 0);
      store<f64>(at(dz, i), load<f64>(at(dy, i)) / (1 + e));
    }
  } else if (code == ELU) {
    for (; i < n; i++) {
      const g = load<f64>(at(dy, i));
      store<f64>(at(dz, i), load<f64>(at(z, i)) > 0 ? g : g * (load<f64>(at(y, i)) + alpha));
    }
  } else if (code == SOFTMAX) {
    let dot = 0.0;
    for (let j = 0; j < n; j++) dot += load<f64>(at(y, j)) * load<f64>(at(dy, j));
    for (; i < n; i++) {
      store<f64>(at(dz, i), load<f64>(at(y, i)) * (load<f64>(at(dy, i)) - dot));
    }
  }
}
