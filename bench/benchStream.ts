// The data and networks of `npm run bench`: a fixed synthetic regression stream, the dense tanh
// networks it trains, and Observables over a span of the stream: of the sample objects as they
// are, or of the samples packed in one array the way the C reference reads them.
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

/**
 * The samples packed one after another in one array — inputs, then targets — as the C
 * reference reads them (bench/peers/cReference.c).
 */
export interface PackedSamples {
  readonly values: Float64Array;
  readonly inputs: number;
  readonly outputs: number;
}

export function pack(samples: readonly BenchSample[]): PackedSamples {
  const inputs = samples[0].x.length;
  const outputs = samples[0].y.length;
  const width = inputs + outputs;
  const values = new Float64Array(samples.length * width);
  samples.forEach((s, n) => {
    values.set(s.x, n * width);
    values.set(s.y, n * width + inputs);
  });
  return { values, inputs, outputs };
}

/**
 * The samples [start, end) of `packed` as an Observable of one sample object, refilled from the
 * packed array before each emission (the bench reads each step before the next sample comes). Like for like with the C reference, which reads its samples in
 * order from one array: 400,000 separate sample objects spread over the heap cost about 70 ns a
 * sample in cache misses alone on the bench machine, nearly the whole forward pass of 8-8-1. The
 * copy into the sample is counted against streamprop (it is inside the measured time).
 */
export function packedSpan(
  packed: PackedSamples,
  start: number,
  end: number,
): Observable<BenchSample> {
  const { values, inputs, outputs } = packed;
  const width = inputs + outputs;
  return new Observable<BenchSample>((subscriber) => {
    const sample = { x: new Float64Array(inputs), y: new Float64Array(outputs) };
    const { x, y } = sample;
    for (let n = start; n < end && !subscriber.closed; n++) {
      const at = n * width;
      for (let i = 0; i < inputs; i++) x[i] = values[at + i];
      for (let o = 0; o < outputs; o++) y[o] = values[at + inputs + o];
      subscriber.next(sample);
    }
    subscriber.complete();
  });
}
