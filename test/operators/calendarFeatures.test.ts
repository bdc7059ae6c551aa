// calendarFeatures: the hour of the day and the day of the week as sin/cos pairs.
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { calendarFeatures, type Sample } from '../../src/index.js';

function features(samples: Sample[], options = {}): number[][] {
  const out: number[][] = [];
  from(samples)
    .pipe(calendarFeatures(options))
    .subscribe((s) => out.push(Array.from(s.x)));
  return out;
}

describe('calendarFeatures', () => {
  it('appends sin/cos of the hour and of the weekday, in UTC shifted by offsetMinutes', () => {
    const monday6 = Date.UTC(2024, 0, 1, 6); // Monday 1 January 2024, 06:00 UTC
    const [x] = features([{ x: [20], y: 1, t: monday6 }]);
    expect(x[0]).toBe(20);
    expect(x[1]).toBeCloseTo(1, 12); // sin(2π · 6/24)
    expect(x[2]).toBeCloseTo(0, 12);
    // the same weekday a week later and the same hour a day later give the same features
    const [week] = features([{ x: [0], t: monday6 + 7 * 86_400_000 }]);
    expect(week.slice(1)).toEqual(x.slice(1).map((v) => expect.closeTo(v, 12)));
    const [day] = features([{ x: [0], t: monday6 + 86_400_000 }]);
    expect(day.slice(1, 3)).toEqual(x.slice(1, 3).map((v) => expect.closeTo(v, 12)));
    expect(day[3]).not.toBeCloseTo(x[3], 3);
    // 23:30 is next to 00:30, not at the other end
    const [late, early] = features([
      { x: [0], t: Date.UTC(2024, 0, 1, 23, 30) },
      { x: [0], t: Date.UTC(2024, 0, 2, 0, 30) },
    ]);
    expect(Math.hypot(late[1] - early[1], late[2] - early[2])).toBeLessThan(0.27);
    const [shifted] = features([{ x: [0], t: monday6 }], { offsetMinutes: 60, weekday: false });
    expect(shifted).toHaveLength(3);
    expect(shifted[1]).toBeCloseTo(Math.sin((2 * Math.PI * 7) / 24), 12);
  });

  it('gives zeros without t, keeps the length, and passes bad samples untouched', () => {
    expect(features([{ x: [1, 2] }])).toEqual([[1, 2, 0, 0, 0, 0]]);
    expect(features([{ x: [1] }], { hour: false, weekday: false })).toEqual([[1]]);
    const bad = { x: 'oops', y: 1 } as unknown as Sample;
    const out: unknown[] = [];
    from([bad, null as unknown as Sample])
      .pipe(calendarFeatures())
      .subscribe((s) => out.push(s));
    expect(out).toEqual([bad, null]);
  });

  it('checks its options at once', () => {
    expect(() => calendarFeatures({ hour: 1 as unknown as boolean })).toThrow(
      /^calendarFeatures: hour must be/,
    );
    expect(() => calendarFeatures({ offsetMinutes: Number.NaN })).toThrow(
      /^calendarFeatures: offsetMinutes must be/,
    );
  });
});
