import { describeValue } from './describeValue.js';
import { MAX_MAGNITUDE, withinMaxMagnitude } from './maxMagnitude.js';

/**
 * The argument checks of the whole library: one function per rule, each throwing at once when
 * a value breaks it. Every message has the one form built by {@link argumentError}:
 * `<owner>: <name> must be <requirement>, got <value>` — for example
 * `boldDriver: window must be a positive integer, got 0`. A value of the wrong type gives a
 * TypeError, a value of the right type outside the allowed range a RangeError.
 *
 * Each check returns the value it accepted, typed, so that reading an option is one line:
 * `const window = checkPositiveInteger('boldDriver', 'window', options.window ?? 50);`.
 */

/**
 * The error of a value that breaks a rule, with the library's one message form:
 * `<owner>: <name> must be <requirement>, got <value>`. A TypeError when the value is not even
 * of the expected type (`typeof value !== expectedType`), a RangeError otherwise.
 *
 * @example
 * ```ts
 * import { argumentError } from './argumentChecks.js';
 * throw argumentError('myFeed', 'rate', 'a number > 0', -1, 'number');
 * // RangeError: myFeed: rate must be a number > 0, got -1
 * ```
 */
export function argumentError(
  owner: string,
  name: string,
  requirement: string,
  value: unknown,
  expectedType?: 'number' | 'string' | 'boolean' | 'object' | 'function',
): TypeError | RangeError {
  const message = argumentMessage(owner, name, requirement, value);
  const wrongType =
    expectedType !== undefined &&
    (typeof value !== expectedType || (expectedType === 'object' && value === null));
  return wrongType ? new TypeError(message) : new RangeError(message);
}

/**
 * The one message form, `<owner>: <name> must be <requirement>, got <value>` (the value as
 * `describeValue` shows it), for the few errors {@link argumentError} does not build.
 *
 * @example
 * ```ts
 * import { argumentMessage } from './argumentChecks.js';
 * argumentMessage('update', 'net', 'a network', {}); // 'update: net must be a network, got an object'
 * ```
 */
export function argumentMessage(
  owner: string,
  name: string,
  requirement: string,
  value: unknown,
): string {
  return `${owner}: ${name} must be ${requirement}, got ${describeValue(value)}`;
}

/**
 * The options object of `owner`: `undefined` reads as `{}`; anything but an object throws a
 * TypeError.
 *
 * @example
 * ```ts
 * import { checkOptions } from './argumentChecks.js';
 * const options = checkOptions<{ window?: number }>('boldDriver', undefined); // {}
 * ```
 */
export function checkOptions<T extends object>(owner: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw argumentError(owner, 'options', 'an object', options, 'object');
  }
  return options;
}

/** A finite number (not NaN, not ±Infinity). */
export function checkFiniteNumber(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw argumentError(owner, name, 'a finite number', value, 'number');
  }
  return value;
}

/** An integer (finite). */
export function checkInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw argumentError(owner, name, 'an integer', value, 'number');
  }
  return value;
}

/**
 * A number within ±{@link MAX_MAGNITUDE} (1e145): what a running statistic accepts, so that its
 * sums of squares stay finite (see `MAX_MAGNITUDE` for the derivation).
 *
 * @example
 * ```ts
 * import { checkBoundedNumber } from './argumentChecks.js';
 * checkBoundedNumber('pageHinkley', 'value', 0.25); // 0.25
 * checkBoundedNumber('pageHinkley', 'value', 1e200); // RangeError: pageHinkley: value must be a finite number within ±1e+145, got 1e+200
 * ```
 */
export function checkBoundedNumber(owner: string, name: string, value: unknown): number {
  if (!withinMaxMagnitude(value)) {
    throw argumentError(owner, name, `a finite number within ±${MAX_MAGNITUDE}`, value, 'number');
  }
  return value;
}

/** An integer ≥ 1. */
export function checkPositiveInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw argumentError(owner, name, 'a positive integer', value, 'number');
  }
  return value;
}

