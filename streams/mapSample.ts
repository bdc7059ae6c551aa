import { describeValue } from '../src/checks/describeValue.js';
import type { Sample } from '../src/samples/sample.js';
import { malformedSample } from './malformedSample.js';

/**
 * Runs a user's `map` for one item of a source: its sample, or — when `map` throws or returns
 * something that is not an object — a malformed sample naming `where` and showing `text()`
 * (only then computed), so that a bad item is counted downstream instead of breaking the feed.
 *
 * @example
 * ```ts
 * import { mapSample } from './mapSample.js';
 * const sample = mapSample('line 3', () => ({ x: [1, 2], y: 3 }), () => '1;2;3');
 * ```
 */
export function mapSample(where: string, map: () => Sample, text: () => unknown): Sample {
  let sample: Sample;
  try {
    sample = map();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return malformedSample(where, text(), `could not be mapped to a sample (${reason})`);
  }
  if (sample === null || typeof sample !== 'object') {
    return malformedSample(
      where,
      text(),
      `was mapped to ${describeValue(sample)}, not a sample { x, y? }`,
    );
  }
  return sample;
}
