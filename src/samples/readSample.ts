import { MAX_MAGNITUDE, withinMaxMagnitude } from '../checks/maxMagnitude.js';
import type { Trace } from '../core/trace.js';
import type { Malformed, Sample } from './sample.js';
import { SampleError } from './sampleError.js';

/**
 * Validates `sample.x` and copies it into `trace.input`; with `withTarget`, validates
 * `sample.y` too and copies it into `trace.target`. Every value must be a finite number within
 * ±{@link MAX_MAGNITUDE} (a larger one is rejected as `outOfRange`). Allocates nothing.
 *
 * @returns whether the sample has a target (always false without `withTarget`).
 * @throws SampleError naming `operator`, `seq`, the field and the value.
 */
export function readSample(
  operator: string,
  seq: number,
  sample: Sample,
  trace: Trace,
  withTarget: boolean,
): boolean {
  if (sample === null || typeof sample !== 'object') {
    throw new SampleError(operator, seq, 'sample', sample, 'must be an object { x, y? }');
  }
  const malformed = sample.malformed;
  if (malformed !== undefined) throwMalformed(operator, seq, malformed);
  copyVector(operator, seq, 'x', sample.x, trace.input);
  if (!withTarget) return false;
  const y = sample.y;
  if (y === undefined) return false;
  const target = trace.target;
  if (typeof y === 'number') {
    if (target.length !== 1) {
      throw new SampleError(
        operator,
        seq,
        'y',
        y,
        `must have ${target.length} values, not one number`,
      );
    }
    checkValue(operator, seq, 'y', y);
    target[0] = y;
    return true;
  }
  copyVector(operator, seq, 'y', y, target);
  return true;
}

function copyVector(
  operator: string,
  seq: number,
  field: string,
  values: ArrayLike<number> | undefined,
  into: Float64Array,
): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new SampleError(operator, seq, field, values, 'must be an array of numbers');
  }
  if (values.length !== into.length) {
    throw new SampleError(
      operator,
      seq,
      `${field}.length`,
      values.length,
      `must be ${into.length}`,
    );
  }
  for (let i = 0; i < into.length; i++) {
    const v = values[i];
    if (!withinMaxMagnitude(v)) checkValue(operator, seq, `${field}[${i}]`, v);
    into[i] = v;
  }
}

/** Throws the SampleError of a value that is not a finite number within ±MAX_MAGNITUDE. */
function checkValue(operator: string, seq: number, field: string, v: unknown): void {
  if (withinMaxMagnitude(v)) return;
  if (!Number.isFinite(v))
    throw new SampleError(operator, seq, field, v, 'must be a finite number');
  throw new SampleError(
    operator,
    seq,
    field,
    v,
    `must be within ±${MAX_MAGNITUDE} (larger values would overflow the running statistics)`,
    'outOfRange',
  );
}

/** Rejects a sample its source marked as malformed, with the source's own diagnosis. */
function throwMalformed(operator: string, seq: number, malformed: Malformed): never {
  if (malformed === null || typeof malformed !== 'object') {
    throw new SampleError(operator, seq, 'malformed', malformed, 'marks the sample', 'malformed');
  }
  throw new SampleError(
    operator,
    seq,
    String(malformed.field),
    malformed.value,
    String(malformed.problem),
    malformed.reason === 'tooLarge' ? 'tooLarge' : 'malformed',
  );
}
