// detectSeason: the period by the autocorrelation's highest peak.
import { describe, expect, it } from 'vitest';
import { detectSeason, rng } from '../../src/index.js';

describe('detectSeason', () => {
  it('finds 24 on hourly readings, 7 on daily ones, none in noise', () => {
    const random = rng(2);
    const hourly = Array.from(
      { length: 24 * 20 },
      (_, h) => 15 + 5 * Math.sin((2 * Math.PI * h) / 24) + random.normal(),
    );
    const found = detectSeason(hourly, { maxPeriod: 30 });
    expect(found.period).toBe(24);
    expect(found.strength).toBeGreaterThan(0.8);
    expect(found.autocorrelation[0]).toBe(1);
    expect(found.autocorrelation).toHaveLength(31);
    const daily = Array.from({ length: 300 }, (_, d) => (d % 7 >= 5 ? 80 : 100) + random.normal());
    expect(detectSeason(daily, { maxPeriod: 14 }).period).toBe(7);
    const noise = Array.from({ length: 500 }, () => random.normal());
    const none = detectSeason(noise, { maxPeriod: 20 });
    expect(none.period).toBeUndefined();
    expect(Number.isNaN(none.strength)).toBe(true);
    expect(detectSeason([1, 1, 1, 1, 1, 1]).period).toBeUndefined(); // constant: no spread
  });

  it('refuses what is not a series of finite numbers, and a wrong option', () => {
    expect(() => detectSeason('abc' as never)).toThrow(TypeError);
    expect(() => detectSeason([1, Number.NaN, 2])).toThrow(
      'detectSeason: values[1] must be a finite number, got NaN',
    );
    expect(() => detectSeason([1, 2, 3], { maxPeriod: 0 })).toThrow(
      /^detectSeason: maxPeriod must be a positive integer/,
    );
  });
});
