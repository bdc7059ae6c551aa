// The package as a consumer gets it: `npm pack`, installed into a fresh project with nothing
// but the package's own dependencies (and @types/node, which any TypeScript project on Node
// has), then type-checked — every declaration file the package ships, with skipLibCheck off —
// and run as an ES module and as CommonJS. Needs `npm run build` (npm test does it); npm
// installs from its cache (filled by `npm ci`), or else from the registry.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'streamprop-consumer-'));
const installed = join(dir, 'node_modules', 'streamprop');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const run = (command: string, args: string[]): string =>
  execFileSync(command, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1) as string;
  writeFileSync(join(dir, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
  run('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    `./${tarball}`,
    `@types/node@${pkg.devDependencies['@types/node']}`,
  ]);
}, 300_000);
// A whole node_modules: on a busy machine its removal takes longer than the default 10 s.
afterAll(() => rm(dir, { recursive: true, force: true }), 120_000);

/** Every .d.ts file under `folder`. */
function declarations(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.d.ts'))
    .map((file) => join(folder, file));
}

describe('the packed package in a project of its own', () => {
  it('ships a licence and no file of the repository beyond dist/ and the docs', () => {
    const files = readdirSync(installed);
    expect(files).toContain('LICENSE');
    expect(files.sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
  });

  it('its declarations import only node: modules and dependencies that bring their types', () => {
    const problems: string[] = [];
    for (const file of declarations(join(installed, 'dist'))) {
      // The code of the declarations, not their comments (whose examples import 'streamprop').
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const [, specifier] of text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0];
        const typesPackage = `@types/${name.replace('@', '').replace('/', '__')}`;
        if (!(name in pkg.dependencies)) {
          problems.push(`${file}: imports ${specifier}, which is no dependency`);
          continue;
        }
        // Its own types: a types or typings field, at the top or in an exports condition.
        const own = readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8');
        const typed = /"(types|typings)"\s*:/.test(own) || typesPackage in pkg.dependencies;
        if (!typed)
          problems.push(`${file}: imports ${specifier}, whose types are not a dependency`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('type-checks every declaration file for an ES module and a CommonJS consumer, and runs both', () => {
    writeFileSync(
      join(dir, 'esm.mts'),
      `import { dense, linear, mse, network, tanh, train } from 'streamprop';
import { type DashboardServer, serve } from 'streamprop/serve';
import { sineFeed } from 'streamprop/streams';
const net = network({ inputs: 4, layers: [dense(4, tanh), dense(1, linear)], seed: 1 });
let last = -1;
const steps = sineFeed({ lags: 4, limit: 50, seed: 1 }).pipe(train(net, { loss: mse() }));
const server: DashboardServer = await serve(steps, { port: 0 });
steps.subscribe((step) => { last = step.seq; });
await server.close();
console.log(\`esm \${last}\`);
`,
    );
    writeFileSync(
      join(dir, 'cjs.cts'),
      `import { dense, linear, network, tanh } from 'streamprop';
import { sineFeed } from 'streamprop/streams';
const net = network({ inputs: 4, layers: [dense(4, tanh), dense(1, linear)], seed: 1 });
sineFeed({ lags: 4, limit: 3, seed: 1 }).subscribe({ complete: () => console.log(\`cjs \${net.parameters.length}\`) });
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        include: ['esm.mts', 'cjs.cts', 'node_modules/streamprop/dist/**/*.d.ts'],
      }),
    );
    // The repository's TypeScript, run in the consumer's folder: it sees only that tree.
    run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
    expect(run(process.execPath, ['out/esm.mjs']).trim()).toBe('esm 49');
    expect(run(process.execPath, ['out/cjs.cjs']).trim()).toBe('cjs 25');
  }, 300_000);
});
