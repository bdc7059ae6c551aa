// onInvalid: 'skip' — the live mode: invalid samples become rejected steps that never reach
// the weights, and learning goes on.
import { firstValueFrom, from, map, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  backward,
  dense,
  forward,
  linear,
  loss,
  mse,
  network,
  REJECTION_REASONS,
  type Sample,
  SampleError,
  type Step,
  sgd,
  train,
  update,
} from '../../src/index.js';

const net2 = () => network({ inputs: 2, layers: [dense(3, linear), dense(1, linear)], seed: 4 });

interface Seen {
  seq: number;
  reason: string | undefined;
  field: string | undefined;
  learn: boolean;
  updated: boolean;
  prediction: number;
  loss: number;
  events: string[];
}

const seen = (s: Step): Seen => ({
  seq: s.seq,
  reason: s.rejection?.reason,
  field: s.rejection?.field,
  learn: s.learn,
  updated: s.updated,
  prediction: s.prediction[0],
  loss: s.loss,
  events: s.events.map((e) => `${e.type}@${e.seq}`),
});

const bad: [string, unknown, string, string][] = [
  ['x too short', { x: [1], y: 1 }, 'length', 'x.length'],
  ['x with NaN', { x: [1, Number.NaN], y: 1 }, 'nonFinite', 'x[1]'],
  ['x with Infinity', { x: [Number.POSITIVE_INFINITY, 1], y: 1 }, 'nonFinite', 'x[0]'],
  ['x with a string', { x: [1, '2'], y: 1 }, 'notNumber', 'x[1]'],
  ['y NaN', { x: [1, 2], y: Number.NaN }, 'nonFinite', 'y'],
  ['x beyond ±1e145', { x: [1, 1e200], y: 1 }, 'outOfRange', 'x[1]'],
  ['y beyond ±1e145', { x: [1, 2], y: -Number.MAX_VALUE }, 'outOfRange', 'y'],
  ['y missing', { x: [1, 2] }, 'missingTarget', 'y'],
  ['not an object', null, 'notObject', 'sample'],
  ['x missing', { y: 1 }, 'notNumber', 'x'],
  [
    'marked malformed by its source',
    {
      x: [1, 2],
      y: 1,
      malformed: { field: 'line 3', value: '{"x":', problem: 'is not valid JSON' },
    },
    'malformed',
    'line 3',
  ],
  [
    'passed over by its source as too large',
    {
      x: [],
      malformed: { field: 'line 4', value: '{"x":[1,', problem: 'is too long', reason: 'tooLarge' },
    },
    'tooLarge',
    'line 4',
  ],
];

describe("train with onInvalid: 'skip'", () => {
  it('the cases below give every rejection reason there is', () => {
    expect(new Set(bad.map(([, , reason]) => reason))).toEqual(new Set(REJECTION_REASONS));
  });

  for (const [name, sample, reason, field] of bad) {
    it(`rejects ${name} as ${reason} at ${field}, and learns from the samples around it`, async () => {
      const net = net2();
      const samples = [{ x: [1, 2], y: 3 }, sample as Sample, { x: [2, 1], y: 0 }];
      const steps = await firstValueFrom(
        from(samples).pipe(
          train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }), onInvalid: 'skip' }),
          map(seen),
          toArray(),
        ),
      );
      expect(steps.map((s) => s.seq)).toEqual([0, 1, 2]);
      expect(steps[1]).toMatchObject({ reason, field, learn: false, updated: false });
      expect(steps[1].prediction).toBeNaN();
      expect(steps[1].loss).toBeNaN();
      expect(steps[1].events).toEqual(['rejected@1']);
      expect(steps[0]).toMatchObject({ reason: undefined, learn: true, updated: true, events: [] });
      expect(steps[2]).toMatchObject({ reason: undefined, learn: true, updated: true, events: [] });
    });
  }

  it('gives the rejection a message naming the operator, seq, field and value', async () => {
    const net = net2();
    const step = await firstValueFrom(
      of({ x: [1, Number.NaN], y: 1 }).pipe(
        forward(net, { onInvalid: 'skip' }),
        map((s) => s.rejection),
      ),
    );
    expect(step?.message).toBe('forward: sample 0: x[1] must be a finite number, got NaN');
    expect(step?.value).toBeNaN();
  });

  it('a rejected sample leaves the weights untouched, even with batches', async () => {
    const net = net2();
    const before = Array.from(net.parameters);
    await firstValueFrom(
      of({ x: [1, 2, 3], y: 1 }, { x: [1, 2] }, { x: [1, 2], y: Number.NaN }).pipe(
        train(net, {
          loss: mse(),
          optimizer: sgd({ learningRate: 0.5 }),
          onInvalid: 'skip',
          batchSize: 2,
        }),
        toArray(),
      ),
    );
    expect(Array.from(net.parameters)).toEqual(before);
  });

  it('keeps the strict default: without onInvalid the stream errors', async () => {
    const net = net2();
    await expect(
      firstValueFrom(
        of({ x: [1, 2], y: 1 }, { x: [1] }).pipe(
          train(net, { loss: mse(), optimizer: sgd() }),
          toArray(),
        ),
      ),
    ).rejects.toBeInstanceOf(SampleError);
  });

  it('rejects a bad onInvalid value at once', () => {
    const net = net2();
    expect(() => forward(net, { onInvalid: 'drop' as 'skip' })).toThrow(
      /forward: onInvalid must be 'skip' or 'error', got "drop"/,
    );
    expect(() => loss(mse(), { onInvalid: 1 as unknown as 'skip' })).toThrow(/loss: onInvalid/);
  });

  it('loss alone in skip mode turns a missing target into a rejection', async () => {
    const net = net2();
    const steps = await firstValueFrom(
      of({ x: [1, 2] }, { x: [1, 2], y: 2 }).pipe(
        forward(net),
        loss(mse(), { onInvalid: 'skip' }),
        backward(net),
        update(net, sgd()),
        map(seen),
        toArray(),
      ),
    );
    expect(steps.map((s) => [s.reason, s.learn, s.updated])).toEqual([
      ['missingTarget', false, false],
      [undefined, true, true],
    ]);
  });

  it('events are emptied for every new sample', async () => {
    const net = net2();
    const steps = await firstValueFrom(
      of({ x: [Number.NaN, 1], y: 1 }, { x: [1, 1], y: 1 }).pipe(
        forward(net, { onInvalid: 'skip' }),
        map(seen),
        toArray(),
      ),
    );
    expect(steps.map((s) => s.events)).toEqual([['rejected@0'], []]);
  });
});
