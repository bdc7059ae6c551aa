// exp, expm1, tanh and the logistic sigmoid on two f64 lanes at a time, written for this project:
// x = k·ln2 + r with |r| ≤ ln2/2, eʳ (or eʳ − 1) by its Taylor series, then scaled by 2ᵏ built
// from the exponent bits. The accurate forms (the default) take the series to r¹³/13! and split
// ln2 in two parts, which keeps them within a few units in the last place of the correctly
// rounded value (test/backends/exponentials.test.ts measures it against Math); the fast forms
// (fastMath: true) stop at r⁶/6! — about 3× fewer operations for an error the same test states.

const LOG2E: f64 = 1.4426950408889634;
const LN2: f64 = 0.6931471805599453;
/** ln 2 = LN2_HI + LN2_LO, with LN2_HI's low bits zero so that k·LN2_HI is exact. */
const LN2_HI: f64 = 6.9314718036912382e-1;
const LN2_LO: f64 = 1.9082149292705877e-10;
/** 1023 + 1.5·2⁵²: see {@link pow2}. */
const POW2_MAGIC: f64 = 6755399441056767.0;

/** 2ᵏ for integral k in [-1022, 1023] in each lane, from the exponent bits. */
@inline
function pow2(k: v128): v128 {
  // k + 1023 + 1.5·2⁵² is exact and holds k + 1023 in its low mantissa bits: shifted left by
  // 52 they become the exponent field (two instructions, where a conversion to integers takes
  // several on x86-64).
  return i64x2.shl(f64x2.add(k, f64x2.splat(POW2_MAGIC)), 52);
}

/** r = x − k·ln2. */
@inline
function reduce(x: v128, k: v128, fast: bool): v128 {
  if (fast) return f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2)));
  return f64x2.sub(
    f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))),
    f64x2.mul(k, f64x2.splat(LN2_LO)),
  );
}

/**
 * eʳ − 1 = r·(1 + r/2! + r²/3! + …) for |r| ≤ ln2/2, to r¹³/13! (or r⁶/6! when fast). The
 * accurate form evaluates the polynomial by Estrin's scheme — pairs, then pairs of pairs in r²,
 * r⁴, r⁸ — four dependent multiply-adds deep instead of Horner's twelve, so the two lanes of
 * several vectors overlap in the processor; its terms are all positive and r small, so it rounds
 * as well as Horner's (test/backends/exponentials.test.ts holds it within a few ulp of Math).
 */
@inline
function expm1Series(r: v128, fast: bool): v128 {
  if (fast) {
    let p = f64x2.splat(1.0 / 720);
    p = f64x2.add(f64x2.splat(1.0 / 120), f64x2.mul(r, p));
    p = f64x2.add(f64x2.splat(1.0 / 24), f64x2.mul(r, p));
    p = f64x2.add(f64x2.splat(1.0 / 6), f64x2.mul(r, p));
    p = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, p));
    p = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
    return f64x2.mul(r, p);
  }
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  // c_k = 1/(k+1)!: q_i = c_2i + c_2i+1·r
  const q0 = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, f64x2.splat(0.5)));
  const q1 = f64x2.add(f64x2.splat(1.0 / 6), f64x2.mul(r, f64x2.splat(1.0 / 24)));
  const q2 = f64x2.add(f64x2.splat(1.0 / 120), f64x2.mul(r, f64x2.splat(1.0 / 720)));
  const q3 = f64x2.add(f64x2.splat(1.0 / 5040), f64x2.mul(r, f64x2.splat(1.0 / 40320)));
  const q4 = f64x2.add(f64x2.splat(1.0 / 362880), f64x2.mul(r, f64x2.splat(1.0 / 3628800)));
  const q5 = f64x2.add(f64x2.splat(1.0 / 39916800), f64x2.mul(r, f64x2.splat(1.0 / 479001600)));
  const s0 = f64x2.add(q0, f64x2.mul(r2, q1));
  const s1 = f64x2.add(q2, f64x2.mul(r2, q3));
  const s2 = f64x2.add(q4, f64x2.mul(r2, q5));
  const t0 = f64x2.add(s0, f64x2.mul(r4, s1));
  const t1 = f64x2.add(s2, f64x2.mul(r4, f64x2.splat(1.0 / 6227020800)));
  return f64x2.mul(r, f64x2.add(t0, f64x2.mul(r8, t1)));
}

