// train(net, { loss }) with no optimizer named: the default learns a stream and a drifting one,
// is exactly rmsprop({ learningRate: 0.001, decay: 0.999 }) made per subscription, and checks
// its options at once.
import { from, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  dense,
  linear,
  mse,
  network,
  rmsprop,
  rng,
  type Sample,
  type Step,
  tanh,
  train,
} from '../../src/index.js';
import { sineFeed } from '../../streams/index.js';
import { expectSameBits } from '../optim/fixtures.js';
import { collect, tanhNet, tanhSamples } from './snapshot.js';

const net8 = () => network({ inputs: 8, layers: [dense(16, tanh), dense(1, linear)], seed: 1 });

/** √(2 · mean ½(y - ŷ)²): the RMSE of one-output steps from their MSE losses. */
const rmse = (losses: readonly number[]) =>
  Math.sqrt((2 * losses.reduce((a, b) => a + b, 0)) / losses.length);

/** The RMSE of predicting each next reading as the last one. */
const persistence = (samples: readonly Sample[]) =>
  Math.sqrt(
    samples.reduce((sum, s) => sum + ((s.y as number) - s.x[s.x.length - 1]) ** 2, 0) /
      samples.length,
  );

describe('train with the default optimizer', () => {
  it('learns sineFeed: prequential RMSE below 0.09 over samples 3000-3999 (seed 1)', () => {
    // sineFeed: sin(2πt/50) + N(0, 0.05²), 8 lags. Predicting 0 gives an RMSE of about 0.71,
    // repeating the last reading about 0.11; the noise alone is 0.05.
    const samples = collect(sineFeed({ seed: 1, limit: 4000 })).values;
    const losses = collect(
      from(samples).pipe(
        train(net8(), { loss: mse() }),
        map((s) => s.loss),
      ),
    ).values;
    expect(losses).toHaveLength(4000);
    const last = rmse(losses.slice(3000));
    expect(last).toBeLessThan(0.09);
    expect(persistence(samples.slice(3000))).toBeGreaterThan(0.1);
    expect(rmse(losses.slice(0, 1000))).toBeGreaterThan(last); // it did learn
  });

  it('follows an abrupt change: RMSE below 0.09 over 500-1000 samples after it (seed 1)', () => {
    // sin(2πt/50) + N(0, 0.05²) for 3000 samples, then 0.3 + 0.5·sin(2πt/20) + N(0, 0.05²).
    const random = rng(1);
    const readings = Array.from({ length: 6008 }, (_, t) =>
      t < 3008
        ? Math.sin((2 * Math.PI * t) / 50) + 0.05 * random.normal()
        : 0.3 + 0.5 * Math.sin((2 * Math.PI * t) / 20) + 0.05 * random.normal(),
    );
    const samples: Sample[] = Array.from({ length: 6000 }, (_, i) => ({
      x: readings.slice(i, i + 8),
      y: readings[i + 8],
    }));
    const losses = collect(
      from(samples).pipe(
        train(net8(), { loss: mse() }),
        map((s) => s.loss),
      ),
    ).values;
    expect(rmse(losses.slice(3500, 4000))).toBeLessThan(0.09);
    expect(rmse(losses.slice(5000))).toBeLessThan(0.09);
  });

  it('is rmsprop({ learningRate: 0.001, decay: 0.999 }): same steps, same weights, bit for bit', () => {
    const samples = tanhSamples(200);
    const viaDefault = tanhNet(5);
    const viaNamed = tanhNet(5);
    const pick = (s: Step) => ({ seq: s.seq, loss: s.loss, learningRate: s.learningRate });
    const a = collect(from(samples).pipe(train(viaDefault, { loss: mse() }), map(pick)));
    const b = collect(
      from(samples).pipe(
        train(viaNamed, { loss: mse(), optimizer: rmsprop({ learningRate: 0.001, decay: 0.999 }) }),
        map(pick),
      ),
    );
    expect(a.values).toEqual(b.values);
    expect(a.values.every((v) => v.learningRate === 0.001)).toBe(true);
    expectSameBits(viaDefault.parameters, viaNamed.parameters);
    expect(Array.from(viaDefault.parameters)).not.toEqual(Array.from(tanhNet(5).parameters));
  });

  it('each subscription gets a fresh optimizer: the same operator twice from the same weights gives the same run', () => {
    const net = tanhNet(5);
    const start = net.parameters.slice();
    const op = train(net, { loss: mse() });
    const samples = tanhSamples(100);
    const first = collect(
      from(samples).pipe(
        op,
        map((s) => s.loss),
      ),
    ).values;
    const afterFirst = net.parameters.slice();
    net.parameters.set(start);
    const second = collect(
      from(samples).pipe(
        op,
        map((s) => s.loss),
      ),
    ).values;
    // a shared RMSProp would remember the first run's squared gradients and step differently
    expect(second).toEqual(first);
    expectSameBits(net.parameters, afterFirst);
  });

  it('checks the update options at once', () => {
    expect(() => train(tanhNet(), { loss: mse(), batchSize: 0 })).toThrow(
      new RangeError('update: batchSize must be a positive integer, got 0'),
    );
  });

  it('honours batchSize and onInvalid', () => {
    const out = collect(
      from([...tanhSamples(3), { x: [1] } as Sample, ...tanhSamples(2)]).pipe(
        train(tanhNet(), { loss: mse(), batchSize: 2, onInvalid: 'skip' }),
        map((s) => [s.updated, s.rejection?.reason]),
      ),
    );
    expect(out.values).toEqual([
      [false, undefined],
      [true, undefined],
      [false, undefined],
      [false, 'length'],
      [true, undefined],
      [false, undefined],
    ]);
  });
});
