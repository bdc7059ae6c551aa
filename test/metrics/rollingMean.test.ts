import { describe, expect, it } from 'vitest';
import { RollingMean } from '../../src/metrics/rollingMean.js';

describe('RollingMean', () => {
  it('is NaN and not full before any value', () => {
    const r = new RollingMean(3);
    expect(r.mean).toBeNaN();
    expect(r.count).toBe(0);
    expect(r.full).toBe(false);
  });

  it('averages what it holds, then the last `size` values', () => {
    const r = new RollingMean(3);
    r.push(3);
    expect(r.mean).toBe(3);
    r.push(6);
    expect(r.mean).toBe(4.5); // (3 + 6)/2
    expect(r.full).toBe(false);
    r.push(9);
    expect(r.full).toBe(true);
    expect(r.mean).toBe(6); // (3 + 6 + 9)/3
    r.push(0);
    expect(r.mean).toBe(5); // (6 + 9 + 0)/3
    r.push(12);
    expect(r.mean).toBe(7); // (9 + 0 + 12)/3
    expect(r.count).toBe(3);
  });

  it('forgets an Infinity once it has left the window', () => {
    const r = new RollingMean(2);
    r.push(Number.POSITIVE_INFINITY);
    r.push(1);
    expect(r.mean).toBe(Number.POSITIVE_INFINITY);
    r.push(2);
    r.push(4);
    expect(r.mean).toBe(3); // (2 + 4)/2, the running sum recomputed when the ring wrapped
  });
});
