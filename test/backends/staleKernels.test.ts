// A dist/wasm/kernels.wasm built from older sources than the code that loads it is refused by
// name — the functions it lacks and `npm run build` — never run until a call fails deep in a
// pass (or, worse, until nothing comes out of a stream).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  kernelHeap,
  kernelsMissing,
  missingExports,
  type WasmApi,
} from '../../src/backends/kernelHeap.js';

const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * A module as an old build would be: it imports the shared memory as the kernels do and exports
 * `heapBase` alone (written out by hand: the type, import, function, export and code sections).
 */
const OLD_MODULE = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f], // type: () → i32
  ...[0x02, 0x12, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79],
  ...[0x02, 0x03, 0x01, 0x80, 0x80, 0x04], // env.memory: shared, 1 to 65536 pages
  ...[0x03, 0x02, 0x01, 0x00], // one function of type 0
  ...[0x07, 0x0c, 0x01, 0x08, 0x68, 0x65, 0x61, 0x70, 0x42, 0x61, 0x73, 0x65, 0x00, 0x00],
  ...[0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0b], // i32.const 0
]);

describe('stale compiled kernels', () => {
  it('names every function an old module lacks', () => {
    const missing = missingExports(api, new api.Module(OLD_MODULE));
    expect(missing).toContain('copy');
    expect(missing).toContain('optimizerStep');
    expect(missing).not.toContain('heapBase');
  });

  it('finds none missing in the module npm run build made', () => {
    if (kernelHeap() === undefined) throw new Error(`no kernels to check: ${kernelsMissing()}`);
    const bytes = readFileSync(new URL('../../dist/wasm/kernels.wasm', import.meta.url));
    expect(missingExports(api, new api.Module(bytes))).toEqual([]);
  });
});
