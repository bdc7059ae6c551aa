import type { Sample } from '../samples/sample.js';
import { LITTLE_ENDIAN } from './float64Base64.js';
import { InternedTexts } from './internedTexts.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/**
 * The value of each byte as the first, second, third and fourth character of a base64 group,
 * already shifted into place in the group's 24 bits; -1 (every bit set) for a byte that is not
 * base64, so that one OR of the four says whether the group is sound.
 */
const FIRST = new Int32Array(256).fill(-1);
const SECOND = new Int32Array(256).fill(-1);
const THIRD = new Int32Array(256).fill(-1);
const FOURTH = new Int32Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  const code = ALPHABET.charCodeAt(i);
  FIRST[code] = i << 18;
  SECOND[code] = i << 12;
  THIRD[code] = i << 6;
  FOURTH[code] = i;
}
const TILDE = 126;
const COMMA = 44;
const EQUALS = 61;
const N = 110;
const S = 115;

/** Scratch space the floats are decoded into, grown when a record holds more. */
let scratch = new Uint8Array(256);
let floats = new Float64Array(scratch.buffer);
/** Keys recur: each is read as one string, kept (no string is made per record). */
const keys = new InternedTexts();

/** The count of characters base64 writes for `n` bytes. */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

/**
 * @internal The sample the compact record (see `compactRecord`) in `bytes` from `start` to `end`
 * (excluded, UTF-8) holds, or `undefined` when those bytes are not a sound one (then
 * `sampleOfCompactRecord` of their text says which part is at fault, from `compactRecordSchema`,
 * which refuses exactly what this refuses). It reads the bytes in place: the only objects it
 * makes are the sample, its `x` (and an array `y`) and, for a text `id`, that text — a text
 * `key` read before is the same string again.
 */
export function sampleOfCompactBytes(
  bytes: Buffer,
  start: number,
  end: number,
): Sample | undefined {
  if (end - start < 6 || bytes[start] !== TILDE) return undefined;
  // nx
  let at = start + 1;
  let nx = 0;
  for (; at < end && bytes[at] !== COMMA; at++) {
    const d = bytes[at] - 48;
    if (d < 0 || d > 9 || at - start > 7) return undefined;
    nx = nx * 10 + d;
  }
  if (at === start + 1 || at >= end) return undefined;
  // ny: empty, 'n' or a count
  const c0 = at++;
  let ny = 0;
  let scalar = false;
  if (at + 1 < end && bytes[at] === N && bytes[at + 1] === COMMA) {
    scalar = true;
    ny = 1;
    at++;
  } else {
    for (; at < end && bytes[at] !== COMMA; at++) {
      const d = bytes[at] - 48;
      if (d < 0 || d > 9 || at - c0 > 7) return undefined;
      ny = ny * 10 + d;
    }
  }
  if (at >= end) return undefined;
  const c1 = at++;
  // t
  for (; at < end && bytes[at] !== COMMA; at++);
  if (at >= end) return undefined;
  const c2 = at++;
  let t: number | undefined;
  if (c2 > c1 + 1) {
    t = finiteAt(bytes, c1 + 1, c2);
    if (t === undefined) return undefined;
  }
  // id
  for (; at < end && bytes[at] !== COMMA; at++);
  if (at >= end) return undefined;
  const c3 = at;
  const id = labelAt(bytes, c2 + 1, c3, false);
  if (id === null) return undefined;
  // floats: as many characters as the counts say, then the key
  const n = (nx + ny) * 8;
  const c4 = c3 + 1 + base64Length(n);
  if (c4 >= end || bytes[c4] !== COMMA) return undefined;
  const key = labelAt(bytes, c4 + 1, end, true);
  if (key === null || !base64Into(bytes, c3 + 1, c4, n)) return undefined;
  if (!LITTLE_ENDIAN) {
    const view = new DataView(scratch.buffer);
    for (let i = 0; i < n; i += 8) floats[i / 8] = view.getFloat64(i, true);
  }
  const x = new Float64Array(nx);
  for (let i = 0; i < nx; i++) x[i] = floats[i];
  const y = scalar ? floats[nx] : c1 > c0 + 1 ? floats.slice(nx, nx + ny) : undefined;
  // The usual shapes as one literal each (a property added later costs an allocation).
  if (y !== undefined && key !== undefined && t !== undefined) {
    return id === undefined ? { x, y, key, t } : { x, y, key, id, t };
  }
  const sample: { -readonly [K in keyof Sample]: Sample[K] } = { x };
  if (y !== undefined) sample.y = y;
  if (key !== undefined) sample.key = key;
  if (id !== undefined) sample.id = id;
  if (t !== undefined) sample.t = t;
  return sample;
}

/**
 * Decodes the base64 of `bytes` from `start` to `end` (a whole number of groups, padding only at
 * the end) into `scratch`, at least `n` bytes; whether it was sound base64.
 */
function base64Into(bytes: Buffer, start: number, end: number, n: number): boolean {
  if (scratch.length < n + 3) {
    scratch = new Uint8Array(Math.max(n + 3, scratch.length * 2) + 8);
    floats = new Float64Array(scratch.buffer, 0, Math.floor(scratch.length / 8));
  }
  const into = scratch;
  let out = 0;
  const last = end - 4; // padding only in the last group
  for (let i = start; i < last; i += 4) {
    const v = FIRST[bytes[i]] | SECOND[bytes[i + 1]] | THIRD[bytes[i + 2]] | FOURTH[bytes[i + 3]];
    if (v < 0) return false;
    into[out] = v >> 16;
    into[out + 1] = v >> 8;
    into[out + 2] = v;
    out += 3;
  }
  if (last < start) return true; // no numbers
  const c = bytes[last + 2];
  const d = bytes[last + 3];
  // '=' may end the group: 'xy==' or 'xyz=' (never '=' then a character)
  const third = c === EQUALS ? (d === EQUALS ? 0 : -1) : THIRD[c];
  const fourth = d === EQUALS ? 0 : FOURTH[d];
  const v = FIRST[bytes[last]] | SECOND[bytes[last + 1]] | third | fourth;
  if (v < 0) return false;
  into[out] = v >> 16;
  into[out + 1] = v >> 8;
  into[out + 2] = v;
  return true;
}

/**
 * The finite number `Number` reads in the text of `bytes` from `start` to `end` (not empty):
 * up to 15 plain digits are read in place; `undefined` when it is not a finite number.
 */
function finiteAt(bytes: Buffer, start: number, end: number): number | undefined {
  if (end - start <= 15) {
    let v = 0;
    let i = start;
    for (; i < end; i++) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === end) return v;
  }
  const v = Number(bytes.toString('utf8', start, end));
  return Number.isFinite(v) ? v : undefined;
}

/**
 * A label part (`''`, `n<number>`, `s<text>`) of `bytes` from `start` to `end`: `undefined` for
 * none, `null` when it is not one. `interned`: its text is a key, read through the cache.
 */
function labelAt(
  bytes: Buffer,
  start: number,
  end: number,
  interned: boolean,
): string | number | undefined | null {
  if (end === start) return undefined;
  const tag = bytes[start];
  if (tag === S) {
    return interned ? keys.text(bytes, start + 1, end) : bytes.toString('utf8', start + 1, end);
  }
  if (tag !== N || end === start + 1) return null;
  return finiteAt(bytes, start + 1, end) ?? null;
}
