/** An optional sign, digits with an optional decimal point, an optional exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a text field holds, when it is written as a decimal number; NaN otherwise. The
 * rule of the file feeds, where `Number(text)` would be too lenient:
 *
 * - accepted: `1`, `-2.5`, `+3`, `.5`, `5.`, `1e5`, `-1.5E-3`, with spaces or tabs around
 *   (`1, 2, 3` is a common way to write CSV);
 * - not numbers: `''` and blank fields (missing, not 0), `0x10`, `0b11`, `0o7` (`Number` reads
 *   them as 16, 3, 7), `1_000`, `Infinity`, `NaN`, `1,5`, `12abc`.
 *
 * A number too large for a double (`1e400`) is Infinity, which the feeds reject as not finite.
 *
 * @example
 * ```ts
 * import { decimalNumber } from './decimalNumber.js';
 * decimalNumber(' 1e5 '); // 100000
 * decimalNumber('0x10');  // NaN
 * decimalNumber('');      // NaN
 * ```
 */
export function decimalNumber(text: string): number {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  const trimmed = first === 32 || first === 9 || last === 32 || last === 9 ? text.trim() : text;
  return DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
}
