// `streamprop run --lags K --checkpoint FILE` with the automatic learner: a run stopped and
// resumed from its checkpoint ends in the very state of the run never stopped (every series'
// forecasters, lag windows and metrics, bit for bit); predict refuses such a checkpoint.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Checkpoint, checkpointStore, rng } from '../../src/index.js';
import { tempFolder } from './cliFiles.js';
import { killAll, runCli } from './cliProcess.js';

const { dir, remove } = tempFolder();
afterEach(killAll);
afterAll(remove);

/** Three interleaved hourly series as NDJSON readings, with a few bad ones. */
function readings(n: number): string {
  const random = rng(9);
  const lines: string[] = [];
  for (let h = 0; h < n; h++) {
    for (const key of ['a', 'b', 7]) {
      const value =
        (key === 'b' ? 30 : 12) + 6 * Math.sin((2 * Math.PI * h) / 24) + random.normal();
      lines.push(
        JSON.stringify({ value: h === 150 && key === 7 ? 'broken' : value, key, t: h * 3_600_000 }),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const read = (path: string): Checkpoint => JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;

async function run(args: readonly string[]): Promise<{ code: number | null; err: string }> {
  const cli = runCli(['run', ...args, '--no-serve', '--json']);
  const { code } = await cli.exited;
  return { code, err: cli.stderr.join('\n') };
}

describe('streamprop run --lags with --checkpoint (the automatic learner)', () => {
  const file = join(dir, 'series.ndjson');
  writeFileSync(file, readings(300));
  const common = ['--source', `ndjson:${file}`, '--lags', '12', '--checkpoint-every', '250'];

  it('resumed after a stop, ends in the state of the run never stopped, bit for bit', async () => {
    const whole = join(dir, 'whole.ckpt');
    expect((await run([...common, '--checkpoint', whole])).code).toBe(0);
    const parted = join(dir, 'parted.ckpt');
    // Stopped after 400 samples: in the warm-up of no series, past it for all three.
    expect((await run([...common, '--checkpoint', parted, '--limit', '400'])).code).toBe(0);
    const stopped = read(parted);
    expect(stopped.samples).toBe(400);
    expect(stopped.model).toBeUndefined();
    expect(stopped.byKey?.map((s) => s.key).sort()).toEqual([7, 'a', 'b']);
    expect(stopped.run).toMatchObject({ learner: 'automatic', lags: { k: 12, horizon: 1 } });
    const resumed = await run([...common, '--checkpoint', parted, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(/resumed from .*parted\.ckpt at sample 400/);
    const a = read(whole);
    const b = read(parted);
    expect(b.samples).toBe(a.samples);
    expect(a.samples).toBe(3 * (300 - 12));
    expect(b.source).toEqual(a.source); // the position in the file and the lag windows
    expect(b.byKey).toEqual(a.byKey); // every forecaster: weights, optimizers, scalers, Hedge
    expect(b.metrics).toEqual(a.metrics); // the forecasts' errors: the window and the totals
    expect(checkpointStore(parted).loadNewest().problems).toEqual([]);
  });

  it('also in the warm-up: stopped before any series chose its model', async () => {
    const whole = join(dir, 'whole2.ckpt');
    const parted = join(dir, 'parted2.ckpt');
    const args = [...common, '--limit', '300'];
    expect((await run([...args, '--checkpoint', whole])).code).toBe(0);
    expect((await run([...common, '--checkpoint', parted, '--limit', '45'])).code).toBe(0);
    expect(read(parted).byKey?.every((s) => s.state.chosen === undefined)).toBe(true);
    expect((await run([...args, '--checkpoint', parted, '--resume', '--limit', '255'])).code).toBe(
      0,
    );
    expect(read(parted).byKey).toEqual(read(whole).byKey);
    expect(read(parted).source).toEqual(read(whole).source);
  });

  it('refuses to resume it with other lags or with one network, and predict refuses it', async () => {
    const parted = join(dir, 'parted.ckpt');
    const lags = await run([
      ...common.slice(0, 2),
      '--lags',
      '6',
      '--checkpoint',
      parted,
      '--resume',
    ]);
    expect(lags.code).toBe(2);
    expect(lags.err).toMatch(
      /--resume: lag windows \(--lags, --horizon\): the checkpoint's is 12 lags, horizon 1, this run's 6 lags, horizon 1/,
    );
    const net = await run([...common, '--layers', '8', '--checkpoint', parted, '--resume']);
    expect(net.code).toBe(2);
    expect(net.err).toMatch(
      /--resume: learner: the checkpoint's is the automatic learner \(--lags with no model flags\), this run's one network/,
    );
    const broken = join(dir, 'broken.ckpt');
    const saved = read(parted);
    const series = saved.byKey?.[2].state.chosen;
    series?.networks[1].parameters.pop();
    saved.source = { ...saved.source, windows: [{ key: 'a', values: Array(13).fill(1) }] };
    writeFileSync(broken, JSON.stringify(saved));
    const wrong = await run([...common, '--checkpoint', broken, '--resume']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(
      `streamprop run: --resume: ${broken}: source.windows[0].values: has 13 readings, a window holds 12`,
    );
    saved.source = { ...saved.source, windows: [] };
    writeFileSync(broken, JSON.stringify(saved));
    const network = await run([...common, '--checkpoint', broken, '--resume']);
    expect(network.code).toBe(2);
    expect(network.err).toMatch(
      /streamprop run: --resume: .*broken\.ckpt: byKey\[2\]\.state\.chosen\.networks\[1\]\.parameters: has 144 values, the network 145/,
    );
    const predict = runCli(['predict', '--model', parted, '--source', `ndjson:${file}`]);
    expect((await predict.exited).code).not.toBe(0);
    const lines = predict.stderr.filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/is a checkpoint of the automatic learner of streamprop run --lags/);
  });
});
