// The data and networks of `npm run bench`: a fixed synthetic regression stream, the dense tanh
// networks it trains, and an Observable over a span of the stream that copies nothing.
import { Observable } from 'rxjs';
import { dense, linear, type Network, network, rng, tanh } from '../src/index.js';
import type { BenchSample } from './childPeer.js';

/** A smooth fixed target function of the inputs plus a little noise, reproducible from the seed. */
export function makeStream(
  inputs: number,
  outputs: number,
  count: number,
  seed: number,
): BenchSample[] {
  const random = rng(seed);
  const mixing = Array.from(
    { length: outputs * inputs },
    () => random.normal() / Math.sqrt(inputs),
  );
  const samples: BenchSample[] = [];
  for (let n = 0; n < count; n++) {
    const x = new Float64Array(inputs);
    for (let i = 0; i < inputs; i++) x[i] = 2 * random.next() - 1;
    const y = new Float64Array(outputs);
    for (let o = 0; o < outputs; o++) {
      let s = 0;
      for (let i = 0; i < inputs; i++) s += mixing[o * inputs + i] * x[i];
      y[o] = 0.8 * Math.tanh(1.5 * s) + 0.01 * random.normal();
    }
    samples.push({ x, y });
  }
  return samples;
}

/** Options passed on to `network()` besides the layers (the backend, fastMath). */
export type NetOptions = Record<string, unknown>;

/** A network of the given sizes: tanh hidden layers, a linear output, seed 11. */
export function buildNet(sizes: readonly number[], options: NetOptions = {}): Network {
  const layers = sizes
    .slice(1)
    .map((units, k) => dense(units, k === sizes.length - 2 ? linear : tanh));
  return network({ inputs: sizes[0], layers, seed: 11, ...options });
}

/** The samples [start, end) of `samples` as an Observable, without copying the array. */
export function span<T>(samples: readonly T[], start: number, end: number): Observable<T> {
  return new Observable<T>((subscriber) => {
    for (let n = start; n < end && !subscriber.closed; n++) subscriber.next(samples[n]);
    subscriber.complete();
  });
}
