// `streamprop predict` in-process: the model files it refuses (one line, exit 1), NDJSON from a
// file, a CSV without a header, and the delimiter of the run when the header does not tell.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runRecord } from '../../src/cli/runRecord.js';
import { dense, linear, network, toJSON } from '../../src/index.js';
import { tempFolder } from './cliFiles.js';
import { killAll, runCli } from './cliProcess.js';

const { dir, remove } = tempFolder();
afterEach(killAll);
afterAll(remove);

const lines = (out: string[]): string[] => out.filter((l) => l !== '');

const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
/** What the model predicts for `x`. */
const expected = (x: number[]): number => net.predict(x)[0];

/** Writes the model file `name`, or a checkpoint holding the model when `run` (its record) is given. */
function modelFile(name: string, run?: unknown): string {
  const path = join(dir, name);
  const model = toJSON(net);
  writeFileSync(
    path,
    JSON.stringify(run === undefined ? model : { format: 'streamprop-checkpoint', model, run }),
  );
  return path;
}

describe('streamprop predict', () => {
  it('refuses a model that is missing, not JSON, or not a model: one line, exit 1', async () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    const notModel = join(dir, 'other.json');
    writeFileSync(notModel, JSON.stringify({ format: 'something-else' }));
    for (const [path, message] of [
      [join(dir, 'missing.json'), /^streamprop: cannot read the model .*missing\.json: .*ENOENT/],
      [notJson, /^streamprop: .*not\.json is not JSON: /],
      [notModel, /^streamprop: .*other\.json is not a streamprop model: /],
    ] as const) {
      const cli = runCli(['predict', '--model', path]);
      expect((await cli.exited).code, path).toBe(1);
      expect(lines(cli.stderr)).toHaveLength(1);
      expect(lines(cli.stderr)[0]).toMatch(message);
      expect(lines(cli.stdout)).toEqual([]);
    }
  });

  it('reads NDJSON from a file and CSV without a header (columns c1 … cn), writing each prediction', async () => {
    const model = modelFile('model.json');
    const ndjson = join(dir, 'in.ndjson');
    writeFileSync(ndjson, `${JSON.stringify({ x: [1, 1] })}\n${JSON.stringify({ x: [2, 0.5] })}\n`);
    const fromFile = runCli(['predict', '--model', model, '--source', `ndjson:${ndjson}`]);
    expect((await fromFile.exited).code).toBe(0);
    const out = lines(fromFile.stdout).map((l) => JSON.parse(l));
    expect(out.map((o) => o.seq)).toEqual([0, 1]);
    expect(out[0].prediction).toBeCloseTo(expected([1, 1]), 12);
    expect(out[1].prediction).toBeCloseTo(expected([2, 0.5]), 12);

    const headless = join(dir, 'headless.csv');
    writeFileSync(headless, '1,1\n0,0.5\n');
    const csv = runCli([
      ...['predict', '--model', model, '--source', `csv:${headless}`],
      ...['--no-header', '--x', 'c1,c2', '--format', 'csv'],
    ]);
    expect((await csv.exited).code).toBe(0);
    const rows = lines(csv.stdout);
    expect(rows[0]).toBe('seq,id,key,t,prediction,error');
    const predictions = rows.slice(1).map((r) => Number(r.split(',')[4]));
    expect(predictions[0]).toBeCloseTo(expected([1, 1]), 12);
    expect(predictions[1]).toBeCloseTo(expected([0, 0.5]), 12);
  });

  it('takes the delimiter of the run from a checkpoint when the header line does not tell', async () => {
    // Records split unlike the header hide the delimiter; the checkpoint of the run says `|`.
    const checkpoint = modelFile(
      'run.ckpt',
      runRecord({ kind: 'csv', path: 'train.csv', x: ['a', 'b'], y: 'y', delimiter: '|' }, net),
    );
    const piped = join(dir, 'piped.csv');
    writeFileSync(piped, 'a|b\n1|1\n2|2|3\n4|4|5\n');
    const cli = runCli(['predict', '--model', checkpoint, '--source', `csv:${piped}`]);
    const { code } = await cli.exited;
    expect(lines(cli.stderr)).toEqual([]);
    expect(code).toBe(0);
    const out = lines(cli.stdout).map((l) => JSON.parse(l));
    expect(out).toHaveLength(3);
    expect(out[0].prediction).toBeCloseTo(expected([1, 1]), 12);
    // Without the run's delimiter the file is refused: none of the delimiters splits it alike.
    const refused = runCli([
      'predict',
      '--model',
      modelFile('plain.json'),
      '--source',
      `csv:${piped}`,
      '--x',
      'a,b',
    ]);
    expect((await refused.exited).code).toBe(1);
    expect(lines(refused.stderr)[0]).toMatch(/none of , ; tab \| splits its first lines/);
  });
});
