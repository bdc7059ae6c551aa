// Smoke tests: every example runs as a user runs it (compiled, importing the package by name)
// and prints what it promises. `npm test` builds dist/ before vitest runs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function run(name: string): string {
  const file = `dist/examples/${name}.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
}

describe('examples', () => {
  it('workedExample prints the literature values', () => {
    const out = run('workedExample');
    expect(out).toContain('out(o1) = 0.891090, out(o2) = 0.904330');
    expect(out).toContain('E = 0.391829, ∂E/∂w7 = 0.0780639');
    expect(out).toContain('w7 after one step = 0.360968');
  });

  it('xor puts every row of the table on the right side of 0.5', () => {
    const lines = run('xor').trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const match = /= (\d): (\d\.\d+)$/.exec(line);
      expect(match, line).not.toBeNull();
      const [, target, output] = match ?? [];
      expect(Math.abs(Number(output) - Number(target))).toBeLessThan(0.2);
    }
  });

  it('quickStart shows the prequential loss falling at least fourfold', () => {
    const means = run('quickStart')
      .trim()
      .split('\n')
      .map((l) => Number(/loss (\S+)$/.exec(l)?.[1]));
    expect(means).toHaveLength(10);
    expect(means.every(Number.isFinite)).toBe(true);
    expect(means[means.length - 1]).toBeLessThan(means[0] / 4);
  });

  it('onlineToolkit reports no drift before the change and a drift after it', () => {
    const lines = run('onlineToolkit').trim().split('\n');
    expect(lines).toHaveLength(24);
    const parsed = lines.map((l) => {
      const m = /seq\s+(\d+)\s+RMSE (\S+) °C .* drifts (\d+)$/.exec(l);
      if (m === null) throw new Error(`unexpected line: ${l}`);
      return { seq: Number(m[1]), rmse: Number(m[2]), drifts: Number(m[3]) };
    });
    for (const p of parsed) {
      expect(Number.isFinite(p.rmse)).toBe(true);
      expect(p.drifts > 0).toBe(p.seq >= 6000);
    }
  });

  it('customParts learns with a part of its own of every kind, sees the jump, reloads, refuses a broken part', () => {
    const out = run('customParts');
    const windows = [...out.matchAll(/mean loss (\S+) \(predicting 0: (\S+)\)/g)];
    expect(windows).toHaveLength(6);
    for (const [, loss, zero] of windows) expect(Number(loss)).toBeLessThan(Number(zero) / 4);
    expect(out).toContain('network 8-16(swish)-1(linear), optimizer signSgd');
    const first = Number(/the first at sample (\d+) \(the level jumps at (\d+)\)/.exec(out)?.[1]);
    expect(first).toBeGreaterThanOrEqual(4000); // nothing before the jump
    expect(first).toBeLessThan(4100); // and the jump seen within 100 samples
    expect(out).toContain('reloaded: same prediction true, optimizer signSgd after 6000 steps');
    expect(out).toContain('refused: train: optimizer.reset must be a function, got undefined');
  });

  it('dashboard serves its page while learning, and stops cleanly', async () => {
    const child = spawn(process.execPath, ['dist/examples/dashboard.js', '3'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let output = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (match) resolve(match[1]);
      });
      child.once('exit', () => reject(new Error(`exited before printing its URL: ${output}`)));
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('streamprop');
    expect(await exited).toBe(0);
    const samples = Number(/stopped after (\d+) samples/.exec(output)?.[1]);
    expect(samples).toBeGreaterThan(100);
  });
});
