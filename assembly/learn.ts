// One sample's learning in one call: the backward pass, the gradient's norm and, when the norm is
// within a limit, the optimizer's step — the three per-sample calls of `train` fused, so the
// JavaScript crosses into the kernels once instead of three times. The same functions run in
// the same order as the three calls, so the results are bit for bit theirs.
import { backward, gradientNorm } from './backward';
import { optimizerStep } from './optimizers';

/**
 * `backward(table, params, trace, topReady)`, then the norm of the gradient; when it is at most
 * `limit`, one step of optimizer `code` from the error terms (see `optimizerStep`). Returns the
 * norm (NaN is never within the limit).
 */
export function learnStep(code: i32, table: usize, params: usize, trace: usize, topReady: bool, limit: f64, s: usize, u: usize, h0: f64, h1: f64, h2: f64, h3: f64, h4: f64, h5: f64): f64 {
  backward(table, params, trace, topReady);
  const norm = gradientNorm(table, trace);
  if (norm <= limit) optimizerStep(code, table, params, trace, 0, 0, s, u, h0, h1, h2, h3, h4, h5);
  return norm;
}
