// The multiply-add of the mini-batch products (assembly/batch.ts, assembly/batchGradient.ts).

/**
 * c + a·b in each lane. In kernels-fused.wasm (built with relaxed SIMD, used by networks made
 * with `fusedMultiplyAdd: true`) one relaxed multiply-add: fused, with a single rounding, where
 * the machine has FMA; a multiply then an add where it has not. Elsewhere a multiply then an add.
 */
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}
