// train(net, { batchSize: k > 1 }): the k samples of a batch forward and backward together, on
// both backends, against the explicit pipe (one sample at a time) and against a twin stepped by
// hand.
import { concat, from, map, type OperatorFunction, Subject, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type BatchRows, borrowRows } from '../../src/batches/batchRows.js';
import { MiniBatchLearner } from '../../src/batches/miniBatchLearner.js';
import {
  adam,
  type Backend,
  backward,
  dense,
  forward,
  linear,
  loss,
  mse,
  type Network,
  network,
  type Optimizer,
  relu,
  type Sample,
  type Step,
  sgd,
  tanh,
  train,
  update,
} from '../../src/index.js';
import { readUpdateSettings } from '../../src/operators/update.js';
import { BACKENDS, expectAgreement } from '../backendCases.js';
import { collect, sampleGradient } from '../operators/snapshot.js';

/** 3 → 9 tanh → 5 relu → 2 linear: odd widths, so every kernel runs its tails. */
function makeNet(backend: Backend): Network {
  return network({
    inputs: 3,
    layers: [dense(9, tanh), dense(5, relu), dense(2, linear)],
    seed: 4,
    backend,
  });
}

function samples(n: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    x: [Math.sin(i), Math.cos(1.3 * i), ((i % 7) - 3) / 4],
    y: [Math.sin(0.4 * i), 0.3 * Math.cos(0.1 * i)],
  }));
}

interface Seen {
  seq: number;
  prediction: number[];
  loss: number;
  learningRate: number;
  updated: boolean;
  events: string[];
}
const seen: OperatorFunction<Step, Seen> = map((s) => ({
  seq: s.seq,
  prediction: Array.from(s.prediction),
  loss: s.loss,
  learningRate: s.learningRate,
  updated: s.updated,
  events: s.events.map((e) => e.type),
}));

describe.each(BACKENDS)('train with batchSize > 1 on %s', (_name, backend) => {
  it.each([
    ['sgd', 4, () => sgd({ learningRate: 0.05 })],
    ['sgd', 32, () => sgd({ learningRate: 0.05 })],
    // Over 64 samples: the WebAssembly gradient kernel sums a batch in chunks of 64.
    ['sgd', 70, () => sgd({ learningRate: 0.05 })],
    ['adam', 3, () => adam({ learningRate: 0.01 })],
  ] as const)('%s, batchSize %i: the steps of the explicit pipe, k at a time', (_n, k, make) => {
    const data = samples(100);
    const netT = makeNet(backend);
    const netP = makeNet(backend);
    const emittedWith: number[] = [];
    let sampled = 0;
    const source = new Subject<Sample>();
    const viaTrain: Seen[] = [];
    source
      .pipe(train(netT, { loss: mse(), optimizer: make(), batchSize: k }), seen)
      .subscribe((v) => {
        viaTrain.push(v);
        emittedWith.push(sampled);
      });
    for (const s of data) {
      sampled++;
      source.next(s);
    }
    source.complete();
    const viaPipe = collect(
      from(data).pipe(
        forward(netP),
        loss(mse()),
        backward(netP),
        update(netP, make() as Optimizer, { batchSize: k }),
        seen,
      ),
    ).values;
    expect(viaTrain.map((v) => v.seq)).toEqual(viaPipe.map((v) => v.seq));
    expect(viaTrain.map((v) => v.updated)).toEqual(viaPipe.map((v) => v.updated));
    expect(viaTrain.map((v) => v.learningRate)).toEqual(viaPipe.map((v) => v.learningRate));
    viaTrain.forEach((v, i) => {
      expectAgreement(v.prediction, viaPipe[i].prediction, `prediction ${i}`);
      expectAgreement([v.loss], [viaPipe[i].loss], `loss ${i}`);
    });
    expectAgreement(netT.parameters, netP.parameters, 'final weights');
    // The steps of each batch came out when its last sample was in; the rest at completion.
    const full = Math.floor(data.length / k) * k;
    emittedWith.forEach((n, i) => {
      expect(n).toBe(i < full ? (Math.floor(i / k) + 1) * k : data.length);
    });
  });

  it('one step along the mean gradient of each batch, checked against a twin by hand', () => {
    const net = makeNet(backend);
    const twin = makeNet(backend);
    const data = samples(10);
    collect(
      from(data).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }), batchSize: 4 }),
      ),
    );
    for (const batch of [data.slice(0, 4), data.slice(4, 8), data.slice(8)]) {
      const grads = batch.map((s) => sampleGradient(twin, s, mse()));
      for (let i = 0; i < twin.parameters.length; i++) {
        twin.parameters[i] -= (0.1 * grads.reduce((sum, g) => sum + g[i], 0)) / grads.length;
      }
    }
    expectAgreement(net.parameters, twin.parameters, 'weights');
  });

  it('rejected samples come out in their places and do not count toward a batch', () => {
    const data: Sample[] = samples(8);
    data.splice(2, 0, { x: [1, Number.NaN, 0], y: [0, 0] }, { x: [0.1, 0.2, 0.3] });
    const out = collect(
      from(data).pipe(
        train(makeNet(backend), {
          loss: mse(),
          optimizer: sgd({ learningRate: 0.05 }),
          batchSize: 3,
          onInvalid: 'skip',
        }),
        map((s) => ({ seq: s.seq, updated: s.updated, rejected: s.rejection?.reason })),
      ),
    ).values;
    expect(out.map((o) => o.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.map((o) => o.rejected)).toEqual([
      undefined,
      undefined,
      'nonFinite',
      'missingTarget',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // batches: seq 0, 1, 4 — then 5, 6, 7 — then 8, 9 at completion
    expect(out.map((o) => o.updated)).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
  });

  it('a diverged sample is left out of its batch’s mean and cuts the rate', () => {
    const data = samples(6);
    data[1] = { x: [1, 1, 1], y: [1e9, 0] };
    const net = makeNet(backend);
    const twin = makeNet(backend);
    const optimizer = sgd({ learningRate: 0.1 });
    const out = collect(
      from(data).pipe(train(net, { loss: mse(), optimizer, batchSize: 3 }), seen),
    ).values;
    expect(out[1].events).toEqual(['diverged']);
    expect(out[1].learningRate).toBe(0.1);
    expect(out[2].learningRate).toBe(0.05);
    expect(optimizer.learningRate).toBe(0.05);
    // the twin: batch 1 = samples 0 and 2 at η = 0.05, batch 2 = samples 3, 4, 5
    for (const batch of [[data[0], data[2]], data.slice(3)]) {
      const grads = batch.map((s) => sampleGradient(twin, s, mse()));
      for (let i = 0; i < twin.parameters.length; i++) {
        twin.parameters[i] -= (0.05 * grads.reduce((sum, g) => sum + g[i], 0)) / grads.length;
      }
    }
    expectAgreement(net.parameters, twin.parameters, 'weights');
  });

  it('a bad sample: the batch so far comes out, unlearned, then the error', () => {
    const net = makeNet(backend);
    const before = Array.from(net.parameters);
    const data = [...samples(2), { x: [1, 2] } as Sample];
    const outcome = collect(
      from(data).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }), batchSize: 4 }),
        seen,
      ),
    );
    expect(outcome.values.map((v) => [v.seq, v.updated])).toEqual([
      [0, false],
      [1, false],
    ]);
    expect(String(outcome.error)).toMatch(/forward: sample 2: x/);
    expect(Array.from(net.parameters)).toEqual(before);
  });

  it('a source error: the batch so far comes out, unlearned, then the error', () => {
    const net = makeNet(backend);
    const before = Array.from(net.parameters);
    const outcome = collect(
      concat(
        from(samples(3)),
        throwError(() => new Error('feed lost')),
      ).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.1 }), batchSize: 4 }),
        seen,
      ),
    );
    expect(outcome.values.map((v) => v.seq)).toEqual([0, 1, 2]);
    expect(outcome.values.every((v) => Number.isFinite(v.prediction[0]))).toBe(true);
    expect((outcome.error as Error).message).toBe('feed lost');
    expect(Array.from(net.parameters)).toEqual(before);
  });
});

