import { z } from 'zod';
import { checkMethods, checkNonEmptyString, checkObject } from '../checks/argumentChecks.js';
import { savedNameSchema, savedSettingsSchema } from '../checks/savedSettings.js';

/**
 * A change detector over a stream of numbers — in streamprop, the stream of prequential
 * losses: what `detectDrift` and the checkpoints call, and what you implement for a detector
 * of your own. `pageHinkley(…)` and `adwin(…)` are the built-in ones.
 *
 * A detector is a mutable value: `update` changes it. After a detection it adapts by itself
 * (Page-Hinkley starts over, ADWIN drops the older part of its window), so it is ready for the
 * next change. `detectDrift` never changes the detector it is given unless told to
 * (`clone: false`): each subscription works on its own {@link DriftDetector.clone}.
 *
 * `detectDrift(detector)`, `toCheckpoint({ detector })` and `fromCheckpoint(…, { detector })`
 * check it when handed one: `name` a non-empty string; `update`, `clone`, `state` and
 * `restore` functions. `update` runs once per learned sample: it should allocate nothing.
 *
 * @example
 * ```ts
 * import { type DriftDetector, type DriftDetectorState, detectDrift } from 'streamprop';
 * // Signals when the loss exceeds a fixed limit, at most once per 100 values.
 * function overLimit(limit: number, since = 100): DriftDetector {
 *   return {
 *     name: 'overLimit',
 *     update(value) {
 *       since++;
 *       if (value <= limit || since < 100) return false;
 *       since = 0;
 *       return true;
 *     },
 *     clone: () => overLimit(limit, since),
 *     state: (): DriftDetectorState => ({ name: 'overLimit', settings: { limit }, values: { since } }),
 *     restore(state) { since = state.values.since as number; },
 *   };
 * }
 * const operator = detectDrift(overLimit(0.5));
 * ```
 */
export interface DriftDetector {
  /** The detector's kind, as `drift` events and saved states name it (`pageHinkley`, `adwin`). */
  readonly name: string;
  /**
   * Takes the next value of the stream; returns true when it reveals a change (an increase of
   * the mean unless the detector says otherwise).
   *
   * @throws RangeError when `value` is not a finite number within ±1e145 (`MAX_MAGNITUDE`:
   * beyond it the detector's sums could overflow); the detector is then left as it was.
   */
  update(value: number): boolean;
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

/**
 * Throws a TypeError naming `owner` and the member unless `detector` has everything the
 * library calls on a {@link DriftDetector}.
 *
 * @example
 * ```ts
 * checkDriftDetector('detectDrift', { name: 'mine', update: () => false });
 * // TypeError: detectDrift: detector.clone must be a function, got undefined
 * ```
 */
export function checkDriftDetector(
  owner: string,
  detector: unknown,
  name = 'detector',
): asserts detector is DriftDetector {
  const d = checkObject<Partial<DriftDetector>>(
    owner,
    name,
    detector,
    'a drift detector such as pageHinkley() or adwin()',
  );
  checkNonEmptyString(owner, `${name}.name`, d.name);
  checkMethods(owner, name, d, ['update', 'clone', 'state', 'restore']);
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
 * @internal The schema of any detector's saved state, as a checkpoint holds it: the shape of
 * {@link DriftDetectorState}. A built-in detector checks the rest with its own `stateSchema()`.
 */
export const driftDetectorStateSchema = z.object({
  name: z.string().min(1),
  settings: z.record(z.string(), z.union([z.number(), z.boolean()])),
  values: z.record(z.string(), z.union([z.number(), z.array(z.number())])),
});

/**
 * @internal The schema of the saved state of the built-in detector `name` made with
 * `settings`: the same name, the very settings (a state saved with others is refused, naming
 * the setting) and `values` as described.
 *
 * @example
 * ```ts
 * const schema = detectorStateSchema('pageHinkley', { delta: 0.005 }, { count: z.number().int() });
 * ```
 */
export function detectorStateSchema<V extends z.ZodRawShape>(
  name: string,
  settings: Readonly<Record<string, number | boolean>>,
  values: V,
) {
  return z.object({
    name: savedNameSchema(name),
    settings: savedSettingsSchema(settings, 'detector'),
    values: z.object(values),
  });
}
