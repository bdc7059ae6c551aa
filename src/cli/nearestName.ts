import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to what the user typed, for a "did you mean …?" hint: the one at the
 * smallest edit distance (case ignored; two neighbouring letters swapped count as one edit), if that distance is small against the length of the
 * name — at most 3 edits and at most half the candidate's length. `undefined` when nothing is
 * close: a hint to a name unrelated to the typing would mislead more than help.
 *
 * @example
 * ```ts
 * import { nearestName } from './nearestName.js';
 * nearestName('--layer', ['--layers', '--lr']); // '--layers'
 * nearestName('adma', ['sgd', 'adam']); // 'adam'
 * nearestName('foo', ['sgd', 'adam']); // undefined
 * ```
 */
export function nearestName(given: string, candidates: Iterable<string>): string | undefined {
  const typed = given.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const name = candidate.toLowerCase();
    const d = isSwap(typed, name) ? 1 : distance(typed, name);
    if (d < bestDistance && d <= 3 && d <= Math.max(1, candidate.length / 2)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * ` (did you mean X?)`-style hint text for {@link nearestName}: `'; did you mean --layers?'`, or
 * `''` when no candidate is close.
 *
 * @example
 * ```ts
 * import { didYouMean } from './nearestName.js';
 * `--layer: unknown option${didYouMean('--layer', ['--layers'])}`; // '--layer: unknown option; did you mean --layers?'
 * ```
 */
export function didYouMean(given: string, candidates: Iterable<string>): string {
  const near = nearestName(given, candidates);
  return near === undefined ? '' : `; did you mean ${near}?`;
}

/** Whether `a` is `b` with two neighbouring letters swapped (`cvs` for `csv`): one slip, not two. */
function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const i = [...a].findIndex((c, k) => c !== b[k]);
  return (
    i >= 0 &&
    i + 1 < a.length &&
    a[i] === b[i + 1] &&
    a[i + 1] === b[i] &&
    a.slice(i + 2) === b.slice(i + 2)
  );
}
