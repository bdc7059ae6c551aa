/**
 * Why a sample was rejected: not an object, a vector of the wrong length, a value that is not
 * a number, a value that is NaN or ±Infinity, a finite value beyond ±1e145 (`outOfRange`: it
 * would overflow a running statistic, see `MAX_MAGNITUDE`), no target where learning needs
 * one, an item its source could not parse (see `Sample.malformed`), or a record its source
 * passed over because it is longer than the record size limit (`tooLarge`).
 */
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * Every {@link RejectionReason}, in the order the counts list them.
 *
 * @example
 * ```ts
 * import { REJECTION_REASONS } from 'streamprop';
 * console.log(REJECTION_REASONS.join(', ')); // notObject, length, notNumber, nonFinite, outOfRange, missingTarget, malformed, tooLarge
 * ```
 */
export const REJECTION_REASONS = [
  'notObject',
  'length',
  'notNumber',
  'nonFinite',
  'outOfRange',
  'missingTarget',
  'malformed',
  'tooLarge',
] as const;

/**
 * The diagnosis of a rejected sample, as `step.rejection` carries it.
 *
 * @example
 * ```ts
 * import { dense, forward, linear, network } from 'streamprop';
 * import { of } from 'rxjs';
 * const net = network({ inputs: 1, layers: [dense(1, linear)] });
 * of({ x: [Number.NaN] })
 *   .pipe(forward(net, { onInvalid: 'skip' }))
 *   .subscribe((s) => console.log(s.rejection?.reason)); // nonFinite
 * ```
 */
export interface Rejection {
  readonly reason: RejectionReason;
  /** The field that is wrong, such as `x[3]` or `y`. */
  readonly field: string;
  /** The offending value. */
  readonly value: unknown;
  /** The full message, naming the operator, the `seq`, the field and the value. */
  readonly message: string;
}
