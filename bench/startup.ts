// node dist/bench/startup.js [rounds] — how long `streamprop run` takes to start, as a user
// meets it: the compiled command (no build) in a child process, the clock started just before
// the spawn. Each round runs, one after the other:
//   - the reference: `node -e 0`, an empty Node start, on the same machine at the same moment;
//   - `streamprop run --port 0`: until the dashboard answers (GET of the URL it prints: 200);
//   - `streamprop run --port 0 --limit 1`: until it exits, having learned its first sample and
//     closed the dashboard (an upper bound of the time to the first learned sample);
//   - `streamprop run --no-serve --limit 1`: the same without the dashboard.
// It prints the median wall-clock time of each, its ratio to the empty Node start, and the CPU
// time of the children (user + system, from /proc/self/stat, 10 ms ticks) — the figure that does
// not depend on how busy the machine is. Target: under 1 s on 2 cores for both times.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.argv[2] ?? 9);
const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'src', 'cli', 'main.js');
const TICKS_PER_SECOND = 100;

/** CPU seconds of the children waited for so far (cutime + cstime of /proc/self/stat). */
function childCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Milliseconds from spawn to exit. */
async function untilExit(args: string[]): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const code = await exited(child);
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}:\n${errors}`);
  return performance.now() - start;
}

/** Milliseconds from spawn to the first 200 of the dashboard; the command is then stopped. */
async function untilDashboard(): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, [MAIN, 'run', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const done = exited(child);
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const found = /^dashboard: (\S+)$/m.exec(text);
      if (found !== null) resolve(found[1]);
    });
    child.once('exit', () => reject(new Error(`exited before serving:\n${text}`)));
  });
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) {
      await response.text();
      break;
    }
  }
  const elapsed = performance.now() - start;
  child.kill('SIGTERM');
  await done;
  return elapsed;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main(): Promise<void> {
  const contenders: [string, () => Promise<number>][] = [
    ['node -e 0 (reference)', () => untilExit(['-e', '0'])],
    ['streamprop run → dashboard answers', untilDashboard],
    [
      'streamprop run --limit 1 → first sample learned, exit',
      () => untilExit([MAIN, 'run', '--port', '0', '--limit', '1']),
    ],
    [
      'streamprop run --no-serve --limit 1 → exit',
      () => untilExit([MAIN, 'run', '--no-serve', '--limit', '1']),
    ],
  ];
  const times = contenders.map(() => [] as number[]);
  const cpu = contenders.map(() => 0);
  await untilExit(['-e', '0']); // warm the file cache
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts with another contender, so that none always follows the same one.
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const before = childCpu();
      times[i].push(await contenders[i][1]());
      cpu[i] += childCpu() - before;
    }
  }
  const reference = median(times[0]);
  console.log(`streamprop startup, ${ROUNDS} rounds, medians (target: under 1,000 ms)`);
  for (let i = 0; i < contenders.length; i++) {
    const ms = median(times[i]);
    console.log(
      `${contenders[i][0].padEnd(56)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / reference).toFixed(2).padStart(5)}× node  CPU ${((cpu[i] / ROUNDS) * 1000).toFixed(0).padStart(5)} ms  (${Math.min(...times[i]).toFixed(0)}–${Math.max(...times[i]).toFixed(0)} ms)`,
    );
  }
}

await main();