/** eˣ in each lane (0 below −746, ∞ above 710, NaN for NaN). */
@inline
export function expV(x: v128, fast: bool): v128 {
  const c = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-746)), f64x2.splat(710));
  const k = f64x2.nearest(f64x2.mul(c, f64x2.splat(LOG2E)));
  const p = f64x2.add(f64x2.splat(1), expm1Series(reduce(c, k, fast), fast));
  // 2ᵏ in two factors, so that results in the subnormal range round once, at the end.
  const k1 = f64x2.floor(f64x2.mul(k, f64x2.splat(0.5)));
  return f64x2.mul(f64x2.mul(p, pow2(k1)), pow2(f64x2.sub(k, k1)));
}

/** eˣ − 1 in each lane, for x clamped to [−60, 40] (where it is −1, resp. e⁴⁰ − 1 is not needed). */
@inline
export function expm1V(x: v128, fast: bool): v128 {
  const c = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-60)), f64x2.splat(40));
  const k = f64x2.nearest(f64x2.mul(c, f64x2.splat(LOG2E)));
  const t = pow2(k);
  // eˣ − 1 = 2ᵏ(eʳ − 1) + (2ᵏ − 1); 2ᵏ − 1 is exact for these k.
  return f64x2.add(
    f64x2.mul(t, expm1Series(reduce(c, k, fast), fast)),
    f64x2.sub(t, f64x2.splat(1)),
  );
}

/** tanh x = sign(x)·m / (m + 2) with m = e^{2|x|} − 1; ±1 beyond |x| = 20, where it rounds to ±1. */
@inline
export function tanhV(x: v128, fast: bool): v128 {
  const m = expm1V(f64x2.pmin(f64x2.add(f64x2.abs(x), f64x2.abs(x)), f64x2.splat(40)), fast);
  const t = f64x2.div(m, f64x2.add(m, f64x2.splat(2)));
  return v128.or(t, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/** 1 / (1 + e⁻ˣ). */
@inline
export function sigmoidV(x: v128, fast: bool): v128 {
  return f64x2.div(f64x2.splat(1), f64x2.add(f64x2.splat(1), expV(f64x2.neg(x), fast)));
}

@inline
function map(kind: i32, x: v128, fast: bool): v128 {
  if (kind == 0) return tanhV(x, fast);
  if (kind == 1) return sigmoidV(x, fast);
  if (kind == 2) return expV(x, fast);
  return expm1V(x, fast);
}

/** y[i] = f(z[i] − shift) for i < n, f chosen by `kind` (0 tanh, 1 sigmoid, 2 exp, 3 expm1). */
@inline
function mapVector(kind: i32, z: usize, y: usize, n: i32, shift: f64, fast: bool): void {
  const s = f64x2.splat(shift);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = <usize>i << 3;
    v128.store(y + p, map(kind, f64x2.sub(v128.load(z + p), s), fast));
  }
  if (i < n) {
    const p = <usize>i << 3;
    const v = map(kind, f64x2.splat(load<f64>(z + p) - shift), fast);
    store<f64>(y + p, f64x2.extract_lane(v, 0));
  }
}

export function tanhVector(z: usize, y: usize, n: i32, fast: bool): void {
  if (fast) mapVector(0, z, y, n, 0, true);
  else mapVector(0, z, y, n, 0, false);
}

export function sigmoidVector(z: usize, y: usize, n: i32, fast: bool): void {
  if (fast) mapVector(1, z, y, n, 0, true);
  else mapVector(1, z, y, n, 0, false);
}

/** y[i] = exp(z[i] − shift). */
export function expVector(z: usize, y: usize, n: i32, shift: f64, fast: bool): void {
  if (fast) mapVector(2, z, y, n, shift, true);
  else mapVector(2, z, y, n, shift, false);
}

export function expm1Vector(z: usize, y: usize, n: i32): void {
  mapVector(3, z, y, n, 0, false);
}
