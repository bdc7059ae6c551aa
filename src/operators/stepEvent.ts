/**
 * Why a sample was rejected: not an object, a vector of the wrong length, a value that is not
 * a number, a value that is NaN or ±Infinity, no target where learning needs one, or an item
 * its source could not parse (see `Sample.malformed`).
 */
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * Every {@link RejectionReason}, in the order the counts list them.
 *
 * @example
 * ```ts
 * import { REJECTION_REASONS } from 'streamprop';
 * console.log(REJECTION_REASONS.join(', ')); // notObject, length, notNumber, nonFinite, missingTarget, malformed
 * ```
 */
export const REJECTION_REASONS = [
  'notObject',
  'length',
  'notNumber',
  'nonFinite',
  'missingTarget',
  'malformed',
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

/**
 * Something that happened at a step, beyond the prediction itself. Operators push events onto
 * `step.events` (lent: emptied for every new sample); the events carry the `seq` of their
 * step, so a consumer can keep them.
 *
 * - `rejected`: the sample was dropped before it reached the weights.
 * - `diverged`: the loss or the gradient was non-finite or exploding; the update was skipped
 *   and the learning rate cut to `learningRate`.
 * - `learningRate`: a controller changed the rate, `from` → `to`, for the reason it gives.
 * - `rollback`: the weights and optimizer state were restored to those saved at `toSeq`.
 * - `drift`: a detector signalled a change in the error stream; `action` says what was done.
 * - `earlyStop`: training stopped; `reason` says why.
 *
 * @example
 * ```ts
 * import type { StepEvent } from 'streamprop';
 * const describe = (e: StepEvent): string => `${e.seq}: ${e.type}`;
 * ```
 */
export type StepEvent =
  | {
      readonly type: 'rejected';
      readonly seq: number;
      readonly reason: RejectionReason;
      readonly field: string;
      readonly message: string;
    }
  | {
      readonly type: 'diverged';
      readonly seq: number;
      readonly loss: number;
      readonly gradientNorm: number;
      readonly learningRate: number;
    }
  | {
      readonly type: 'learningRate';
      readonly seq: number;
      readonly from: number;
      readonly to: number;
      readonly reason: string;
    }
  | { readonly type: 'rollback'; readonly seq: number; readonly toSeq: number }
  | {
      readonly type: 'drift';
      readonly seq: number;
      readonly detector: string;
      readonly action: string;
    }
  | {
      readonly type: 'earlyStop';
      readonly seq: number;
      readonly reason: 'goal' | 'validation';
      readonly detail: string;
    };
