import { argumentError } from '../checks/argumentChecks.js';

/**
 * A position in one shard's log: the offset of an entry, `"<milliseconds>-<sequence>"` as Redis
 * Streams number their entries (`1763840000123-0`). Offsets of one shard grow with every
 * append; compare them with {@link compareOffsets}, never as strings.
 *
 * @example
 * ```ts
 * import { type Offset, START_OFFSET } from 'streamprop/fleet';
 * const before: Offset = START_OFFSET; // '0-0': before the first entry
 * ```
 */
export type Offset = string;

/** The offset before every entry: reading after it reads a shard from its start. */
export const START_OFFSET: Offset = '0-0';

const FORM = /^(\d{1,16})-(\d{1,16})$/;

/**
 * Whether `text` is an offset (`"<milliseconds>-<sequence>"`, two integers).
 *
 * @example
 * ```ts
 * import { isOffset } from 'streamprop/fleet';
 * isOffset('1763840000123-0'); // true
 * isOffset('12'); // false
 * ```
 */
export function isOffset(text: unknown): text is Offset {
  return typeof text === 'string' && FORM.test(text);
}

/**
 * Orders two offsets of one shard: negative when `a` comes first, 0 when equal, positive when
 * `a` comes after `b`.
 *
 * @throws RangeError when either is not an offset.
 *
 * @example
 * ```ts
 * import { compareOffsets } from 'streamprop/fleet';
 * compareOffsets('9-0', '10-0'); // < 0 (as strings, '9-0' would sort last)
 * ```
 */
export function compareOffsets(a: Offset, b: Offset): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am !== bm ? am - bm : as - bs;
}

/**
 * The offset of the first entry appended at or after time `ms` (milliseconds since the epoch),
 * for reading a shard from a moment on.
 *
 * @example
 * ```ts
 * import { offsetAt } from 'streamprop/fleet';
 * offsetAt(Date.parse('2026-01-01T00:00:00Z')); // '1767225600000-0'
 * ```
 */
export function offsetAt(ms: number): Offset {
  return `${Math.max(0, Math.floor(ms))}-0`;
}

function parts(offset: Offset): [number, number] {
  const match = typeof offset === 'string' ? FORM.exec(offset) : null;
  if (match === null) {
    throw argumentError(
      'compareOffsets',
      'an offset',
      '"<milliseconds>-<sequence>"',
      offset,
      'string',
    );
  }
  return [Number(match[1]), Number(match[2])];
}
