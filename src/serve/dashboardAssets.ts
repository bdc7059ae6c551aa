import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the dashboard, ready to send: its `Content-Type` and its bytes. */
export interface DashboardAsset {
  /** The `Content-Type` header to send, such as `text/html; charset=utf-8`. */
  readonly contentType: string;
  /** The file's bytes (shared: do not change them). */
  readonly body: Buffer;
}

/** `Content-Type` by file extension; anything else is sent as `application/octet-stream`. */
const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The built dashboard page (what `npm run build` writes to `dist/dashboard/`), read into
 * memory once: a map from URL path to the file to send. `/` maps to `index.html`, and every
 * file of `dist/dashboard/assets/` to `/assets/<file>`; there is no other entry, so a server
 * answers 404 for any path the map lacks and never touches the disk per request.
 *
 * The folder is found next to the compiled module (`dist/src/serve/` → `dist/dashboard/`) or,
 * when running from the TypeScript source (tests), in `dist/dashboard/` of the package root;
 * `dir` overrides both. When the page has not been built, `/` holds a short page that says
 * so (run `npm run build`), so a server still starts.
 *
 * @param dir The folder holding `index.html` and `assets/` (default: see above).
 * @returns A new map from URL path to `{ contentType, body }`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { loadDashboard } from './dashboardAssets.js';
 * const files = await loadDashboard();
 * createServer((req, res) => {
 *   const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
 *   if (file === undefined) return void res.writeHead(404).end();
 *   res.writeHead(200, { 'content-type': file.contentType }).end(file.body);
 * }).listen(0, '127.0.0.1');
 * ```
 */
export async function loadDashboard(
  dir: string = dashboardDir(),
): Promise<Map<string, DashboardAsset>> {
  const files = new Map<string, DashboardAsset>();
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    files.set('/', { contentType: contentTypes['.html'], body: Buffer.from(notBuiltPage(index)) });
    return files;
  }
  files.set('/', { contentType: contentTypes['.html'], body: await readFile(index) });
  const assets = join(dir, 'assets');
  const names = existsSync(assets) ? await readdir(assets, { withFileTypes: true }) : [];
  for (const entry of names.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isFile()) continue;
    files.set(`/assets/${entry.name}`, {
      contentType: contentTypes[extname(entry.name).toLowerCase()] ?? 'application/octet-stream',
      body: await readFile(join(assets, entry.name)),
    });
  }
  return files;
}

/** Where `npm run build` puts the page, seen from this module compiled or as source. */
function dashboardDir(): string {
  const compiled = fileURLToPath(new URL('../../dashboard/', import.meta.url));
  if (existsSync(join(compiled, 'index.html'))) return compiled;
  return fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));
}

/** The page served at `/` while the dashboard has not been built. */
function notBuiltPage(index: string): string {
  const where = index.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>streamprop</title><p>The dashboard has not been built (no ${where}): run <code>npm run build</code>.</p>\n`;
}
