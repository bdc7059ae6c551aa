// Builds the WebAssembly kernels (run by `npm run build`): compiles assembly/index.ts with
// AssemblyScript into dist/wasm/kernels.wasm — 128-bit SIMD, an imported shared memory (so that
// growing it never detaches the arrays viewing it), no runtime of AssemblyScript's own (the
// kernels allocate nothing; src/backends/kernelHeap.ts manages the memory) — and again, with
// relaxed SIMD as well, into dist/wasm/kernels-fused.wasm: the same kernels, the mini-batch
// products with fused multiply-adds (`fusedMultiplyAdd: true`; the only difference, chosen at
// compile time by ASC_FEATURE_RELAXED_SIMD in assembly/batch.ts). Each is written to a temporary
// file first and renamed, so a reader never sees half a module.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, 'dist', 'wasm');
mkdirSync(folder, { recursive: true });

async function build(name, features) {
  const out = join(folder, name);
  const staging = `${out}.${process.pid}`;
  const { error, stderr } = await asc.main([
    join(root, 'assembly', 'index.ts'),
    '--outFile',
    staging,
    '--optimizeLevel',
    '3',
    '--shrinkLevel',
    '0',
    ...features.flatMap((f) => ['--enable', f]),
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
    console.error(`buildKernels: ${name}: ${error.message}`);
    process.exit(1);
  }
  renameSync(staging, out);
}

await build('kernels.wasm', ['simd', 'threads']);
await build('kernels-fused.wasm', ['simd', 'threads', 'relaxed-simd']);
