import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sineFeed } from '../../streams/index.js';

describe('sineFeed', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('turns the series into lagged forecasting samples', async () => {
    const samples = await firstValueFrom(
      sineFeed({ lags: 3, noise: 0, period: 4, limit: 3 }).pipe(toArray()),
    );
    // Noise-free readings sin(2πk/4) for k = 0, 1, 2, …: 0, 1, 0, -1, 0, 1 (to rounding).
    const round = (v: number): number => Math.round(v * 1e9) / 1e9 + 0;
    expect(samples.map((s) => [Array.from(s.x, round), round(s.y as number)])).toEqual([
      [[0, 1, 0], -1],
      [[1, 0, -1], 0],
      [[0, -1, 0], 1],
    ]);
    expect(samples.map((s) => s.id)).toEqual([0, 1, 2]);
  });

  it('is reproducible from its seed and differs across seeds', async () => {
    const read = (seed: number) => firstValueFrom(sineFeed({ seed, limit: 50 }).pipe(toArray()));
    const [a, b, c] = await Promise.all([read(5), read(5), read(6)]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('is infinite without a limit and stops when the subscriber does', async () => {
    const samples = await firstValueFrom(sineFeed().pipe(take(10_000), toArray()));
    expect(samples).toHaveLength(10_000);
    expect(samples.every((s) => s.x.length === 8 && Number.isFinite(s.y))).toBe(true);
  });

  it('paces itself at the given rate', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const subscription = sineFeed({ rate: 100 }).subscribe((s) => seen.push(s.t ?? -1));
    vi.advanceTimersByTime(1000);
    // 100 samples/s for one second: 100 samples, stamped 0, 10, 20, … ms.
    expect(seen.length).toBe(100);
    expect(seen.slice(0, 3)).toEqual([0, 10, 20]);
    subscription.unsubscribe();
    vi.advanceTimersByTime(1000);
    expect(seen.length).toBe(100);
  });

  it('completes at once with limit 0 and rejects bad options', async () => {
    expect(await firstValueFrom(sineFeed({ limit: 0 }).pipe(toArray()))).toEqual([]);
    expect(() => sineFeed({ lags: 0 })).toThrow(/lags must be a positive integer/);
    expect(() => sineFeed({ noise: -1 })).toThrow(/noise must be/);
    expect(() => sineFeed({ rate: Number.NaN })).toThrow(/rate must be/);
    expect(() => sineFeed({ period: 0 })).toThrow(/period must be/);
    expect(() => sineFeed({ seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => sineFeed({ limit: -1 })).toThrow(
      /limit must be an integer >= 0 or Infinity, got -1/,
    );
  });
});
