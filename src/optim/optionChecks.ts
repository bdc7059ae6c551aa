/**
 * @internal The argument checks of the schedules and rate controllers: each throws a
 * RangeError (or a TypeError for a value of the wrong type) whose message names the function
 * and the option, such as `boldDriver: window must be a positive integer, got 0`.
 */

/** Throws unless `options` is an object (or undefined, which reads as `{}`). */
export function readOptions<T extends object>(owner: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${owner}: options must be an object, got ${String(options)}`);
  }
  return options;
}

/** A finite number within [min, max]; `strictMin` / `strictMax` exclude the bounds. */
export function checkRange(
  owner: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  strictMin = false,
  strictMax = false,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (strictMin && value === min) ||
    (strictMax && value === max)
  ) {
    const interval = `${strictMin ? '(' : '['}${min}, ${max === Number.POSITIVE_INFINITY ? '∞' : max}${strictMax || max === Number.POSITIVE_INFINITY ? ')' : ']'}`;
    throw new RangeError(
      `${owner}: ${name} must be a finite number in ${interval}, got ${show(value)}`,
    );
  }
  return value;
}

/** A learning rate: a finite number ≥ 0. */
export function checkRate(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${owner}: ${name} must be a finite number >= 0, got ${show(value)}`);
  }
  return value;
}

/** An integer ≥ 1. */
export function checkPositiveInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${owner}: ${name} must be a positive integer, got ${show(value)}`);
  }
  return value;
}

/** A boolean. */
export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${owner}: ${name} must be true or false, got ${show(value)}`);
  }
  return value;
}

/** The step a schedule is asked about: a finite number ≥ 0 (a 0-based count of samples). */
export function checkStepNumber(owner: string, t: number): void {
  if (!(t >= 0) || t === Number.POSITIVE_INFINITY) {
    throw new RangeError(`${owner}: the step must be a finite number >= 0, got ${show(t)}`);
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
