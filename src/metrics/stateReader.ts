/**
 * @internal Reads a saved state (parsed JSON, so `unknown`) field by field, and throws a
 * RangeError that names the owner and the field's path at the first value that is wrong, such
 * as `MetricsTracker.restore: errors.ring.sq must hold 5 numbers (errors.size), got 4`. JSON has
 * no NaN or Infinity: a number that may be missing or non-finite is saved as `null`.
 */
export class StateReader {
  /** @param owner - who restores, for the messages (`MetricsTracker.restore`). */
  constructor(private readonly owner: string) {}

  /** Throws the RangeError for `path`. */
  fail(path: string, what: string): never {
    throw new RangeError(`${this.owner}: ${path} ${what}`);
  }

  /** `value` as an object (not an array, not null). */
  object(value: unknown, path: string): Readonly<Record<string, unknown>> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, `must be an object, got ${describe(value)}`);
    }
    return value as Readonly<Record<string, unknown>>;
  }

  /** `object[key]` as an object. */
  child(
    object: Readonly<Record<string, unknown>>,
    key: string,
    at: string,
  ): Readonly<Record<string, unknown>> {
    return this.object(object[key], join(at, key));
  }

  /** `object[key]` as a boolean. */
  boolean(object: Readonly<Record<string, unknown>>, key: string, at: string): boolean {
    const value = object[key];
    if (typeof value !== 'boolean')
      this.fail(join(at, key), `must be a boolean, got ${describe(value)}`);
    return value;
  }

  /**
   * `object[key]` as a finite number within [min, max] (an integer when told); with `nullable`,
   * `null` reads as NaN.
   */
  number(
    object: Readonly<Record<string, unknown>>,
    key: string,
    at: string,
    check: NumberCheck = {},
  ): number {
    const value = object[key];
    if (value === null && check.nullable) return Number.NaN;
    const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = check;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (check.integer === true && !Number.isInteger(value))
    ) {
      const kind = check.integer ? 'an integer' : 'a finite number';
      const low = min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : '';
      const high = max < Number.POSITIVE_INFINITY ? `${low ? ' and' : ''} <= ${max}` : '';
      const orNull = check.nullable ? ' or null' : '';
      this.fail(join(at, key), `must be ${kind}${low}${high}${orNull}, got ${describe(value)}`);
    }
    return value;
  }

  /**
   * `object[key]` as an array of `length` numbers, each finite or `null` (see {@link loadNumbers});
   * `why` says where the length comes from.
   */
  numbers(
    object: Readonly<Record<string, unknown>>,
    key: string,
    at: string,
    length: number,
    why: string,
  ): readonly (number | null)[] {
    const value = object[key];
    const path = join(at, key);
    if (!Array.isArray(value))
      this.fail(path, `must be an array of numbers, got ${describe(value)}`);
    if (value.length !== length) {
      this.fail(path, `must hold ${length} numbers (${why}), got ${value.length}`);
    }
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        this.fail(`${path}[${i}]`, `must be a finite number or null, got ${describe(v)}`);
      }
    }
    return value as readonly (number | null)[];
  }
}

/** What {@link StateReader.number} accepts. */
export interface NumberCheck {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly nullable?: boolean;
}

/** @internal A number as saved state: itself when finite, `null` otherwise (JSON has no NaN). */
export function savedNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** @internal Numbers as saved state, each as {@link savedNumber} saves it. */
export function savedNumbers(values: Float64Array, length = values.length): (number | null)[] {
  const out = new Array<number | null>(length);
  for (let i = 0; i < length; i++) out[i] = savedNumber(values[i]);
  return out;
}

/** @internal Copies saved numbers into `into` (`null` becomes NaN). */
export function loadNumbers(saved: readonly (number | null)[], into: Float64Array): void {
  for (let i = 0; i < saved.length; i++) {
    const v = saved[i];
    into[i] = v === null ? Number.NaN : v;
  }
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}
