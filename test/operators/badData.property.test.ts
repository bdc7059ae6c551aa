// Property: for any interleaving of valid and invalid samples, training in live mode keeps the
// weights finite, rejects exactly the invalid samples, and learns from the valid ones exactly
// as if the invalid ones had never been there.
import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { dense, linear, mse, network, type Sample, sgd, tanh, train } from '../../src/index.js';

type Item = { x: unknown[]; y: unknown; valid: true } | { sample: unknown; valid: false };

const finite = fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true });
const valid = fc
  .record({ x: fc.tuple(finite, finite), y: finite })
  .map((s): Item => ({ ...s, valid: true }));
const invalid = fc
  .oneof(
    fc.constant({ x: [1] as unknown[], y: 1 }),
    fc.constant({ x: [1, 2, 3], y: 1 }),
    fc
      .constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
      .map((v) => ({ x: [v, 1], y: 1 })),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY).map((v) => ({ x: [1, 1], y: v })),
    fc.string().map((v) => ({ x: [v, 1], y: 1 })),
    fc.constant({ x: [1, 2] }),
    fc.constant({ x: [1, 2], y: [1, 2] }),
    fc.constant(null),
  )
  .map((s): Item => ({ sample: s, valid: false }));

function trainOn(samples: unknown[]): { params: Float64Array; seen: number; rejected: number } {
  const net = network({ inputs: 2, layers: [dense(4, tanh), dense(1, linear)], seed: 9 });
  let seen = 0;
  let rejected = 0;
  from(samples as Sample[])
    .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }), onInvalid: 'skip' }))
    .subscribe((step) => {
      seen++;
      if (step.rejection !== undefined) rejected++;
    });
  return { params: net.parameters, seen, rejected };
}

describe('bad data, as a property', () => {
  it('keeps weights finite, counts every invalid sample and learns the valid ones as if alone', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(valid, invalid), { maxLength: 60 }), (items: Item[]) => {
        const mixed = items.map((i) => (i.valid ? { x: i.x, y: i.y } : i.sample));
        const clean = items.filter((i) => i.valid).map((i) => ({ x: i.x, y: i.y }));
        const a = trainOn(mixed);
        const b = trainOn(clean);
        expect(a.params.every(Number.isFinite)).toBe(true);
        expect(a.rejected).toBe(items.filter((i) => !i.valid).length);
        expect(a.seen).toBe(items.length);
        expect(Array.from(a.params)).toEqual(Array.from(b.params));
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });
});
