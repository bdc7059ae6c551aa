import type { RateControllerState } from './rateController.js';

/**
 * @internal Checks that `state` was saved by a controller called `name` made with `options`,
 * and returns its values; throws a RangeError naming what differs.
 */
export function savedValues(
  name: string,
  state: RateControllerState,
  options: Readonly<Record<string, number | boolean>>,
): Readonly<Record<string, number | null>> {
  if (state === null || typeof state !== 'object') {
    throw new RangeError(
      `${name}: cannot restore ${String(state)}: expected what state() returned`,
    );
  }
  if (state.name !== name) {
    throw new RangeError(`${name}: cannot restore the state of ${String(state.name)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    const saved = state.options?.[key];
    if (saved !== value) {
      throw new RangeError(
        `${name}: cannot restore this state: it was saved with ${key} ${String(saved)}, this controller has ${value}; create it with the saved options`,
      );
    }
  }
  if (state.values === null || typeof state.values !== 'object') {
    throw new RangeError(`${name}: cannot restore this state: values is missing`);
  }
  return state.values;
}

/**
 * @internal Reads `values[key]`: a finite number within [min, max] (an integer when told), or
 * `null` where `nullable`; throws a RangeError naming the value otherwise.
 */
export function savedNumber(
  name: string,
  values: Readonly<Record<string, number | null>>,
  key: string,
  check: { min?: number; max?: number; integer?: boolean; nullable?: boolean } = {},
): number | null {
  const value = values[key];
  if (value === null && check.nullable) return null;
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = check;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (check.integer && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `${name}: cannot restore this state: values.${key} must be ${check.integer ? 'an integer' : 'a finite number'} in [${min}, ${max}]${check.nullable ? ' or null' : ''}, got ${String(value)}`,
    );
  }
  return value;
}
