// The backends `npm run bench` compares: every one this machine can run.
import type { NetOptions } from './benchStream.js';

export interface BenchBackend {
  readonly name: string;
  /** What `network()` is given to build on this backend. */
  readonly options: NetOptions;
}

export function backendsToCompare(): readonly BenchBackend[] {
  return [{ name: 'js', options: {} }];
}
