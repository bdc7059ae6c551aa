import { describe, expect, it } from 'vitest';
import { sensorFeed } from '../../streams/sensorFeed.js';
import { valve } from '../../streams/valve.js';
import { until } from '../polling.js';

/** After every microtask queued so far has run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('valve', () => {
  it('runs what waits for it once it opens, each once, unless cancelled', async () => {
    const v = valve();
    expect(v.isOpen).toBe(true);
    const calls: string[] = [];
    v.close();
    v.whenOpen(() => calls.push('a'));
    const cancel = v.whenOpen(() => calls.push('b'));
    cancel();
    await settled();
    expect(calls).toEqual([]);
    v.open();
    v.open();
    await settled();
    expect(calls).toEqual(['a']);
    v.whenOpen(() => calls.push('c')); // open: at once (in a microtask)
    await until(() => calls.length === 2, 'the second callback ran');
  });

  it('stops a paced feed while closed; it goes on when opened', async () => {
    const v = valve();
    const seen: number[] = [];
    v.close();
    const subscription = sensorFeed({ rate: 1000, valve: v }).subscribe((s) => seen.push(s.id));
    // The same feed without a valve, as the clock: it emits meanwhile, the closed one not.
    let clock = 0;
    const reference = sensorFeed({ rate: 1000 }).subscribe(() => clock++);
    await until(() => clock >= 50, 'the open feed emitted 50 samples');
    reference.unsubscribe();
    expect(seen).toEqual([]);
    v.open();
    await until(() => seen.length >= 20, 'the feed went on');
    subscription.unsubscribe();
    expect(seen.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
