/**
 * A short, one-line description of a value for error messages: strings quoted, arrays by
 * length, functions by name (with a hint that a factory may have been passed uncalled),
 * never a dump of source code or of a large object.
 *
 * @example
 * ```ts
 * import { describeValue } from './describeValue.js';
 * describeValue('3');          // '"3"'
 * describeValue([1, 2, 3]);    // 'an array of length 3'
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
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    return 'an object';
  }
  return String(value);
}
