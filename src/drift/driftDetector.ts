/**
 * A change detector over a stream of numbers — in streamprop, the stream of prequential
 * losses. `pageHinkley(…)` and `adwin(…)` are the built-in ones; `detectDrift(detector)` feeds
 * one from the steps of a training pipeline.
 *
 * A detector is a mutable value: `update` changes it. After a detection it adapts by itself
 * (Page-Hinkley starts over, ADWIN drops the older part of its window), so it is ready for the
 * next change without a call to {@link DriftDetector.reset}. `detectDrift` never changes the
 * detector it is given: each subscription works on its own {@link DriftDetector.clone}.
 *
 * Updating allocates nothing; `state()` and `restore()` copy.
 *
 * @example
 * ```ts
 * import { adwin, type DriftDetector } from 'streamprop';
 * const detector: DriftDetector = adwin();
 * const losses = [...Array(1000).fill(0.01), ...Array(100).fill(0.5)]; // a jump at 1000
 * const at = losses.findIndex((loss) => detector.update(loss));
 * console.log(at, detector.name, detector.width); // 1023 adwin 28: the window was cut
 * ```
 */
export interface DriftDetector {
  /** The detector's kind, as `drift` events name it (`pageHinkley`, `adwin`). */
  readonly name: string;
  /**
   * How many values the current estimate rests on: for Page-Hinkley the values since it last
   * started over, for ADWIN the width of its window.
   */
  readonly width: number;
  /** The estimated mean of the stream over those {@link DriftDetector.width} values (0 when empty). */
  readonly mean: number;
  /**
   * Takes the next value of the stream; returns true when it reveals a change (an increase of
   * the mean unless the detector says otherwise).
   *
   * @throws RangeError when `value` is not a finite number within ±1e145 (`MAX_MAGNITUDE`:
   * beyond it the detector's sums could overflow); the detector is then left as it was.
   */
  update(value: number): boolean;
  /** Forgets every value seen; the settings stay. */
  reset(): void;
  /** An independent detector with the same settings and the same current state. */
  clone(): DriftDetector;
  /** A JSON-ready copy of the settings and of the current state. */
  state(): DriftDetectorState;
  /**
   * Restores what {@link DriftDetector.state} returned.
   *
   * @throws RangeError, naming the field, for the state of another kind of detector, of one
   * with other settings, or a malformed one.
   */
  restore(state: DriftDetectorState): void;
}

/** The saved state of a {@link DriftDetector}, as plain JSON values. */
export interface DriftDetectorState {
  /** The detector's {@link DriftDetector.name}. */
  readonly name: string;
  /** The settings it was created with; `restore` refuses a state saved with other ones. */
  readonly settings: Readonly<Record<string, number | boolean>>;
  /** What it has learnt from the stream. */
  readonly values: Readonly<Record<string, number | readonly number[]>>;
}

/**
 * @internal Checks that `state` is a state of `name` saved with `settings`; returns its values.
 * Throws a RangeError naming what differs.
 */
export function checkState(
  name: string,
  settings: Readonly<Record<string, number | boolean>>,
  state: DriftDetectorState,
): Readonly<Record<string, unknown>> {
  const fail = (what: string): never => {
    throw new RangeError(`${name}: cannot restore this state: ${what}`);
  };
  if (state === null || typeof state !== 'object') return fail('it is not an object');
  if (state.name !== name) fail(`it is the state of ${describe(state.name)}, not of ${name}`);
  for (const [key, value] of Object.entries(settings)) {
    const saved = state.settings?.[key];
    if (saved !== value) {
      fail(
        `it was saved with ${key} ${describe(saved)}, this detector has ${value}; create it with the saved settings`,
      );
    }
  }
  const values = state.values;
  if (values === null || typeof values !== 'object') return fail('values is missing');
  return values as Readonly<Record<string, unknown>>;
}

/** @internal Reads `values[key]` as a finite number (an integer within [min, max] when told). */
export function readNumber(
  name: string,
  values: Readonly<Record<string, unknown>>,
  key: string,
  integer = false,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): number {
  const v = values[key];
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    (integer && !Number.isInteger(v)) ||
    v < min ||
    v > max
  ) {
    const kind = integer ? 'an integer' : 'a finite number';
    const range = min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : '';
    const upper = max < Number.POSITIVE_INFINITY ? ` and <= ${max}` : '';
    throw new RangeError(
      `${name}: cannot restore this state: values.${key} must be ${kind}${range}${upper}, got ${describe(v)}`,
    );
  }
  return v;
}

/** @internal Reads `values[key]` as an array of finite numbers. */
export function readNumbers(
  name: string,
  values: Readonly<Record<string, unknown>>,
  key: string,
): readonly number[] {
  const v = values[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new RangeError(
      `${name}: cannot restore this state: values.${key} must be an array of finite numbers`,
    );
  }
  return v;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
