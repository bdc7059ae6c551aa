/**
 * A short, one-line description of a value for error messages: strings quoted, a short array
 * of numbers (at most four) as it is, other arrays by length, functions by name (with a hint
 * that a factory may have been passed uncalled), never a dump of source code or of a large
 * object.
 *
 * @example
 * ```ts
 * import { describeValue } from './describeValue.js';
 * describeValue('3');          // '"3"'
 * describeValue([1, 0]);       // '[1, 0]'
 * describeValue([1, 2, 3, 4, 5]); // 'an array of length 5'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') {
    const name = value.name || 'anonymous';
    return `the function ${name} (did you mean ${name}(…)?)`;
  }
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) {
      const short = value.length > 0 && value.length <= 4;
      return short && value.every((v) => typeof v === 'number')
        ? `[${value.map(String).join(', ')}]`
        : `an array of length ${value.length}`;
    }
    return 'an object';
  }
  return String(value);
}