describe.each(BACKENDS)('the rows of a mini-batch learner on %s', (_name, backend) => {
  it('go back at the end of a subscription and serve the next one: the same steps as afresh', () => {
    const data = samples(30);
    const pooled = makeNet(backend);
    const fresh = makeNet(backend);
    const optimizer = sgd({ learningRate: 0.05 });
    const twin = sgd({ learningRate: 0.05 });
    // Three subscriptions in turn on one network (the later ones on rows given back) against
    // the explicit pipe subscribed three times in turn.
    for (const part of [data.slice(0, 10), data.slice(10, 17), data.slice(17)]) {
      const viaTrain = collect(
        from(part).pipe(train(pooled, { loss: mse(), optimizer, batchSize: 4 }), seen),
      ).values;
      const viaPipe = collect(
        from(part).pipe(
          forward(fresh),
          loss(mse()),
          backward(fresh),
          update(fresh, twin, { batchSize: 4 }),
          seen,
        ),
      ).values;
      viaTrain.forEach((v, i) => {
        expectAgreement(v.prediction, viaPipe[i].prediction, `prediction ${i}`);
      });
    }
    expectAgreement(pooled.parameters, fresh.parameters, 'final weights');
  });

  it('are given back only once the call under way is over, when unsubscribed from inside it', () => {
    const net = makeNet(backend);
    const learner = new MiniBatchLearner<Sample>(
      net,
      sgd({ learningRate: 0.05 }),
      mse(),
      'error',
      'error',
      readUpdateSettings({ batchSize: 2 }),
    );
    const data = samples(2);
    let inside: BatchRows | undefined;
    learner.next(data[0], () => {});
    learner.next(data[1], (step) => {
      if (step.seq !== 0) return;
      learner.release(); // as an unsubscription from the first emission would
      inside = borrowRows(net.kernels, 2, net.parameters.length);
    });
    const after = borrowRows(net.kernels, 2, net.parameters.length);
    expect(inside).toBeDefined();
    // Borrowed during the call: other rows than the learner's; after it: the learner's own.
    expect(inside?.rows[0].input).not.toEqual(Float64Array.from(data[0].x));
    expect(after.rows[0].input).toEqual(Float64Array.from(data[0].x));
    expect(after.rows[1].input).toEqual(Float64Array.from(data[1].x));
  });
});
