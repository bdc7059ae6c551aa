// loadDashboard(): the built page as a map from URL path to file. The first test reads what
// `npm run build` wrote to dist/dashboard/ (npm test builds first); the others use folders
// made here.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDashboard } from '../../src/serve/dashboardAssets.js';

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'streamprop-dashboard-'));
  temporary.push(dir);
  return dir;
}

describe('loadDashboard', () => {
  it('maps / and /assets/* to the page that npm run build wrote to dist/dashboard/', async () => {
    if (!existsSync('dist/dashboard/index.html')) {
      throw new Error('dist/dashboard/ is missing: run npm run build first');
    }
    const files = await loadDashboard();
    expect([...files.keys()].sort()).toEqual(
      [
        '/',
        '/assets/backoff.js',
        '/assets/charts.js',
        '/assets/connection.js',
        '/assets/dashboard.css',
        '/assets/dashboardState.js',
        '/assets/formatFigure.js',
        '/assets/main.js',
        '/assets/messages.js',
        '/assets/seriesBuffer.js',
        '/assets/socketAddress.js',
        '/assets/uPlot.LICENSE.txt',
        '/assets/uPlot.esm.js',
        '/assets/uPlot.min.css',
        '/assets/view.js',
      ].sort(),
    );
    const index = files.get('/');
    expect(index?.contentType).toBe('text/html; charset=utf-8');
    expect(index?.body.equals(readFileSync('dist/dashboard/index.html'))).toBe(true);
    const html = index?.body.toString('utf8') ?? '';
    // Every file the page names is in the map, and nothing is loaded from elsewhere.
    for (const [, path] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      if (path.startsWith('data:')) continue; // the inline (empty) favicon
      expect(files.has(`/${path}`), path).toBe(true);
    }
    expect(html).toContain('"uplot": "./assets/uPlot.esm.js"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(files.get('/assets/main.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(files.get('/assets/uPlot.min.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(files.get('/assets/uPlot.LICENSE.txt')?.contentType).toBe('text/plain; charset=utf-8');
    // The compiled modules import each other by relative .js paths, and uPlot by the import map.
    const main = files.get('/assets/main.js')?.body.toString('utf8') ?? '';
    for (const [, path] of main.matchAll(/from '\.\/([^']+)'/g)) {
      expect(files.has(`/assets/${path}`), path).toBe(true);
    }
    expect(files.get('/assets/charts.js')?.body.toString('utf8')).toContain("from 'uplot'");
  });

  it('reads a given folder once: later changes on disk are not seen', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dir, 'assets', 'a.js'), 'export {};');
    writeFileSync(join(dir, 'assets', 'b.bin'), Buffer.from([1, 2, 3]));
    mkdirSync(join(dir, 'assets', 'nested'));
    writeFileSync(join(dir, 'other.html'), 'not served');
    const files = await loadDashboard(dir);
    expect([...files.keys()]).toEqual(['/', '/assets/a.js', '/assets/b.bin']);
    expect(files.get('/assets/b.bin')).toEqual({
      contentType: 'application/octet-stream',
      body: Buffer.from([1, 2, 3]),
    });
    writeFileSync(join(dir, 'assets', 'a.js'), 'changed');
    expect(files.get('/assets/a.js')?.body.toString()).toBe('export {};');
  });

  it('serves a page that says to build when the dashboard has not been built', async () => {
    const files = await loadDashboard(join(folder(), 'missing'));
    expect([...files.keys()]).toEqual(['/']);
    expect(files.get('/')?.contentType).toBe('text/html; charset=utf-8');
    expect(files.get('/')?.body.toString()).toContain('npm run build');
  });
});
