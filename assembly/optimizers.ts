// Every built-in optimizer's update, element by element in the same arithmetic and order as
// its JavaScript kernel in src/optim/ (so the new weights and state are bit for bit the same),
// two parameters per SIMD step. Each rule is a class whose inlined methods change one pair
// (`pair`) or one parameter (`one`) given its gradient g; the drivers feed them the gradient
// of a layer from its error terms (g = δ[j]·n[i] for weights, δ[j] for biases) or a flat
// gradient written out. `s` and `u` are the rule's state buffers, laid out like the
// parameters; h0…h5 its hyper-parameters (see each rule).
import { at, BIASES, DELTA, FAN_IN, INPUT, layerAt, UNITS, WEIGHTS } from './layout';

/** p −= η·g. h0 = η. */
class Sgd {
  @inline pair(p: usize, _s: usize, _u: usize, g: v128, h0: v128, _h1: v128, _h2: v128, _h3: v128, _h4: v128, _h5: v128): void {
    v128.store(p, f64x2.sub(v128.load(p), f64x2.mul(h0, g)));
  }
  @inline one(p: usize, _s: usize, _u: usize, g: f64, h0: f64, _h1: f64, _h2: f64, _h3: f64, _h4: f64, _h5: f64): void {
    store<f64>(p, load<f64>(p) - h0 * g);
  }
}

/** v ← αv − ηg, p += v. h0 = η, h1 = α. */
class Momentum {
  @inline pair(p: usize, s: usize, _u: usize, g: v128, h0: v128, h1: v128, _h2: v128, _h3: v128, _h4: v128, _h5: v128): void {
    const v = f64x2.sub(f64x2.mul(h1, v128.load(s)), f64x2.mul(h0, g));
    v128.store(s, v);
    v128.store(p, f64x2.add(v128.load(p), v));
  }
  @inline one(p: usize, s: usize, _u: usize, g: f64, h0: f64, h1: f64, _h2: f64, _h3: f64, _h4: f64, _h5: f64): void {
    const v = h1 * load<f64>(s) - h0 * g;
    store<f64>(s, v);
    store<f64>(p, load<f64>(p) + v);
  }
}

/** step = ηg, v ← αv − step, p += αv − step. h0 = η, h1 = α. */
class Nesterov {
  @inline pair(p: usize, s: usize, _u: usize, g: v128, h0: v128, h1: v128, _h2: v128, _h3: v128, _h4: v128, _h5: v128): void {
    const step = f64x2.mul(h0, g);
    const v = f64x2.sub(f64x2.mul(h1, v128.load(s)), step);
    v128.store(s, v);
    v128.store(p, f64x2.add(v128.load(p), f64x2.sub(f64x2.mul(h1, v), step)));
  }
  @inline one(p: usize, s: usize, _u: usize, g: f64, h0: f64, h1: f64, _h2: f64, _h3: f64, _h4: f64, _h5: f64): void {
    const step = h0 * g;
    const v = h1 * load<f64>(s) - step;
    store<f64>(s, v);
    store<f64>(p, load<f64>(p) + (h1 * v - step));
  }
}

/** G += g², p −= ηg / (√G + ε). h0 = η, h1 = ε. */
class Adagrad {
  @inline pair(p: usize, s: usize, _u: usize, g: v128, h0: v128, h1: v128, _h2: v128, _h3: v128, _h4: v128, _h5: v128): void {
    const G = f64x2.add(v128.load(s), f64x2.mul(g, g));
    v128.store(s, G);
    const step = f64x2.div(f64x2.mul(h0, g), f64x2.add(f64x2.sqrt(G), h1));
    v128.store(p, f64x2.sub(v128.load(p), step));
  }
  @inline one(p: usize, s: usize, _u: usize, g: f64, h0: f64, h1: f64, _h2: f64, _h3: f64, _h4: f64, _h5: f64): void {
    const G = load<f64>(s) + g * g;
    store<f64>(s, G);
    store<f64>(p, load<f64>(p) - (h0 * g) / (Math.sqrt(G) + h1));
  }
}

