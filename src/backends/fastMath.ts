import { type Activation, BUILT_IN_ACTIVATIONS } from '../core/activations.js';

// The cheaper exp, tanh and sigmoid of `fastMath: true` on the JavaScript backend: the same
// formulas as the fast forms of assembly/exponentials.ts, one value at a time. x = k·ln2 + r,
// |r| ≤ ln2/2; eʳ − 1 by its Taylor series to r⁶/6!; 2ᵏ from the exponent bits. Their largest
// errors over the whole input range are measured in test/backends/fastMath.test.ts and stated
// in `NetworkOptions.fastMath`.

const LOG2E = Math.LOG2E;
const LN2 = Math.LN2;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
/** The index of the high 32 bits of a float64 in `words`. */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** 2ᵏ for integral k in [−1022, 1023]. */
function pow2(k: number): number {
  words[HIGH] = (k + 1023) << 20;
  words[1 - HIGH] = 0;
  return bits[0];
}

/** eʳ − 1 for |r| ≤ ln2/2, to r⁶/6!. */
function series(r: number): number {
  let p = 1 / 720;
  p = 1 / 120 + r * p;
  p = 1 / 24 + r * p;
  p = 1 / 6 + r * p;
  p = 0.5 + r * p;
  p = 1 + r * p;
  return r * p;
}

/** eˣ, cheaply. */
export function fastExp(x: number): number {
  const c = Math.min(Math.max(x, -746), 710);
  const k = Math.round(c * LOG2E);
  const p = 1 + series(c - k * LN2);
  const k1 = Math.floor(k * 0.5);
  return p * pow2(k1) * pow2(k - k1);
}

/** eˣ − 1 for x in [−60, 40] (clamped there), cheaply. */
function fastExpm1(x: number): number {
  const c = Math.min(Math.max(x, -60), 40);
  const k = Math.round(c * LOG2E);
  const t = pow2(k);
  return t * series(c - k * LN2) + (t - 1);
}

/** tanh x = sign(x)·m / (m + 2), m = e^{2|x|} − 1, cheaply. */
export function fastTanh(x: number): number {
  const m = fastExpm1(Math.min(2 * Math.abs(x), 40));
  const t = m / (m + 2);
  return x < 0 ? -t : x > 0 ? t : x;
}

/** 1 / (1 + e⁻ˣ), cheaply. */
export function fastSigmoid(x: number): number {
  return 1 / (1 + fastExp(-x));
}

/**
 * @internal The fastMath form of a built-in tanh, sigmoid or softmax activation's forward map;
 * undefined for any other activation (which fastMath leaves as it is). Their backward maps
 * read y and are unchanged.
 */
export function fastActivation(
  activation: Activation,
): ((z: Float64Array, y: Float64Array) => void) | undefined {
  if (!BUILT_IN_ACTIVATIONS.has(activation)) return undefined;
  switch (activation.name) {
    case 'tanh':
      return (z, y) => {
        for (let i = 0; i < z.length; i++) y[i] = fastTanh(z[i]);
      };
    case 'sigmoid':
      return (z, y) => {
        for (let i = 0; i < z.length; i++) y[i] = fastSigmoid(z[i]);
      };
    case 'softmax':
      return (z, y) => {
        let max = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
        let sum = 0;
        for (let i = 0; i < z.length; i++) {
          const e = fastExp(z[i] - max);
          y[i] = e;
          sum += e;
        }
        for (let i = 0; i < z.length; i++) y[i] /= sum;
      };
    default:
      return undefined;
  }
}
