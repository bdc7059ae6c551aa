import { describe, expect, it } from 'vitest';
import { restoreRng, rng, rngState } from '../../src/core/rng.js';

describe('rngState / restoreRng', () => {
  it('a restored generator draws what the original draws next, spare normal included', () => {
    const a = rng(21);
    a.next();
    a.normal(); // leaves a spare normal
    const b = rng(5);
    restoreRng(b, rngState(a));
    expect(rngState(b)).toEqual(rngState(a));
    const draws = (r: typeof a) => [r.normal(), r.next(), r.normal(), r.normal(), r.next()];
    expect(draws(b)).toEqual(draws(a));
  });

  it('records no spare when there is none, and refuses a generator not made by rng', () => {
    expect(rngState(rng(1)).spare).toBeNull();
    const own = { next: () => 0.5, normal: () => 0 };
    expect(() => rngState(own)).toThrow(
      /^rng: random must be a generator made by rng\(seed\), got/,
    );
  });
});
