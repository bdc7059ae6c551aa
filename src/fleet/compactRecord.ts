import { z } from 'zod';
import { malformedSample } from '../../streams/malformedSample.js';
import { documentPath } from '../checks/parseDocument.js';
import type { Sample } from '../samples/sample.js';

/**
 * The parts of a compact sample record (see {@link compactRecord}), as its text holds them after
 * the leading `~`, split at its first five commas: what each part must be.
 */
export const compactRecordSchema = z
  .object({
    /** How many numbers `x` has. */
    nx: z.string().regex(/^\d{1,7}$/, 'must be a count of numbers'),
    /** No `y` (empty), a number `y` (`n`), or how many numbers the array `y` has. */
    ny: z.string().regex(/^(|n|\d{1,7})$/, "must be empty, 'n' or a count of numbers"),
    /** The sample's time, a finite number, or empty for none. */
    t: z.string().refine((t) => t === '' || Number.isFinite(Number(t)), 'must be a finite number'),
    /** No `id` (empty), `n` and a finite number, or `s` and a text without commas. */
    id: z
      .string()
      .refine(
        (id) =>
          id === '' || id[0] === 's' || (id[0] === 'n' && Number.isFinite(Number(id.slice(1)))),
        "must be empty, 'n' and a finite number, or 's' and a text",
      ),
    /** The numbers of `x` then `y`, each a float64 in little-endian order, in base64. */
    floats: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
    /** No `key` (empty), `n` and a finite number, or `s` and any text (the rest of the record). */
    key: z
      .string()
      .refine(
        (k) => k === '' || k[0] === 's' || (k[0] === 'n' && Number.isFinite(Number(k.slice(1)))),
        "must be empty, 'n' and a finite number, or 's' and a text",
      ),
  })
  .superRefine((parts, context) => {
    const count =
      Number(parts.nx) + (parts.ny === '' ? 0 : parts.ny === 'n' ? 1 : Number(parts.ny));
    if (parts.floats.length !== base64Length(count * 8)) {
      context.addIssue({
        code: 'custom',
        path: ['floats'],
        message: `must hold ${count} float64 numbers in ${base64Length(count * 8)} base64 characters`,
      });
    }
  });

/** The parts of a compact record, as {@link compactRecordSchema} describes them. */
export type CompactRecordParts = z.infer<typeof compactRecordSchema>;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** The value of each base64 character by its code, -1 for any other character. */
const SEXTETS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTETS[ALPHABET.charCodeAt(i)] = i;
const TILDE = 126;
const EQUALS = 61;

/** Whether this machine stores float64 little-endian, as the records do (x86, ARM). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
/** Scratch space the floats are decoded into, grown when a record holds more. */
let bytes = new Uint8Array(256);
let floats = new Float64Array(bytes.buffer);

function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

function finiteNumbers(values: unknown): values is ArrayLike<number> {
  if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView))) {
    return false;
  }
  const list = values as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return true;
}

const label = (value: unknown): boolean =>
  value === undefined ||
  typeof value === 'string' ||
  (typeof value === 'number' && Number.isFinite(value));

/**
 * The compact text of a sample, or `undefined` when the sample cannot have one (then
 * `sampleRecord` writes its JSON). A compact record is the text
 * `~<nx>,<ny>,<t>,<id>,<floats>,<key>`: `nx` the count of numbers in `x`; `ny` empty (no `y`),
 * `n` (a number) or the count of numbers in the array `y`; `t` the time or empty; `id` empty,
 * `n<number>` or `s<text>`; `floats` the numbers of `x` then `y` as float64, little-endian, in
 * base64; `key` empty, `n<number>` or `s<text>`, last so that it may hold any character
 * ({@link compactRecordSchema} describes each part). A sample has one when its `x` and `y` hold
 * finite numbers only, its `key`, `id` and `t` are absent, texts or finite numbers, and its `id`,
 * if a text, has no comma. Every number comes back bit for bit, and decoding it costs no number
 * parsing: a fleet's workers read several times faster than from JSON.
 *
 * @example
 * ```ts
 * import { compactRecord } from 'streamprop/fleet';
 * compactRecord({ x: [1], y: 2, key: 'a' }); // '~1,n,,,AAAAAAAA8D8AAAAAAAAAQA==,sa'
 * compactRecord({ x: [Number.NaN] }); // undefined: JSON says what the learner rejects
 * ```
 */