/** E ← ρE + (1 − ρ)·g·g, p −= ηg / (√E + ε). h0 = η, h1 = ρ, h2 = 1 − ρ, h3 = ε. */
class Rmsprop {
  @inline pair(p: usize, s: usize, _u: usize, g: v128, h0: v128, h1: v128, h2: v128, h3: v128, _h4: v128, _h5: v128): void {
    const E = f64x2.add(f64x2.mul(h1, v128.load(s)), f64x2.mul(f64x2.mul(h2, g), g));
    v128.store(s, E);
    const step = f64x2.div(f64x2.mul(h0, g), f64x2.add(f64x2.sqrt(E), h3));
    v128.store(p, f64x2.sub(v128.load(p), step));
  }
  @inline one(p: usize, s: usize, _u: usize, g: f64, h0: f64, h1: f64, h2: f64, h3: f64, _h4: f64, _h5: f64): void {
    const E = h1 * load<f64>(s) + h2 * g * g;
    store<f64>(s, E);
    store<f64>(p, load<f64>(p) - (h0 * g) / (Math.sqrt(E) + h3));
  }
}

/**
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)·g·g, p −= η(m·c₁) / (√(v·c₂) + ε).
 * h0 = η, h1 = β₁, h2 = β₂, h3 = ε, h4 = c₁ = 1/(1 − β₁ᵗ), h5 = c₂ = 1/(1 − β₂ᵗ).
 */
class Adam {
  @inline pair(p: usize, s: usize, u: usize, g: v128, h0: v128, h1: v128, h2: v128, h3: v128, h4: v128, h5: v128): void {
    const one = f64x2.splat(1);
    const m = f64x2.add(f64x2.mul(h1, v128.load(s)), f64x2.mul(f64x2.sub(one, h1), g));
    const v = f64x2.add(f64x2.mul(h2, v128.load(u)), f64x2.mul(f64x2.mul(f64x2.sub(one, h2), g), g));
    v128.store(s, m);
    v128.store(u, v);
    const step = f64x2.div(f64x2.mul(h0, f64x2.mul(m, h4)), f64x2.add(f64x2.sqrt(f64x2.mul(v, h5)), h3));
    v128.store(p, f64x2.sub(v128.load(p), step));
  }
  @inline one(p: usize, s: usize, u: usize, g: f64, h0: f64, h1: f64, h2: f64, h3: f64, h4: f64, h5: f64): void {
    const m = h1 * load<f64>(s) + (1 - h1) * g;
    const v = h2 * load<f64>(u) + (1 - h2) * g * g;
    store<f64>(s, m);
    store<f64>(u, v);
    store<f64>(p, load<f64>(p) - (h0 * (m * h4)) / (Math.sqrt(v * h5) + h3));
  }
}

/** One step of every layer, the gradient taken from the error terms in `trace`. */
@inline
function layers<R>(table: usize, params: usize, trace: usize, s: usize, u: usize, h0: f64, h1: f64, h2: f64, h3: f64, h4: f64, h5: f64): void {
  const rule = changetype<R>(0);
  const v0 = f64x2.splat(h0);
  const v1 = f64x2.splat(h1);
  const v2 = f64x2.splat(h2);
  const v3 = f64x2.splat(h3);
  const v4 = f64x2.splat(h4);
  const v5 = f64x2.splat(h5);
  const count = load<i32>(table);
  for (let k = 0; k < count; k++) {
    const l = layerAt(table, k);
    const units = load<i32>(l, UNITS);
    const fanIn = load<i32>(l, FAN_IN);
    const delta = trace + <usize>load<i32>(l, DELTA);
    const input = trace + <usize>load<i32>(l, INPUT);
    let w = <usize>load<i32>(l, WEIGHTS);
    for (let j = 0; j < units; j++) {
      const dj = load<f64>(at(delta, j));
      const d = f64x2.splat(dj);
      let i = 0;
      for (; i + 2 <= fanIn; i += 2) {
        const o = w + (<usize>i << 3);
        const g = f64x2.mul(d, v128.load(at(input, i)));
        rule.pair(params + o, s + o, u + o, g, v0, v1, v2, v3, v4, v5);
      }
      if (i < fanIn) {
        const o = w + (<usize>i << 3);
        rule.one(params + o, s + o, u + o, dj * load<f64>(at(input, i)), h0, h1, h2, h3, h4, h5);
      }
      w += <usize>fanIn << 3;
    }
    const b = <usize>load<i32>(l, BIASES);
    let j = 0;
    for (; j + 2 <= units; j += 2) {
      const o = b + (<usize>j << 3);
      rule.pair(params + o, s + o, u + o, v128.load(at(delta, j)), v0, v1, v2, v3, v4, v5);
    }
    if (j < units) {
      const o = b + (<usize>j << 3);
      rule.one(params + o, s + o, u + o, load<f64>(at(delta, j)), h0, h1, h2, h3, h4, h5);
    }
  }
}

