import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * @internal The JavaScript file of the socket worker (`socketWorker.js`), which a worker thread
 * can load: next to this module once compiled (`dist/src/serve/`, as the package is published),
 * or, when this module runs from its TypeScript source (the tests, under vitest), the compiled
 * copy that `npm run build` writes to `dist/src/serve/` — which must then exist and be newer
 * than every source of the worker, so that no test runs stale worker code.
 *
 * @param from The URL of the module asking (default: this one).
 * @throws Error naming the file and `npm run build` when it is missing or stale.
 */
export function socketWorkerFile(from: string = import.meta.url): URL {
  const here = new URL('./socketWorker.js', from);
  if (!from.endsWith('.ts')) {
    if (!existsSync(here)) {
      throw new Error(`serve: the socket worker ${fileURLToPath(here)} is missing`);
    }
    return here;
  }
  const built = new URL('../../dist/src/serve/socketWorker.js', from);
  const builtPath = fileURLToPath(built);
  if (!existsSync(built)) {
    throw new Error(
      `serve: running from TypeScript sources, the socket worker is loaded from ${builtPath}, which is missing: run npm run build`,
    );
  }
  const builtAt = statSync(built).mtimeMs;
  const sources = new URL('./', from);
  for (const entry of readdirSync(sources, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    if (statSync(new URL(entry.name, sources)).mtimeMs > builtAt) {
      throw new Error(
        `serve: ${entry.name} changed after ${builtPath} was built: run npm run build (the socket worker runs compiled code)`,
      );
    }
  }
  return built;
}