export function compactRecord(sample: Sample): string | undefined {
  const { x, y, key, id, t } = sample;
  if (sample.malformed !== undefined || !finiteNumbers(x)) return undefined;
  if (y !== undefined && !(typeof y === 'number' && Number.isFinite(y)) && !finiteNumbers(y)) {
    return undefined;
  }
  if (!label(key) || !label(id) || (typeof id === 'string' && id.includes(','))) return undefined;
  if (t !== undefined && !(typeof t === 'number' && Number.isFinite(t))) return undefined;
  const ny = y === undefined ? 0 : typeof y === 'number' ? 1 : y.length;
  const values = new Float64Array(x.length + ny);
  for (let i = 0; i < x.length; i++) values[i] = x[i];
  if (typeof y === 'number') values[x.length] = y;
  else if (y !== undefined) for (let i = 0; i < ny; i++) values[x.length + i] = y[i];
  const nyText = y === undefined ? '' : typeof y === 'number' ? 'n' : String(ny);
  const tag = (v: string | number | undefined) =>
    v === undefined ? '' : typeof v === 'number' ? `n${v}` : `s${v}`;
  if (!LITTLE_ENDIAN) {
    const view = new DataView(values.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  }
  const base64 = Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString(
    'base64',
  );
  return `~${x.length},${nyText},${t === undefined ? '' : t},${tag(id)},${base64},${tag(key)}`;
}

/** Whether `body` is a compact record (it starts with `~`). */
export function isCompactRecord(body: string): boolean {
  return body.charCodeAt(0) === TILDE;
}

/**
 * The sample a compact record holds (see {@link compactRecord}); a text that is not one gives a
 * malformed sample naming `where` and the part at fault, from {@link compactRecordSchema}.
 *
 * @example
 * ```ts
 * import { sampleOfCompactRecord } from 'streamprop/fleet';
 * sampleOfCompactRecord('~1,n,,,AAAAAAAA8D8AAAAAAAAAQA==,sa', 'entry 1'); // { x: Float64Array [1], y: 2, key: 'a' }
 * ```
 */
export function sampleOfCompactRecord(body: string, where: string | (() => string)): Sample {
  const sample = decode(body);
  if (sample !== undefined) return sample;
  const place = typeof where === 'string' ? where : where();
  const cut = [0, 0, 0, 0, 0];
  let at = 0;
  for (let i = 0; i < 5 && at >= 0; i++) {
    at = body.indexOf(',', at + 1);
    cut[i] = at;
  }
  if (body.charCodeAt(0) !== TILDE || at < 0) {
    return malformedSample(
      place,
      body,
      'is not a compact sample record: it has fewer than 6 parts',
    );
  }
  const parts = {
    nx: body.slice(1, cut[0]),
    ny: body.slice(cut[0] + 1, cut[1]),
    t: body.slice(cut[1] + 1, cut[2]),
    id: body.slice(cut[2] + 1, cut[3]),
    floats: body.slice(cut[3] + 1, cut[4]),
    key: body.slice(cut[4] + 1),
  };
  const parsed = compactRecordSchema.safeParse(parts);
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  return malformedSample(
    place,
    body,
    `is not a compact sample record${issue === undefined ? '' : `: ${documentPath(issue.path)}: ${issue.message}`}`,
  );
}

/**
 * A plain decimal integer of `body` from `start` to `end` of at most `most` digits (≤ 15, so
 * exact), read without a slice; -1 when the text is anything else.
 */
function digitsAt(body: string, start: number, end: number, most: number): number {
  if (end <= start || end - start > most) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = body.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The finite number `Number` reads in `body` from `start` to `end` (not empty): digits alone
 * are read in place; `undefined` when it is not a finite number.
 */
function finiteAt(body: string, start: number, end: number): number | undefined {
  const n = digitsAt(body, start, end, 15); // else `Number` reads it
  if (n >= 0) return n;
  const v = Number(body.slice(start, end));
  return Number.isFinite(v) ? v : undefined;
}

/**
 * A label part of `body` from `start` to `end` (`''`, `n<number>`, `s<text>`): `undefined` for
 * none, `null` when it is not one.
 */
function labelAt(body: string, start: number, end: number): string | number | undefined | null {
  if (end === start) return undefined;
  const tag = body.charCodeAt(start);
  if (tag === 115) return body.slice(start + 1, end); // 's'
  if (tag !== 110 || end === start + 1) return null; // 'n'
  return finiteAt(body, start + 1, end) ?? null;
}

/** The fast path: the sample, or `undefined` when anything is off (the schema then says what). */
function decode(body: string): Sample | undefined {
  if (body.charCodeAt(0) !== TILDE) return undefined;
  const c0 = body.indexOf(',', 1);
  const c1 = c0 < 0 ? -1 : body.indexOf(',', c0 + 1);
  const c2 = c1 < 0 ? -1 : body.indexOf(',', c1 + 1);
  const c3 = c2 < 0 ? -1 : body.indexOf(',', c2 + 1);
  const c4 = c3 < 0 ? -1 : body.indexOf(',', c3 + 1);
  if (c4 < 0) return undefined;
  const nx = digitsAt(body, 1, c0, 7);
  if (nx < 0) return undefined;
  let ny = 0;
  const scalar = c1 - c0 === 2 && body.charCodeAt(c0 + 1) === 110; // 'n'
  if (scalar) ny = 1;
  else if (c1 > c0 + 1) {
    ny = digitsAt(body, c0 + 1, c1, 7);
    if (ny < 0) return undefined;
  }
  let t: number | undefined;
  if (c2 > c1 + 1) {
    t = finiteAt(body, c1 + 1, c2);
    if (t === undefined) return undefined;
  }
  const id = labelAt(body, c2 + 1, c3);
  const key = labelAt(body, c4 + 1, body.length);
  if (id === null || key === null) return undefined;
  const n = (nx + ny) * 8;
  if (c4 - c3 - 1 !== base64Length(n)) return undefined;
  if (bytes.length < n + 3) {
    bytes = new Uint8Array(Math.max(n + 3, bytes.length * 2) + 8);
    floats = new Float64Array(bytes.buffer, 0, Math.floor(bytes.length / 8));
  }
  const into = bytes;
  const table = SEXTETS;
  let out = 0;
  const lastGroup = c4 - 4; // padding only in the last group
  for (let i = c3 + 1; i < lastGroup; i += 4) {
    const ca = body.charCodeAt(i);
    const cb = body.charCodeAt(i + 1);
    const cc = body.charCodeAt(i + 2);
    const cd = body.charCodeAt(i + 3);
    if ((ca | cb | cc | cd) > 127) return undefined;
    const a = table[ca];
    const b = table[cb];
    const c = table[cc];
    const d = table[cd];
    if ((a | b | c | d) < 0) return undefined;
    into[out++] = (a << 2) | (b >> 4);
    into[out++] = ((b & 15) << 4) | (c >> 2);
    into[out++] = ((c & 3) << 6) | d;
  }
  if (lastGroup > c3) {
    const i = lastGroup;
    const a = sextet(table, body, i);
    const b = sextet(table, body, i + 1);
    const c = body.charCodeAt(i + 2) === EQUALS ? 0 : sextet(table, body, i + 2);
    const d = body.charCodeAt(i + 3) === EQUALS ? 0 : sextet(table, body, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    into[out++] = (a << 2) | (b >> 4);
    into[out++] = ((b & 15) << 4) | (c >> 2);
    into[out++] = ((c & 3) << 6) | d;
  }
  if (!LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i += 8) floats[i / 8] = view.getFloat64(i, true);
  }
  const x = new Float64Array(nx);
  for (let i = 0; i < nx; i++) x[i] = floats[i];
  const sample: { -readonly [K in keyof Sample]: Sample[K] } = { x };
  if (scalar) sample.y = floats[nx];
  else if (ny > 0 || c1 > c0 + 1) sample.y = floats.slice(nx, nx + ny);
  if (key !== undefined) sample.key = key;
  if (id !== undefined) sample.id = id;
  if (t !== undefined) sample.t = t;
  return sample;
}

function sextet(table: Int8Array, body: string, i: number): number {
  const code = body.charCodeAt(i);
  return code < 128 ? table[code] : -1;
}
