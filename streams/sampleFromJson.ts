import type { Sample } from '../src/samples/sample.js';
import { type KnownFields, malformedSample } from './malformedSample.js';
import { mapSample } from './mapSample.js';

/**
 * Turns one JSON text (a line of NDJSON, an MQTT payload) into a sample.
 *
 * Without `map`, the text must hold an object `{ x, y?, key?, id?, t? }`: `x` an array, `y`
 * absent, a number or an array, `key` and `id` strings or finite numbers, `t` a finite number
 * (milliseconds since the epoch) or a date text that `Date.parse` reads (such as ISO 8601). A
 * new sample is made of those five fields only (other fields are dropped, so that a text cannot
 * smuggle in a `scaler` or a `malformed`). The numbers inside `x` and `y` are left for the
 * learner to check (rejected there as `notNumber`, `nonFinite` or `length`).
 *
 * With `map`, the parsed value, whatever it is, goes to `map`, whose result is the sample.
 *
 * Anything else — text that is not JSON, a value of the wrong shape, a `map` that throws or
 * returns a non-object — gives a malformed sample naming `where` (such as `line 17` or
 * `topic sensors/1`), with the `key`, `id` and `t` that could be read.
 *
 * @example
 * ```ts
 * import { sampleFromJson } from './sampleFromJson.js';
 * sampleFromJson('{"x":[1,2],"y":3,"key":"a"}', 'line 1'); // { x: [1, 2], y: 3, key: 'a' }
 * sampleFromJson('{"x":[1,', 'line 2').malformed?.problem; // 'is not valid JSON (…)'
 * ```
 */
export function sampleFromJson(
  text: string,
  where: string,
  map?: (value: unknown) => Sample,
): Sample {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return malformedSample(where, text, `is not valid JSON (${(error as Error).message})`);
  }
  if (map !== undefined)
    return mapSample(
      where,
      () => map(value),
      () => text,
    );
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return malformedSample(where, text, 'is not a JSON object { x, y?, key?, id?, t? }');
  }
  const v = value as Record<string, unknown>;
  const known: { key?: string | number; id?: string | number; t?: number } = {};
  let problem: [field: string, value: unknown, problem: string] | undefined;
  for (const name of ['key', 'id'] as const) {
    const label = v[name];
    if (label === undefined) continue;
    if (typeof label === 'string' || (typeof label === 'number' && Number.isFinite(label))) {
      known[name] = label;
    } else {
      problem ??= [name, label, 'must be a string or a finite number'];
    }
  }
  if (v.t !== undefined) {
    const t = typeof v.t === 'number' ? v.t : typeof v.t === 'string' ? Date.parse(v.t) : NaN;
    if (Number.isFinite(t)) known.t = t;
    else problem ??= ['t', v.t, 'must be a finite number or a date text such as ISO 8601'];
  }
  if (!Array.isArray(v.x)) problem ??= ['x', v.x, 'must be an array of numbers'];
  const y = v.y;
  if (y !== undefined && typeof y !== 'number' && !Array.isArray(y)) {
    problem ??= ['y', y, 'must be a number or an array of numbers'];
  }
  if (problem !== undefined) {
    return malformedSample(`${where}: ${problem[0]}`, problem[1], problem[2], known);
  }
  const sample: { -readonly [K in keyof Sample]: Sample[K] } = { x: v.x as number[] };
  if (y !== undefined) sample.y = y as number | number[];
  return Object.assign(sample, known as KnownFields);
}
