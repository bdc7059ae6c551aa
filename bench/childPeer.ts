// The peers of `npm run bench` that run outside Node — the C reference and scikit-learn — as
// child processes spoken to one line at a time: "train FROM TO" → "CPU-s wall-s figure".
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Network } from '../src/index.js';
import type { Contender, Measure } from './measure.js';

/** bench/peers/, from the source tree or from dist/bench/. */
const PEERS = [
  join(dirname(fileURLToPath(import.meta.url)), 'peers'),
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'peers'),
];

function peerFile(name: string): string {
  const found = PEERS.map((folder) => join(folder, name)).find((path) => existsSync(path));
  if (found === undefined) throw new Error(`bench: ${name} not found in ${PEERS.join(' or ')}`);
  return found;
}

export const workFolder = mkdtempSync(join(tmpdir(), 'streamprop-bench-'));
process.on('exit', () => rmSync(workFolder, { recursive: true, force: true }));

/** The samples as the peers read them: float64 inputs then targets, one sample after another. */
export interface BenchSample {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/**
 * Writes the network's initial weights (each layer's weights, one row per neuron, then its
 * biases — its parameter array as it is) and the samples into a file for the peers.
 */
export function writeDataFile(name: string, net: Network, samples: readonly BenchSample[]): string {
  const width = net.inputs + net.outputs;
  const data = new Float64Array(net.parameters.length + samples.length * width);
  data.set(net.parameters);
  let at = net.parameters.length;
  for (const s of samples) {
    data.set(s.x, at);
    data.set(s.y, at + net.inputs);
    at += width;
  }
  const path = join(workFolder, `${name}.bin`);
  writeFileSync(path, data);
  return path;
}

/** Compiles bench/peers/cReference.c; undefined (and says why) when gcc is missing or fails. */
export function compileCReference(): string | undefined {
  const out = join(workFolder, 'cReference');
  const args = ['-O3', '-march=native', '-ffp-contract=off', '-o', out, peerFile('cReference.c')];
  try {
    execFileSync('gcc', [...args, '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
    console.log(`C reference: gcc ${args.slice(0, 3).join(' ')} (${gccVersion()})`);
    return out;
  } catch (e) {
    console.log(`C reference skipped: gcc failed or is missing (${(e as Error).message})`);
    return undefined;
  }
}

function gccVersion(): string {
  return execFileSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).trim();
}

/** Whether Debian's python3 has scikit-learn; says why not when it has none. */
export function hasSklearn(): boolean {
  try {
    const v = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import sklearn; print(sklearn.__version__)'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    console.log(`scikit-learn ${v.trim()} (/usr/bin/python3)`);
    return true;
  } catch {
    console.log(
      'scikit-learn skipped: /usr/bin/python3 cannot import sklearn (apt install python3-sklearn)',
    );
    return false;
  }
}

/** A child process that answers "VERB FROM TO" with "CPU-s wall-s figure". */
class ChildPeer implements Contender {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    private readonly verb: string,
  ) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d) => process.stderr.write(`${name}: ${d}`));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  run(start: number, end: number): Promise<Measure> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`${this.name} exited (${code})`));
      this.child.once('exit', onExit);
      this.waiting.push((line) => {
        this.child.off('exit', onExit);
        const [cpu, wall, figure] = line.split(' ').map(Number);
        resolve({ cpuSeconds: cpu, wallSeconds: wall, figure });
      });
      this.child.stdin.write(`${this.verb} ${start} ${end}\n`);
    });
  }

  close(): void {
    this.child.stdin.end('quit\n');
    this.lines.close();
  }
}

/** The C reference on one network's data file: `verb` is train or predict. */
export function cPeer(
  binary: string,
  data: string,
  sizes: readonly number[],
  verb: string,
): Contender {
  const name = verb === 'train' ? 'C reference (gcc -O3 -march=native)' : 'C reference forward';
  return new ChildPeer(name, binary, [data, ...sizes.map(String)], verb);
}

/** scikit-learn's MLPRegressor.partial_fit at `batch` samples per step. */
export function sklearnPeer(data: string, sizes: readonly number[], batch: number): Contender {
  return new ChildPeer(
    `scikit-learn partial_fit (batch ${batch})`,
    '/usr/bin/python3',
    [peerFile('sklearnSpeed.py'), data, String(batch), ...sizes.map(String)],
    'train',
  );
}