/** One step along a gradient written out (`grads`, `n` values laid out like the parameters). */
@inline
function flat<R>(params: usize, grads: usize, n: i32, s: usize, u: usize, h0: f64, h1: f64, h2: f64, h3: f64, h4: f64, h5: f64): void {
  const rule = changetype<R>(0);
  const v0 = f64x2.splat(h0);
  const v1 = f64x2.splat(h1);
  const v2 = f64x2.splat(h2);
  const v3 = f64x2.splat(h3);
  const v4 = f64x2.splat(h4);
  const v5 = f64x2.splat(h5);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    rule.pair(params + o, s + o, u + o, v128.load(grads + o), v0, v1, v2, v3, v4, v5);
  }
  if (i < n) {
    const o = <usize>i << 3;
    rule.one(params + o, s + o, u + o, load<f64>(grads + o), h0, h1, h2, h3, h4, h5);
  }
}

// Optimizer codes, as src/backends/wasmKernels.ts numbers them.
const SGD = 0;
const MOMENTUM = 1;
const NESTEROV = 2;
const ADAGRAD = 3;
const RMSPROP = 4;
const ADAM = 5;

/**
 * One step of optimizer `code` of the network at `table`: from the error terms in `trace`, or,
 * when `grads` is not 0, along the `n` values written out there.
 */
export function optimizerStep(code: i32, table: usize, params: usize, trace: usize, grads: usize, n: i32, s: usize, u: usize, h0: f64, h1: f64, h2: f64, h3: f64, h4: f64, h5: f64): void {
  if (grads != 0) {
    if (code == SGD) flat<Sgd>(params, grads, n, s, u, h0, h1, h2, h3, h4, h5);
    else if (code == MOMENTUM) flat<Momentum>(params, grads, n, s, u, h0, h1, h2, h3, h4, h5);
    else if (code == NESTEROV) flat<Nesterov>(params, grads, n, s, u, h0, h1, h2, h3, h4, h5);
    else if (code == ADAGRAD) flat<Adagrad>(params, grads, n, s, u, h0, h1, h2, h3, h4, h5);
    else if (code == RMSPROP) flat<Rmsprop>(params, grads, n, s, u, h0, h1, h2, h3, h4, h5);
    else if (code == ADAM) flat<Adam>(params, grads, n, s, u, h0, h1, h2, h3, h4, h5);
  } else if (code == SGD) layers<Sgd>(table, params, trace, s, u, h0, h1, h2, h3, h4, h5);
  else if (code == MOMENTUM) layers<Momentum>(table, params, trace, s, u, h0, h1, h2, h3, h4, h5);
  else if (code == NESTEROV) layers<Nesterov>(table, params, trace, s, u, h0, h1, h2, h3, h4, h5);
  else if (code == ADAGRAD) layers<Adagrad>(table, params, trace, s, u, h0, h1, h2, h3, h4, h5);
  else if (code == RMSPROP) layers<Rmsprop>(table, params, trace, s, u, h0, h1, h2, h3, h4, h5);
  else if (code == ADAM) layers<Adam>(table, params, trace, s, u, h0, h1, h2, h3, h4, h5);
}
