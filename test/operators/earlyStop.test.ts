// earlyStop: the goal rule, the validation rule on held-out samples, and that held-out samples
// are never learned from. Most tests script the loss: with the identity network below and the
// loss `L = prediction`, the sample { x: [L], y: 0 } has loss exactly L.
import { filter, from, map, type Observable, type OperatorFunction, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  backward,
  dense,
  type EarlyStopOptions,
  earlyStop,
  forward,
  type Loss,
  linear,
  loss,
  mse,
  type Network,
  network,
  rollingMetrics,
  type Sample,
  type Step,
  type StepEvent,
  sgd,
  train,
  update,
} from '../../src/index.js';
import { collect, copyNet, errorOf, tanhNet, tanhSamples, testScheduler } from './snapshot.js';

/** A 1 → 1 linear network that predicts its input exactly. */
function identityNet(): Network {
  const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });
  net.layers[0].weights.set([1]);
  net.layers[0].biases.set([0]);
  return net;
}

/** The loss is the prediction itself; its gradient is 0, so nothing is ever learned. */
const scripted: Loss = {
  name: 'mse',
  value: (p) => p[0],
  gradient: (_p, _t, out) => out.fill(0),
  outputDelta: () => false,
};

const lossOf = (l: number): Sample => ({ x: [l], y: 0 });

/** What a test keeps of a step: its seq, whether it is learned, and a copy of its events. */
interface Kept {
  seq: number;
  learn: boolean;
  events: StepEvent[];
}
const keep = (s: Step): Kept => ({ seq: s.seq, learn: s.learn, events: [...s.events] });

/** forward → loss (scripted) → earlyStop → backward → update, each step kept. */
function stopping(options: EarlyStopOptions): OperatorFunction<Sample, Kept> {
  const net = identityNet();
  return (s: Observable<Sample>) =>
    s.pipe(
      forward(net),
      loss(scripted),
      earlyStop(options),
      backward(net),
      update(net, sgd({ learningRate: 0.1 })),
      map(keep),
    );
}

const stopEvent = (outcome: { values: Kept[] }) =>
  outcome.values.at(-1)?.events.find((e) => e.type === 'earlyStop');

describe('earlyStop: argument checks at call time', () => {
  it.each([
    [{ goal: -1 }, 'earlyStop: goal must be a finite number >= 0, got -1'],
    [{ goal: Number.NaN }, 'earlyStop: goal must be a finite number >= 0, got NaN'],
    [{ holdoutEvery: 1 }, 'earlyStop: holdoutEvery must be an integer >= 2, got 1'],
    [{ holdoutEvery: 2.5 }, 'earlyStop: holdoutEvery must be an integer >= 2, got 2.5'],
    [{ goal: 1, maxFail: 0 }, 'earlyStop: maxFail must be an integer >= 1, got 0'],
    [{ goal: 1, window: 0 }, 'earlyStop: window must be an integer >= 1, got 0'],
  ])('%o throws a RangeError', (options, message) => {
    expect(() => earlyStop(options)).toThrow(new RangeError(message));
  });

  it('needs a goal or a holdoutEvery, in an options object', () => {
    expect(() => earlyStop({})).toThrow(
      new TypeError('earlyStop: give a goal, a holdoutEvery or both'),
    );
    expect(() => earlyStop(null as never)).toThrow(TypeError);
  });

  it('fails the stream when placed after backward, or before loss', () => {
    const net = identityNet();
    const late = collect(
      from([lossOf(1)]).pipe(forward(net), loss(scripted), backward(net), earlyStop({ goal: 0 })),
    );
    expect(errorOf(late)).toBeInstanceOf(TypeError);
    expect(errorOf(late).message).toBe(
      'earlyStop: expected scored steps that are not back-propagated yet; put earlyStop between loss(lossFn) and backward(net)',
    );
    const early = collect(from([lossOf(1)]).pipe(forward(net), earlyStop({ goal: 0 })));
    expect(errorOf(early).message).toBe(
      'earlyStop: expected scored steps; put loss(lossFn) before earlyStop',
    );
  });
});

