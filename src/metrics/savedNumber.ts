import { z } from 'zod';

/**
 * How a metric saves a number that may not be finite (a sum that overflowed to Infinity, or a
 * NaN): itself when finite, `null` otherwise — JSON has no NaN or Infinity.
 *
 * @example
 * ```ts
 * import { savedNumber } from './savedNumber.js';
 * savedNumber(2.5); // 2.5
 * savedNumber(Number.POSITIVE_INFINITY); // null
 * ```
 */
export function savedNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * A number saved by {@link savedNumber}, read back: `null` (a number that was not finite) reads as
 * NaN, so that a figure computed from it is not taken for a real one.
 *
 * @example
 * ```ts
 * import { loadedNumber } from './savedNumber.js';
 * loadedNumber(null); // NaN
 * ```
 */
export function loadedNumber(value: number | null): number {
  return value === null ? Number.NaN : value;
}

/** The schema of a number saved by {@link savedNumber}: a finite number or `null`. */
export const savedNumberSchema = z.number().nullable();
