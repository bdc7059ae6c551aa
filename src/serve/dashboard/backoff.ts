/** Options of {@link reconnectDelay}. */
export interface BackoffOptions {
  /** The delay before the first retry, in milliseconds (default 500). */
  readonly initialMs?: number;
  /** The cap: no delay is longer (default 15,000). */
  readonly maxMs?: number;
  /** Each delay is multiplied by a random factor in [1 − jitter, 1] (default 0.3). */
  readonly jitter?: number;
}

/**
 * Exponential backoff with a cap and jitter: the delay before reconnect attempt `attempt`
 * (0 for the first retry) is `min(maxMs, initialMs · 2^attempt)`, shortened by up to
 * `jitter` of itself so that many pages cut off at once do not all come back at once.
 *
 * @param attempt Retries made since the last successful connection (0, 1, 2 …).
 * @param random A source of numbers in [0, 1) (default: the Web Crypto generator; the jitter
 * needs no seed, and the project keeps `Math.random` out of `src/`).
 *
 * @example
 * ```ts
 * reconnectDelay(0, {}, () => 0.999); // ≈ 500
 * reconnectDelay(10, {}, () => 0.999); // ≈ 15000, the cap
 * ```
 */
export function reconnectDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = cryptoRandom,
): number {
  const { initialMs = 500, maxMs = 15_000, jitter = 0.3 } = options;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const full = Math.min(maxMs, initialMs * 2 ** exponent);
  return Math.round(full * (1 - jitter * (1 - random())));
}

/** A number in [0, 1) from `crypto.getRandomValues` (browsers and Node ≥ 20). */
function cryptoRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
}
