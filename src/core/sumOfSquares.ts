/**
 * @internal `Σ v[i]²`, in four interleaved partial sums: a running sum waits for each addition before the
 * next, four sums keep the adder busy (the guard of `update` computes a norm per sample).
 */
export function sumOfSquares(v: Float64Array): number {
  const n = v.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = v[i];
    const b = v[i + 1];
    const c = v[i + 2];
    const d = v[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) s0 += v[i] * v[i];
  return s0 + s1 + (s2 + s3);
}
