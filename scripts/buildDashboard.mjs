// Builds the dashboard page into dist/dashboard/ (run by `npm run build`, after the library):
//   1. compiles src/serve/dashboard/*.ts with tsconfig.dashboard.json (DOM lib, ES modules,
//      no bundler) into assets/, one .js module per source file;
//   2. copies index.html and dashboard.css, and uPlot's ES module build, stylesheet and
//      licence from node_modules/uplot, into the same place;
//   3. replaces dist/dashboard/ with the result (built in a folder of its own first, so a
//      server or test reading dist/dashboard/ meanwhile never sees it half written).
// The browser loads assets/main.js as a module; index.html's import map resolves the bare
// `uplot` import to assets/uPlot.esm.js. Nothing comes from a CDN: loadDashboard()
// (src/serve/dashboardAssets.ts) serves exactly these files.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'dashboard');
const staging = join(root, 'dist', `.dashboard-${process.pid}`);
const assets = join(staging, 'assets');
const source = join(root, 'src', 'serve', 'dashboard');
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const uplot = join(dirname(require.resolve('uplot/package.json')), 'dist');

rmSync(staging, { recursive: true, force: true });
try {
  mkdirSync(assets, { recursive: true });
  execFileSync(
    process.execPath,
    [tsc, '-p', join(root, 'tsconfig.dashboard.json'), '--outDir', assets],
    { stdio: 'inherit' },
  );
  copyFileSync(join(source, 'index.html'), join(staging, 'index.html'));
  copyFileSync(join(source, 'dashboard.css'), join(assets, 'dashboard.css'));
  copyFileSync(join(uplot, 'uPlot.esm.js'), join(assets, 'uPlot.esm.js'));
  copyFileSync(join(uplot, 'uPlot.min.css'), join(assets, 'uPlot.min.css'));
  copyFileSync(join(uplot, '..', 'LICENSE'), join(assets, 'uPlot.LICENSE.txt'));
  rmSync(out, { recursive: true, force: true });
  renameSync(staging, out);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
