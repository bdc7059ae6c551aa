import { malformedSample } from '../../streams/malformedSample.js';
import { sampleFromJson } from '../../streams/sampleFromJson.js';
import type { Sample } from '../samples/sample.js';

/**
 * The text a sample is appended to the log as: the JSON of its `x`, `y`, `key`, `id` and `t`
 * (typed arrays as plain arrays); a sample its source could not parse keeps its `malformed`
 * description instead of `x` and `y`, so that the worker of its key rejects and counts it.
 *
 * @example
 * ```ts
 * import { sampleRecord } from 'streamprop/fleet';
 * sampleRecord({ x: new Float64Array([1, 2]), y: 3, key: 'a' }); // '{"x":[1,2],"y":3,"key":"a"}'
 * ```
 */
export function sampleRecord(sample: Sample): string {
  const s = sample as Partial<Sample> | null;
  if (s === null || typeof s !== 'object') return JSON.stringify({ notObject: String(s) });
  const out: Record<string, unknown> = {};
  if (s.malformed !== undefined) {
    out.malformed = {
      field: String(s.malformed.field),
      value: typeof s.malformed.value === 'string' ? s.malformed.value : String(s.malformed.value),
      problem: String(s.malformed.problem),
    };
  } else {
    out.x = ArrayBuffer.isView(s.x) ? Array.from(s.x as ArrayLike<number>) : s.x;
    if (s.y !== undefined)
      out.y = ArrayBuffer.isView(s.y) ? Array.from(s.y as ArrayLike<number>) : s.y;
  }
  if (s.key !== undefined) out.key = s.key;
  if (s.id !== undefined) out.id = s.id;
  if (s.t !== undefined) out.t = s.t;
  return JSON.stringify(out);
}

/**
 * The sample a log entry holds (see {@link sampleRecord}); a text that is not such a sample
 * gives a malformed sample naming `where` (rejected and counted downstream, never a crash).
 *
 * @example
 * ```ts
 * import { sampleOfRecord } from 'streamprop/fleet';
 * sampleOfRecord('{"x":[1,2],"y":3,"key":"a"}', 'shard 3, 1763840000123-0'); // { x: [1, 2], y: 3, key: 'a' }
 * ```
 */
export function sampleOfRecord(body: string, where: string): Sample {
  if (body.startsWith('{"malformed":')) {
    try {
      const v = JSON.parse(body) as {
        malformed?: { field?: unknown; value?: unknown; problem?: unknown };
        key?: string | number;
        id?: string | number;
        t?: number;
      };
      const m = v.malformed ?? {};
      return malformedSample(String(m.field), m.value, String(m.problem), {
        ...(v.key === undefined ? {} : { key: v.key }),
        ...(v.id === undefined ? {} : { id: v.id }),
        ...(typeof v.t === 'number' ? { t: v.t } : {}),
      });
    } catch {
      // not JSON after all: sampleFromJson says so below
    }
  }
  return sampleFromJson(body, where);
}