/** An integer ≥ 0. */
export function checkNonNegativeInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw argumentError(owner, name, 'an integer >= 0', value, 'number');
  }
  return value;
}

/** An integer ≥ 0, or `Infinity` for no limit (a feed's `limit`). */
export function checkLimit(owner: string, name: string, value: unknown): number {
  if (
    typeof value !== 'number' ||
    !(value >= 0) ||
    !(Number.isInteger(value) || value === Number.POSITIVE_INFINITY)
  ) {
    throw argumentError(owner, name, 'an integer >= 0 or Infinity', value, 'number');
  }
  return value;
}

/** A number > 0, or `Infinity` for no bound (a gradient clip, a rate cap, an idle time). */
export function checkPositiveOrInfinity(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) {
    throw argumentError(owner, name, 'a number > 0 or Infinity', value, 'number');
  }
  return value;
}

/** A finite number > 0. */
export function checkPositiveNumber(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) {
    throw argumentError(owner, name, 'a finite number > 0', value, 'number');
  }
  return value;
}

/** A finite number ≥ 0 (a learning rate, a weight decay, a delay). */
export function checkNonNegativeNumber(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value >= 0)) {
    throw argumentError(owner, name, 'a finite number >= 0', value, 'number');
  }
  return value;
}

/** The bounds of {@link checkInterval}; an open bound excludes its end. */
export interface Interval {
  readonly min: number;
  readonly max: number;
  /** Exclude `min` (default false). */
  readonly minOpen?: boolean;
  /** Exclude `max` (default false; an infinite `max` is always excluded). */
  readonly maxOpen?: boolean;
  /** The value must also be an integer (default false). */
  readonly integer?: boolean;
}

/**
 * A finite number within an interval, such as `(0, 1]`: the message names it in that notation.
 *
 * @example
 * ```ts
 * import { checkInterval } from './argumentChecks.js';
 * checkInterval('rmsprop', 'decay', 0.9, { min: 0, max: 1, maxOpen: true }); // 0.9
 * ```
 */
export function checkInterval(
  owner: string,
  name: string,
  value: unknown,
  interval: Interval,
): number {
  const { min, max, minOpen = false, maxOpen = false, integer = false } = interval;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (minOpen && value === min) ||
    (maxOpen && value === max) ||
    (integer && !Number.isInteger(value))
  ) {
    throw argumentError(owner, name, describeInterval(interval), value, 'number');
  }
  return value;
}

/** `a finite number in (0, 1]`, `an integer in [1, ∞)`: how {@link checkInterval} names a rule. */
export function describeInterval(interval: Interval): string {
  const { min, max, minOpen = false, maxOpen = false, integer = false } = interval;
  const infinite = max === Number.POSITIVE_INFINITY;
  const low = min === Number.NEGATIVE_INFINITY ? '(-∞' : `${minOpen ? '(' : '['}${min}`;
  const high = infinite ? '∞)' : `${max}${maxOpen ? ')' : ']'}`;
  return `${integer ? 'an integer' : 'a finite number'} in ${low}, ${high}`;
}

/** `true` or `false`. */
export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw argumentError(owner, name, 'true or false', value, 'boolean');
  }
  return value;
}

/** A string (possibly empty). */
export function checkString(owner: string, name: string, value: unknown): string {
  if (typeof value !== 'string') throw argumentError(owner, name, 'a string', value, 'string');
  return value;
}

/** A string that is not empty. */
export function checkNonEmptyString(owner: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw argumentError(owner, name, 'a non-empty string', value, 'string');
  }
  return value;
}

/**
 * One of a fixed set of values (the few places, such as `onInvalid`, where an option is a word).
 *
 * @example
 * ```ts
 * import { checkOneOf } from './argumentChecks.js';
 * checkOneOf('forward', 'onInvalid', 'skip', ['skip', 'error'] as const); // 'skip'
 * ```
 */
