import type { RejectionReason } from '../samples/rejection.js';

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
