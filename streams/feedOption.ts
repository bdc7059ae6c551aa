import { describeValue } from '../src/checks/describeValue.js';

/** What {@link feedOption} accepts besides a finite number (all bounds inclusive). */
export interface FeedOptionRule {
  /** The value must be an integer. */
  readonly integer?: boolean;
  /** The smallest value allowed. */
  readonly min?: number;
  /** The value must be above this (exclusive). */
  readonly above?: number;
  /** The largest value allowed. */
  readonly max?: number;
  /** `Infinity` is allowed too (for a `limit`). */
  readonly infinite?: boolean;
}

/**
 * @internal Reads one numeric option of a synthetic feed at call time: `fallback` when it is
 * `undefined`; a TypeError naming the feed and the option when it is not a number, a
 * RangeError when it breaks `rule`.
 *
 * @example
 * ```ts
 * import { feedOption } from './feedOption.js';
 * const sensors = feedOption('sensorFeed', 'sensors', 4, 4, { integer: true, min: 1 }); // 4
 * feedOption('sensorFeed', 'sensors', 0, 4, { integer: true, min: 1 }); // throws a RangeError
 * ```
 */
export function feedOption(
  feed: string,
  name: string,
  value: unknown,
  fallback: number,
  rule: FeedOptionRule,
): number {
  if (value === undefined) return fallback;
  const requirement = describeRule(rule);
  if (typeof value !== 'number') {
    throw new TypeError(`${feed}: ${name} must be ${requirement}, got ${describeValue(value)}`);
  }
  const ok =
    (Number.isFinite(value) || (rule.infinite === true && value === Number.POSITIVE_INFINITY)) &&
    (rule.integer !== true || Number.isInteger(value) || value === Number.POSITIVE_INFINITY) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new RangeError(`${feed}: ${name} must be ${requirement}, got ${value}`);
  return value;
}

function describeRule(rule: FeedOptionRule): string {
  const bounds: string[] = [];
  if (rule.min !== undefined) bounds.push(`>= ${rule.min}`);
  if (rule.above !== undefined) bounds.push(`> ${rule.above}`);
  if (rule.max !== undefined) bounds.push(`<= ${rule.max}`);
  const kind = rule.integer === true ? 'an integer' : 'a finite number';
  const text = bounds.length > 0 ? `${kind} ${bounds.join(' and ')}` : kind;
  return rule.infinite === true ? `${text} (or Infinity)` : text;
}