export function checkOneOf<const T extends string | number | boolean>(
  owner: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (!choices.includes(value as T)) {
    const listed = choices.map((c) => (typeof c === 'string' ? `'${c}'` : String(c)));
    const requirement =
      listed.length === 1
        ? listed[0]
        : `${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}`;
    throw argumentError(owner, name, requirement, value, typeof choices[0] as 'string');
  }
  return value as T;
}

/** A function. */
export function checkFunction<F extends (...args: never[]) => unknown>(
  owner: string,
  name: string,
  value: unknown,
): F {
  if (typeof value !== 'function')
    throw argumentError(owner, name, 'a function', value, 'function');
  return value as F;
}

/**
 * An object (not null, not an array), such as a part handed to the library — an optimizer, a
 * loss, a drift detector — whose members are checked next. `requirement` says what was
 * expected, in words (default `an object`).
 *
 * @example
 * ```ts
 * import { checkObject } from './argumentChecks.js';
 * checkObject('update', 'optimizer', null, 'an optimizer such as sgd() or adam()');
 * // TypeError: update: optimizer must be an optimizer such as sgd() or adam(), got null
 * ```
 */
export function checkObject<T extends object>(
  owner: string,
  name: string,
  value: unknown,
  requirement = 'an object',
): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw argumentError(owner, name, requirement, value, 'object');
  }
  return value as T;
}

/**
 * The methods a part must have: each of `part[method]` is a function, else a TypeError naming
 * it, such as `update: optimizer.step must be a function, got undefined`.
 *
 * @example
 * ```ts
 * import { checkMethods } from './argumentChecks.js';
 * checkMethods('loss', 'lossFn', { value: () => 0, gradient: () => {} }, ['value', 'gradient']);
 * ```
 */
export function checkMethods(
  owner: string,
  name: string,
  part: object,
  methods: readonly string[],
): void {
  for (const method of methods) {
    checkFunction(owner, `${name}.${method}`, (part as Record<string, unknown>)[method]);
  }
}

/**
 * A property the library will assign to, such as an optimizer's `learningRate`: a writable
 * data property or an accessor with a setter, found on the object or along its prototype chain.
 *
 * @example
 * ```ts
 * import { checkSettable } from './argumentChecks.js';
 * checkSettable('update', 'optimizer', { learningRate: 0.1 }, 'learningRate');
 * ```
 */
export function checkSettable(owner: string, name: string, part: object, key: string): void {
  for (let o: object | null = part; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, key);
    if (descriptor === undefined) continue;
    if (descriptor.writable === true || descriptor.set !== undefined) return;
    break;
  }
  throw argumentError(
    owner,
    `${name}.${key}`,
    'settable (a writable property or one with a setter)',
    (part as Record<string, unknown>)[key],
  );
}

/**
 * An instance of `type` (a value the library made, such as a network or a running scaler):
 * anything else is a TypeError, such as
 * `update: net must be a network made with network({ … }), got an object`.
 *
 * @example
 * ```ts
 * import { checkInstance } from './argumentChecks.js';
 * checkInstance('toCheckpoint', 'when', new Date(), Date, 'a Date');
 * ```
 */
export function checkInstance<T>(
  owner: string,
  name: string,
  value: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: any constructor, whatever its parameters
  type: abstract new (...args: any[]) => T,
  requirement: string,
): T {
  if (!(value instanceof type)) {
    throw new TypeError(argumentMessage(owner, name, requirement, value));
  }
  return value;
}

/** The characters an identifier may hold: what {@link checkIdentifier} accepts. */
const IDENTIFIER = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * A name that goes into keys and tokens as it is (a Redis key prefix, a worker's name): 1 to 200
 * letters, digits, `.`, `_`, `-` or `:`, so no spaces and no braces.
 *
 * @example
 * ```ts
 * import { checkIdentifier } from './argumentChecks.js';
 * checkIdentifier('redisLog', 'prefix', 'sensors'); // 'sensors'
 * ```
 */
export function checkIdentifier(owner: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw argumentError(
      owner,
      name,
      'a name of 1 to 200 letters, digits, ".", "_", "-" or ":"',
      value,
      'string',
    );
  }
  return value;
}