describe('earlyStop: the goal', () => {
  it('stops on the training sample whose rolling mean loss reaches the goal', () => {
    // window 3, goal 0.5; losses 3, 2, 1, 0.5, 0.4, 0.1, 9, 9. Mean of the last three:
    //   seq 2: (3 + 2 + 1)/3 = 2;  seq 3: (2 + 1 + 0.5)/3 ≈ 1.17;  seq 4: (1 + 0.5 + 0.4)/3 ≈ 0.63
    //   seq 5: (0.5 + 0.4 + 0.1)/3 = 1/3 ≤ 0.5 → stop, after emitting seq 5.
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const losses = [3, 2, 1, 0.5, 0.4, 0.1, 9, 9];
      const values = Object.fromEntries(losses.map((l, i) => ['abcdefgh'[i], lossOf(l)]));
      const src = cold('abcdefgh|', values);
      const step = (seq: number, events: StepEvent[] = []): Kept => ({ seq, learn: true, events });
      expectObservable(src.pipe(stopping({ goal: 0.5, window: 3 }))).toBe('abcde(f|)', {
        a: step(0),
        b: step(1),
        c: step(2),
        d: step(3),
        e: step(4),
        f: step(5, [
          {
            type: 'earlyStop',
            seq: 5,
            reason: 'goal',
            detail: 'the mean loss of the last 3 training samples, 0.333333, reached the goal 0.5',
          },
        ]),
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('waits for a full window: a first loss of 0 does not stop', () => {
    const out = collect(
      from([0, 0, 5, 0, 0, 0].map(lossOf)).pipe(stopping({ goal: 0, window: 3 })),
    );
    // means: seq 2 (0 + 0 + 5)/3, seq 3 5/3, seq 4 5/3, seq 5 0 → stop at 5
    expect(out.values.map((k) => k.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stopEvent(out)).toMatchObject({ reason: 'goal', seq: 5 });
    expect(out.completed).toBe(true);
  });

  it('held-out samples do not count toward the goal', () => {
    // holdoutEvery 2: seq 1, 3, 5 … are held out with loss 100; training losses 0 at even seqs.
    // window 2: the mean of the training samples seq 0 and 2 is 0 → stop at seq 2.
    const out = collect(
      from([0, 100, 0, 100, 0].map(lossOf)).pipe(
        stopping({ goal: 0, window: 2, holdoutEvery: 2, maxFail: 50 }),
      ),
    );
    expect(out.values.map((k) => [k.seq, k.learn])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
    expect(stopEvent(out)).toMatchObject({ reason: 'goal', seq: 2 });
  });

  it('stops the source: nothing more is pulled from a synchronous one', () => {
    let pulled = 0;
    const out = collect(
      from(Array.from({ length: 1000 }, () => lossOf(0))).pipe(
        tap(() => pulled++),
        stopping({ goal: 0, window: 4 }),
      ),
    );
    expect(out.values).toHaveLength(4);
    expect(pulled).toBe(4);
  });
});

describe('earlyStop: validation on held-out samples', () => {
  it('stops after maxFail rising checks in a row, on the held-out step that closed the last', () => {
    // holdoutEvery 2, window 1 (a check is one held-out loss), maxFail 2. Training losses (even
    // seqs) are 1; the held-out losses (odd seqs) and their checks:
    //   seq 1: 0.5 (first check, nothing to compare)   seq 3: 0.4 falls
    //   seq 5: 0.45 rises (1)     seq 7: 0.3 falls (the count starts again)
    //   seq 9: 0.35 rises (1)     seq 11: 0.36 rises (2) → stop, from 0.3 to 0.36
    const held = [0.5, 0.4, 0.45, 0.3, 0.35, 0.36, 0.1, 0.1];
    const losses = held.flatMap((h) => [1, h]);
    const out = collect(
      from(losses.map(lossOf)).pipe(stopping({ holdoutEvery: 2, window: 1, maxFail: 2 })),
    );
    expect(out.values.map((k) => k.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(out.values.map((k) => k.learn)).toEqual(
      Array.from({ length: 12 }, (_, i) => i % 2 === 0),
    );
    expect(stopEvent(out)).toEqual({
      type: 'earlyStop',
      seq: 11,
      reason: 'validation',
      detail:
        'the mean loss of the held-out samples rose 2 checks in a row, from 0.3 to 0.36 (each check: the mean of 1 held-out sample, one in 2)',
    });
    expect(out.values.slice(0, -1).every((k) => k.events.length === 0)).toBe(true);
    expect(out.completed).toBe(true);
  });

  it('a check is the mean loss of `window` held-out samples', () => {
    // holdoutEvery 2, window 2, maxFail 1. Held-out losses (odd seqs) in pairs:
    //   (1, 3) → 2 (first check);  (2, 1) → 1.5 falls;  (1, 2.2) → 1.6 rises → stop at the 6th
    //   held-out sample, seq 11. Were checks single losses, 3 > 1 would have stopped at seq 3.
    const held = [1, 3, 2, 1, 1, 2.2, 0, 0];
    const out = collect(
      from(held.flatMap((h) => [0, h]).map(lossOf)).pipe(
        stopping({ holdoutEvery: 2, window: 2, maxFail: 1 }),
      ),
    );
    expect(out.values).toHaveLength(12);
    expect(stopEvent(out)).toMatchObject({
      seq: 11,
      reason: 'validation',
      detail:
        'the mean loss of the held-out samples rose 1 checks in a row, from 1.5 to 1.6 (each check: the mean of 2 held-out samples, one in 2)',
    });
  });

  it('maxFail defaults to 6: seven rising checks (six rises) stop', () => {
    // holdoutEvery 3, window 1: held out are seq 2, 5, 8 … with losses 1, 2, 3 …; the 7th check
    // (seq 20) is the 6th rise.
    const losses = Array.from({ length: 40 }, (_, i) => (i % 3 === 2 ? (i + 1) / 3 : 0));
    const out = collect(from(losses.map(lossOf)).pipe(stopping({ holdoutEvery: 3, window: 1 })));
    expect(out.values.at(-1)?.seq).toBe(20);
    expect(stopEvent(out)).toMatchObject({ reason: 'validation', seq: 20 });
  });

  it('an equal check is no rise', () => {
    const held = [1, 2, 2, 3, 4];
    const out = collect(
      from(held.flatMap((h) => [0, h]).map(lossOf)).pipe(
        stopping({ holdoutEvery: 2, window: 1, maxFail: 2 }),
      ),
    );
    // rises: 1→2 (1), 2→2 no (0), 2→3 (1), 3→4 (2) → stop at the 5th held-out, seq 9
    expect(stopEvent(out)).toMatchObject({ seq: 9, reason: 'validation' });
  });

  it('rejected steps pass through and do not count toward the holdout', () => {
    const net = identityNet();
    const out = collect(
      from([lossOf(1), { x: [Number.NaN], y: 0 }, lossOf(1), lossOf(1)]).pipe(
        forward(net, { onInvalid: 'skip' }),
        loss(scripted),
        earlyStop({ holdoutEvery: 2 }),
        map((s) => [s.seq, s.learn, s.rejection?.reason]),
      ),
    );
    // scored count: seq 0 → 1 (trained), seq 2 → 2 (held out), seq 3 → 3 (trained)
    expect(out.values).toEqual([
      [0, true, undefined],
      [1, false, 'nonFinite'],
      [2, false, undefined],
      [3, true, undefined],
    ]);
  });
});

describe('earlyStop: held-out samples are never learned', () => {
  it('the weights equal those of training on the other samples alone', () => {
    // holdoutEvery 3: the 3rd, 6th … samples (seq 2, 5, 8 …) are held out.
    const samples = tanhSamples(60);
    const net = tanhNet(5);
    const alone = copyNet(net);
    const seen = collect(
      from(samples).pipe(
        forward(net),
        loss(mse()),
        earlyStop({ holdoutEvery: 3, maxFail: 1000 }),
        backward(net),
        update(net, sgd({ learningRate: 0.05 })),
        map((s) => [s.seq, s.learn, s.updated]),
      ),
    );
    expect(seen.completed).toBe(true);
    expect(seen.values).toEqual(samples.map((_, i) => [i, i % 3 !== 2, i % 3 !== 2]));
    collect(
      from(samples.filter((_, i) => i % 3 !== 2)).pipe(
        train(alone, { loss: mse(), optimizer: sgd({ learningRate: 0.05 }) }),
      ),
    );
    expect(Array.from(net.parameters)).toEqual(Array.from(alone.parameters));
    // and learning did happen: the weights moved from the start
    expect(Array.from(net.parameters)).not.toEqual(Array.from(tanhNet(5).parameters));
  });

  it('held-out predictions are still scored downstream by rollingMetrics', () => {
    const net = identityNet();
    const out = collect(
      from([1, 2, 3, 4].map(lossOf)).pipe(
        forward(net),
        loss(scripted),
        earlyStop({ holdoutEvery: 2 }),
        backward(net),
        update(net, sgd()),
        rollingMetrics({ window: 10 }),
      ),
    );
    // outputs 1, 2, 3, 4 against 0: mse = (1 + 4 + 9 + 16)/4 = 7.5, all four scored
    expect(out.values.map((m) => [m.count, m.mse])).toEqual([[4, 7.5]]);
  });
});

describe('earlyStop: marble tests', () => {
  const values = { a: lossOf(3), b: lossOf(2), c: lossOf(1) };
  const kept = (seq: number): Kept => ({ seq, learn: true, events: [] });
  const goal = { goal: 0, window: 5 };

  it('empty', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Sample>('|').pipe(stopping(goal))).toBe('|');
    });
  });

  it('one', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', values).pipe(stopping(goal))).toBe('a|', { a: kept(0) });
    });
  });

  it('many, never reaching the goal', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c|', values).pipe(stopping(goal))).toBe('a-b-c|', {
        a: kept(0),
        b: kept(1),
        c: kept(2),
      });
    });
  });

  it('error', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const boom = new Error('boom');
      expectObservable(cold('a-b#', values, boom).pipe(stopping(goal))).toBe(
        'a-b#',
        { a: kept(0), b: kept(1) },
        boom,
      );
    });
  });

  it('never-ending', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c-', values).pipe(stopping(goal))).toBe('a-b-c-', {
        a: kept(0),
        b: kept(1),
        c: kept(2),
      });
    });
  });

  it('early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c|', values);
      expectObservable(src.pipe(stopping(goal)), '^--!').toBe('a-b', { a: kept(0), b: kept(1) });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('each subscription has its own counts', () => {
    const stream = from([0, 0, 0].map(lossOf)).pipe(
      stopping({ goal: 0, window: 2 }),
      filter((k) => k.events.length > 0),
      map((k) => k.seq),
    );
    expect(collect(stream).values).toEqual([1]);
    expect(collect(stream).values).toEqual([1]);
  });
});
