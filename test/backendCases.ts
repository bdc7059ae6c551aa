// The backends every core test runs on: the JavaScript reference and the WebAssembly kernels
// (dist/wasm/kernels.wasm: `npm run build` first; a test on a missing build fails, it does not
// skip).
import { expect } from 'vitest';
import { type Backend, jsBackend, wasmBackend } from '../src/index.js';

/** [name, backend] of every backend, for `describe.each`. */
export const BACKENDS: readonly (readonly [string, Backend])[] = [
  ['js', jsBackend()],
  ['wasm', wasmBackend()],
];

/**
 * The agreement the backends promise: |a − b| ≤ 1e-12·max(|a|, |b|) for every component, except
 * that a component that is the sum of terms far larger than itself (a pre-activation near 0) is
 * held to 1e-12 of the vector's largest component instead (`scale`).
 */
export function expectAgreement(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const bound = 1e-12 * Math.max(Math.abs(a), Math.abs(b), scale * 1e-3);
    expect(Math.abs(a - b), `${what}[${i}]: ${a} against ${b}`).toBeLessThanOrEqual(bound);
  }
}
