import { describeValue } from '../checks/describeValue.js';
import { withinMaxMagnitude } from '../checks/maxMagnitude.js';
import type { RejectionReason } from './rejection.js';

/**
 * The error a stream fails with when a sample cannot be learned from or predicted: it names
 * the operator, the sample's sequence number, the field and the offending value.
 *
 * @example
 * ```ts
 * import { dense, linear, network, predict, SampleError } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 2, layers: [dense(1, linear)] });
 * of({ x: [1, Number.NaN] }).pipe(predict(net)).subscribe({
 *   error: (e) => {
 *     if (e instanceof SampleError) console.log(e.message); // predict: sample 0: x[1] must be a finite number, got NaN
 *   },
 * });
 * ```
 */
export class SampleError extends Error {
  override readonly name = 'SampleError';
  /** The operator that rejected the sample, such as `forward`. */
  readonly operator: string;
  /** The 0-based sequence number of the sample in its stream. */
  readonly seq: number;
  /** The field that is wrong, such as `x[3]`, `y` or `x.length`. */
  readonly field: string;
  /** The offending value. */
  readonly value: unknown;
  /** The kind of problem, as rejection counts are kept. */
  readonly reason: RejectionReason;

  constructor(
    operator: string,
    seq: number,
    field: string,
    value: unknown,
    problem: string,
    reason: RejectionReason = reasonOf(field, value),
  ) {
    super(`${operator}: sample ${seq}: ${field} ${problem}, got ${describeValue(value)}`);
    this.operator = operator;
    this.seq = seq;
    this.field = field;
    this.value = value;
    this.reason = reason;
  }
}

/** The reason a field and value point to, for callers that name none. */
function reasonOf(field: string, value: unknown): RejectionReason {
  if (field === 'sample') return 'notObject';
  if (field.endsWith('.length')) return 'length';
  if (value === undefined && field === 'y') return 'missingTarget';
  if (typeof value !== 'number') return 'notNumber';
  return Number.isFinite(value) && !withinMaxMagnitude(value) ? 'outOfRange' : 'nonFinite';
}
