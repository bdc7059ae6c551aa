/**
 * @internal Waits `ms` milliseconds, or less: `setWake` receives the function that ends the wait
 * at once (a stopping worker calls it so that it need not sit out its pause).
 *
 * @example
 * ```ts
 * let wake = (): void => {};
 * const waiting = wakeableDelay(60_000, (w) => { wake = w; });
 * wake(); // resolves now, not in a minute
 * await waiting;
 * ```
 */
export function wakeableDelay(ms: number, setWake: (wake: () => void) => void): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      resolve();
    }
    setWake(done);
  });
}
