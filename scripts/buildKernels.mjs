// Builds the WebAssembly kernels (run by `npm run build`): compiles assembly/index.ts with
// AssemblyScript into dist/wasm/kernels.wasm — 128-bit SIMD, an imported shared memory (so that
// growing it never detaches the arrays viewing it), no runtime of AssemblyScript's own (the
// kernels allocate nothing; src/backends/kernelHeap.ts manages the memory). Written to a
// temporary file first and renamed, so a reader never sees half a module.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'wasm', 'kernels.wasm');
const staging = `${out}.${process.pid}`;
mkdirSync(dirname(out), { recursive: true });

const { error, stderr } = await asc.main([
  join(root, 'assembly', 'index.ts'),
  '--outFile',
  staging,
  '--optimizeLevel',
  '3',
  '--shrinkLevel',
  '0',
  '--enable',
  'simd',
  '--enable',
  'threads',
  '--runtime',
  'stub',
  '--noAssert',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  '65536',
]);
if (error) {
  rmSync(staging, { force: true });
  console.error(stderr.toString());
  console.error(`buildKernels: ${error.message}`);
  process.exit(1);
}
renameSync(staging, out);
