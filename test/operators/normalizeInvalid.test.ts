// normalize and bad data: an invalid sample never touches the statistics and reaches forward as
// it came, so forward rejects it (or fails the stream) exactly as without normalize.
import fc from 'fast-check';
import { from, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  dense,
  forward,
  linear,
  mse,
  type NormalizedSample,
  network,
  normalize,
  runningScaler,
  type Sample,
  sgd,
  tanh,
  train,
} from '../../src/index.js';
import {
  BAD_SAMPLES,
  collect,
  errorOf,
  expectSampleError,
  netFor,
  samplesEndingWith,
} from './snapshot.js';

describe('normalize: invalid samples reach forward as they came', () => {
  for (const bad of BAD_SAMPLES) {
    for (const targets of [false, true]) {
      it(`${bad.name} (targets ${targets}): forward fails the stream as without normalize`, () => {
        const scaler = runningScaler({ targets });
        const out = collect(
          from(samplesEndingWith(bad)).pipe(normalize({ scaler }), forward(netFor(bad))),
        );
        expect(out.values).toHaveLength(2);
        expectSampleError(errorOf(out), 'forward', bad);
        expect(scaler.inputStats?.count).toBe(2); // the bad one taught nothing
        if (targets) expect(scaler.targetStats?.count).toBe(2);
      });

      it(`${bad.name} (targets ${targets}): with onInvalid 'skip' forward rejects it the same way`, () => {
        const rejectionOf = (samples: Sample[], withNormalize: boolean) =>
          collect(
            from(samples).pipe(
              withNormalize
                ? (s) => s.pipe(normalize({ targets }), forward(netFor(bad), { onInvalid: 'skip' }))
                : forward(netFor(bad), { onInvalid: 'skip' }),
              map((step) => step.rejection),
            ),
          ).values;
        const samples = [
          ...samplesEndingWith(bad),
          { x: [3, 4], y: bad.net === 'oneOutput' ? 2 : [2, 2] },
        ];
        const withIt = rejectionOf(samples, true);
        expect(withIt).toEqual(rejectionOf(samples, false));
        expect(withIt.map((r) => r === undefined)).toEqual([true, true, false, true]);
      });
    }
  }

  it('an x that can be scaled is scaled even when y is malformed; a malformed x passes untouched', () => {
    const seen: { x: ArrayLike<number>; scaled: boolean }[] = [];
    const badX = { x: [1, Number.NaN], y: 1 };
    from([{ x: [1, 2], y: 1 }, { x: [3, 4], y: Number.NaN }, badX])
      .pipe(normalize({ targets: true }))
      .subscribe((s: NormalizedSample) =>
        seen.push({ x: s.x, scaled: s.x instanceof Float64Array }),
      );
    expect(seen[1].scaled).toBe(true);
    expect(seen[2].x).toBe(badX.x);
    expect(seen[2].scaled).toBe(false);
  });

  it('a value that is not an object passes through as it is', () => {
    const out = collect(from([null, 7] as unknown as Sample[]).pipe(normalize()));
    expect(out.values).toEqual([null, 7]);
    expect(out.error).toBeUndefined();
  });

  it('with inputs given, a first sample of the wrong length cannot become the expected length', () => {
    const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
    const out = collect(
      from([
        { x: [1, 2, 3], y: 0 },
        { x: [1, 2], y: 0 },
        { x: [3, 4], y: 0 },
      ]).pipe(
        normalize({ inputs: net.inputs }),
        forward(net, { onInvalid: 'skip' }),
        map((step) => ({ rejected: step.rejection?.field, x: Array.from(step.trace.input) })),
      ),
    );
    expect(out.values.map((v) => v.rejected)).toEqual(['x.length', undefined, undefined]);
    expect(out.values[1].x).toEqual([0, 0]); // scaled: the first valid one is at the centre
    expect(out.values[2].x).toEqual([1, 1]); // (3 − 2)/1, (4 − 3)/1
  });
});

describe('normalize and bad data, as a property', () => {
  const finite = fc.double({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true });
  type Item = { sample: unknown; valid: boolean };
  const valid = fc
    .record({ x: fc.tuple(finite, finite), y: finite })
    .map((s): Item => ({ sample: s, valid: true }));
  const invalid = fc
    .oneof(
      fc.constant({ x: [1], y: 1 }),
      fc.constant({ x: [1, 2, 3], y: 1 }),
      fc
        .constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
        .map((v) => ({ x: [v, 1], y: 1 })),
      fc.constantFrom(Number.NaN, Number.NEGATIVE_INFINITY).map((v) => ({ x: [1, 1], y: v })),
      fc.string().map((v) => ({ x: [v, 1], y: 1 })),
      fc.constant({ x: [1, 2], y: [1, 2] }),
      fc.constant({ x: 'ab', y: 1 }),
      fc.constant(null),
    )
    .map((s): Item => ({ sample: s, valid: false }));

  function run(samples: unknown[]) {
    const net = network({ inputs: 2, layers: [dense(4, tanh), dense(1, linear)], seed: 9 });
    const scaler = runningScaler({ targets: true, inputs: 2, outputs: 1 });
    const outputs: number[] = [];
    from(samples as Sample[])
      .pipe(
        normalize({ scaler }),
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }), onInvalid: 'skip' }),
      )
      .subscribe((step) => {
        if (step.rejection === undefined) outputs.push(step.output[0], step.actual?.[0] ?? 0);
      });
    return { state: scaler.state(), params: Array.from(net.parameters), outputs };
  }

  it('the statistics, outputs and weights are those of the valid samples alone', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(valid, invalid), { maxLength: 40 }), (items: Item[]) => {
        const mixed = run(items.map((i) => i.sample));
        const clean = run(items.filter((i) => i.valid).map((i) => i.sample));
        expect(mixed).toEqual(clean);
        expect(mixed.state.inputStats?.count).toBe(items.filter((i) => i.valid).length);
        expect(mixed.params.every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
