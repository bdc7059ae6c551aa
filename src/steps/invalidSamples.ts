import { checkOneOf } from '../checks/argumentChecks.js';
import type { Sample } from '../samples/sample.js';
import { SampleError } from '../samples/sampleError.js';
import type { StepContext } from './step.js';

/**
 * What an operator does with a sample it cannot use: `'error'` fails the stream with a
 * `SampleError` (the strict default of the library); `'skip'` drops the sample before it
 * reaches the weights, sets `step.rejection` and pushes a `rejected` event — the live mode,
 * which keeps learning through bad data.
 */
export type OnInvalid = 'skip' | 'error';

/** Options shared by the operators that validate samples. */
export interface InvalidSampleOptions {
  /** What to do with an invalid sample (default `'error'`). */
  readonly onInvalid?: OnInvalid;
}

/** @internal Reads `onInvalid` from options, throwing a TypeError naming `operator` for a bad one. */
export function readOnInvalid(
  operator: string,
  options: InvalidSampleOptions | undefined,
): OnInvalid {
  return checkOneOf(operator, 'onInvalid', options?.onInvalid ?? 'error', [
    'skip',
    'error',
  ] as const);
}

/**
 * @internal Sets a step aside for `error` (a SampleError): records the rejection and its event,
 * blanks the prediction and marks the step as not learned. Any other error is rethrown.
 */
export function reject<S extends Sample>(step: StepContext<S>, error: unknown): void {
  if (!(error instanceof SampleError)) throw error;
  step.rejection = {
    reason: error.reason,
    field: error.field,
    value: error.value,
    message: error.message,
  };
  step.events.push({
    type: 'rejected',
    seq: step.seq,
    reason: error.reason,
    field: error.field,
    message: error.message,
  });
  step.learn = false;
  step.loss = Number.NaN;
  step.prediction.fill(Number.NaN);
  step.output = step.prediction;
  step.actual = undefined;
}
