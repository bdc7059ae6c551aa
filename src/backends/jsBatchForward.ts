import type { Trace } from '../core/trace.js';
import type { LayerShape } from './networkKernels.js';

/**
 * @internal z = b + W·a of layer `k` (weights and biases in `p`) for four traces at once: each
 * weight read serves the four samples, where `JsKernels.forward` reads every weight once per
 * sample. Each sum starts from the bias and adds the products in the same order (inputs 0, 1,
 * …) as `JsKernels.forward` does: the same z, bit for bit.
 */
export function affineFour(
  p: Float64Array,
  layer: LayerShape,
  k: number,
  t0: Trace,
  t1: Trace,
  t2: Trace,
  t3: Trace,
): void {
  const a0 = t0.layerInputs[k];
  const a1 = t1.layerInputs[k];
  const a2 = t2.layerInputs[k];
  const a3 = t3.layerInputs[k];
  const z0 = t0.z[k];
  const z1 = t1.z[k];
  const z2 = t2.z[k];
  const z3 = t3.z[k];
  const fanIn = layer.fanIn;
  const biases = layer.offset + layer.units * fanIn;
  for (let j = 0, row = layer.offset; j < layer.units; j++, row += fanIn) {
    const b = p[biases + j];
    let s0 = b;
    let s1 = b;
    let s2 = b;
    let s3 = b;
    let i = 0;
    // Two inputs per turn, in order: less loop per multiply-add (as EIGHT_PER_TURN in jsKernels).
    for (; i + 2 <= fanIn; i += 2) {
      const w = p[row + i];
      const v = p[row + i + 1];
      s0 += w * a0[i];
      s1 += w * a1[i];
      s2 += w * a2[i];
      s3 += w * a3[i];
      s0 += v * a0[i + 1];
      s1 += v * a1[i + 1];
      s2 += v * a2[i + 1];
      s3 += v * a3[i + 1];
    }
    for (; i < fanIn; i++) {
      const w = p[row + i];
      s0 += w * a0[i];
      s1 += w * a1[i];
      s2 += w * a2[i];
      s3 += w * a3[i];
    }
    z0[j] = s0;
    z1[j] = s1;
    z2[j] = s2;
    z3[j] = s3;
  }
}

/**
 * @internal back = Wᵀ·δ of layer `k` (weights in `p`) for four traces at once, into their
 * dy(k − 1): each weight read serves the four samples. Each element starts from its first
 * neuron's product and adds the others in order, as `JsKernels.backward` does: the same sums,
 * bit for bit.
 */
export function backFour(
  p: Float64Array,
  layer: LayerShape,
  k: number,
  t0: Trace,
  t1: Trace,
  t2: Trace,
  t3: Trace,
): void {
  const e0 = t0.delta[k];
  const e1 = t1.delta[k];
  const e2 = t2.delta[k];
  const e3 = t3.delta[k];
  const b0 = t0.dy[k - 1];
  const b1 = t1.dy[k - 1];
  const b2 = t2.dy[k - 1];
  const b3 = t3.dy[k - 1];
  const fanIn = layer.fanIn;
  const w = layer.offset;
  for (let i = 0; i < fanIn; i++) {
    const x = p[w + i];
    b0[i] = x * e0[0];
    b1[i] = x * e1[0];
    b2[i] = x * e2[0];
    b3[i] = x * e3[0];
  }
  let j = 1;
  // Two neurons per pass over the rows of back: each element adds the first neuron's product,
  // then the second's, as one neuron per pass would.
  for (; j + 2 <= layer.units; j += 2) {
    const row = w + j * fanIn;
    const next = row + fanIn;
    const d0 = e0[j];
    const d1 = e1[j];
    const d2 = e2[j];
    const d3 = e3[j];
    const f0 = e0[j + 1];
    const f1 = e1[j + 1];
    const f2 = e2[j + 1];
    const f3 = e3[j + 1];
    for (let i = 0; i < fanIn; i++) {
      const x = p[row + i];
      const v = p[next + i];
      b0[i] = b0[i] + x * d0 + v * f0;
      b1[i] = b1[i] + x * d1 + v * f1;
      b2[i] = b2[i] + x * d2 + v * f2;
      b3[i] = b3[i] + x * d3 + v * f3;
    }
  }
  for (; j < layer.units; j++) {
    const row = w + j * fanIn;
    const d0 = e0[j];
    const d1 = e1[j];
    const d2 = e2[j];
    const d3 = e3[j];
    for (let i = 0; i < fanIn; i++) {
      const x = p[row + i];
      b0[i] += x * d0;
      b1[i] += x * d1;
      b2[i] += x * d2;
      b3[i] += x * d3;
    }
  }
}
