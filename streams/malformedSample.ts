import type { Sample } from '../src/samples/sample.js';

/** The longest text a malformed sample keeps of the item it could not parse. */
const KEEP = 200;

/** What a source still knows about an item it could not parse. */
export interface KnownFields {
  readonly key?: string | number;
  readonly id?: string | number;
  readonly t?: number;
}

/**
 * The item a source emits for something it could not turn into a sample: `x` empty and
 * `malformed` saying where (`field`), what (`value`, a long text cut to about 200 characters)
 * and why (`problem`). Downstream operators reject it with the reason `malformed` (`tooLarge` when
 * `reason` says so: a record passed over for its size). The `key`,
 * `id` and `t` of `known` are kept, so that per-key pipelines count it where it belongs.
 *
 * @example
 * ```ts
 * import { malformedSample } from './malformedSample.js';
 * const item = malformedSample('line 17', '{"x": [1,', 'is not valid JSON');
 * // { x: [], malformed: { field: 'line 17', value: '{"x": [1,', problem: 'is not valid JSON' } }
 * ```
 */
export function malformedSample(
  field: string,
  value: unknown,
  problem: string,
  known?: KnownFields,
  reason?: 'tooLarge',
): Sample {
  const kept =
    typeof value === 'string' && value.length > KEEP ? `${value.slice(0, KEEP)}…` : value;
  const sample: { -readonly [K in keyof Sample]: Sample[K] } = {
    x: [],
    malformed:
      reason === undefined
        ? { field, value: kept, problem }
        : { field, value: kept, problem, reason },
  };
  if (known?.key !== undefined) sample.key = known.key;
  if (known?.id !== undefined) sample.id = known.id;
  if (known?.t !== undefined) sample.t = known.t;
  return sample;
}
