// The backends `npm run bench` compares: every one this machine can run.
import { jsBackend, network, wasmBackend } from '../src/index.js';
import type { NetOptions } from './benchStream.js';

export interface BenchBackend {
  readonly name: string;
  /** What `network()` is given to build on this backend. */
  readonly options: NetOptions;
}

function runs(options: NetOptions): boolean {
  try {
    network({ inputs: 1, layers: [], ...options });
  } catch (e) {
    return !(e as Error).message.includes('cannot run here');
  }
  return true;
}

export function backendsToCompare(): readonly BenchBackend[] {
  const all: BenchBackend[] = [{ name: 'js', options: { backend: jsBackend() } }];
  if (runs({ backend: wasmBackend() }))
    all.push({ name: 'wasm', options: { backend: wasmBackend() } });
  else console.log('the WebAssembly backend cannot run here: only the JavaScript one is measured');
  return all;
}
