import { z } from 'zod';
import { malformedSample } from '../../streams/malformedSample.js';
import { sampleFromJson } from '../../streams/sampleFromJson.js';
import { documentPath } from '../checks/parseDocument.js';
import type { Sample } from '../samples/sample.js';
import { compactRecord, isCompactRecord, sampleOfCompactRecord } from './compactRecord.js';

/**
 * The zod schema of the record of a sample its source could not parse, as {@link sampleRecord}
 * writes it: its `malformed` description and the labels it kept.
 */
export const malformedRecordSchema = z.object({
  malformed: z.object({ field: z.string(), value: z.string(), problem: z.string() }),
  key: z.union([z.string(), z.number()]).optional(),
  id: z.union([z.string(), z.number()]).optional(),
  t: z.number().optional(),
});

/**
 * The text a sample is appended to the log as: its compact record (see `compactRecord`: the
 * numbers in base64, read back bit for bit without parsing a number) when it has one — finite
 * numbers in `x` and `y`, labels that are texts or finite numbers; otherwise the JSON of its
 * `x`, `y`, `key`, `id` and `t` (typed arrays as plain arrays), so that the worker of its key
 * rejects and counts it as the learner would. A sample its source could not parse keeps its
 * `malformed` description instead of `x` and `y`.
 *
 * @example
 * ```ts
 * import { sampleRecord } from 'streamprop/fleet';
 * sampleRecord({ x: [1], y: 2, key: 'a' }); // '~1,n,,,AAAAAAAA8D8AAAAAAAAAQA==,sa'
 * sampleRecord({ x: [1, Number.NaN], y: 3, key: 'a' }); // '{"x":[1,null],"y":3,"key":"a"}'
 * ```
 */
export function sampleRecord(sample: Sample): string {
  const s = sample as Partial<Sample> | null;
  if (s === null || typeof s !== 'object') return JSON.stringify({ notObject: String(s) });
  const compact = compactRecord(s as Sample);
  if (compact !== undefined) return compact;
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
 * `where` may be a function, called only then (no text is built for a sound record).
 *
 * @example
 * ```ts
 * import { sampleOfRecord } from 'streamprop/fleet';
 * sampleOfRecord('{"x":[1,2],"y":3,"key":"a"}', 'shard 3, 1763840000123-0'); // { x: [1, 2], y: 3, key: 'a' }
 * ```
 */
export function sampleOfRecord(body: string, where: string | (() => string)): Sample {
  if (isCompactRecord(body)) return sampleOfCompactRecord(body, where);
  if (typeof where !== 'string') return sampleOfRecord(body, where());
  if (body.startsWith('{"malformed":')) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return sampleFromJson(body, where); // not JSON after all: it says so
    }
    const parsed = malformedRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return malformedSample(
        where,
        body,
        `is not a malformed-sample record: ${documentPath(issue.path) || 'record'}: ${issue.message}`,
      );
    }
    const { malformed: m, key, id, t } = parsed.data;
    return malformedSample(m.field, m.value, m.problem, {
      ...(key === undefined ? {} : { key }),
      ...(id === undefined ? {} : { id }),
      ...(t === undefined ? {} : { t }),
    });
  }
  return sampleFromJson(body, where);
}
