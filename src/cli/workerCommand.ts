import type { Command } from 'commander';
import type { KeyModel } from '../fleet/keyModel.js';
import { redisLog } from '../fleet/redisLog.js';
import { shardedLearner } from '../fleet/shardedLearner.js';
import type { CommandIO } from './commandIO.js';
import { learnerOptions, parseWorkerOptions, type WorkerOptions } from './fleetOptions.js';
import { fleetShape } from './fleetShape.js';
import { createLearner } from './learner.js';
import { ACTIVATION_NAMES, OPTIMIZER_NAMES } from './runOptions.js';
import { UsageError } from './usageError.js';

/** How often the worker's progress line is written, in ms. */
const EVERY_MS = 5000;

/**
 * Adds `streamprop worker` to the program: a worker of a fleet (`--redis URL --prefix NAME`)
 * that learns one model per key — the model of `streamprop run`, from the same flags — from
 * its share of the shards, with fenced checkpoints in Redis. SIGINT or SIGTERM writes the final
 * checkpoints, releases the shards and exits 0.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { workerCommand } from './workerCommand.js';
 * workerCommand(new Command(), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, onInterrupt: () => () => {} }, (status) => {
 *   process.exitCode = status;
 * });
 * ```
 *
 * @param ended Receives the exit status once the worker has stopped.
 */
export function workerCommand(
  program: Command,
  io: CommandIO,
  ended: (status: number) => void,
): void {
  program
    .command('worker')
    .description("learn one model per key from a share of a fleet's shards on Redis")
    .option('--redis <url>', 'the Redis server, as redis://HOST:PORT (required)')
    .option('--prefix <name>', "the fleet's name: the prefix of its Redis keys (required)")
    .option('--name <name>', "this worker's name (default: host-pid-random)")
    .option('--layers <sizes>', 'hidden layer sizes, comma-separated', '32,16')
    .option(
      '--activation <name>',
      `activation of the hidden layers: ${ACTIVATION_NAMES.join(', ')}`,
      'tanh',
    )
    .option('--optimizer <name>', `optimizer: ${OPTIMIZER_NAMES.join(', ')}`, 'adam')
    .option('--lr <rate>', "learning rate (default: the optimizer's own)")
    .option('--adaptive', 'adapt the learning rate with a bold driver', false)
    .option('--window <n>', "samples in each key's rolling metrics window", '500')
    .option('--seed <n>', 'seed of every key’s network', '1')
    .option('--checkpoint-every <n>', 'entries applied on a shard between its checkpoints', '5000')
    .option('--checkpoint-seconds <s>', 'seconds between checkpoints of a shard that changed', '5')
    .option('--lease-ms <ms>', 'how long a lease lasts without renewal', '10000')
    .option('--json', 'NDJSON progress on standard output', false)
    .action(async (raw: Record<string, unknown>) => {
      const options = parseWorkerOptions(raw);
      if (Array.isArray(options)) throw new UsageError('worker', options);
      ended(await runWorker(options, io));
    });
}

/**
 * Runs `streamprop worker` until SIGINT or SIGTERM.
 *
 * @returns the exit status: 0 after a clean stop, 1 when the worker failed.
 */
export async function runWorker(
  options: WorkerOptions,
  io: Pick<CommandIO, 'stdout' | 'stderr' | 'onInterrupt'>,
): Promise<number> {
  const { stdout, stderr } = io;
  const say = (line: string): void => {
    (options.json ? stderr : stdout).write(`${line}\n`);
  };
  const log = await redisLog({ url: options.redis, prefix: options.prefix });
  let stopping = false;
  let wake = (): void => {};
  const stop = (): void => {
    stopping = true;
    wake();
  };
  const stopListening = io.onInterrupt(stop);
  try {
    let shape = await fleetShape(log);
    if (shape === undefined) say(`waiting for samples in fleet ${log.name} to learn their shape`);
    while (shape === undefined && !stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      shape = await fleetShape(log);
    }
    if (shape === undefined) return 0;
    const learnerSettings = learnerOptions(options);
    const known = shape;
    let lastError = '';
    const worker = shardedLearner(log, {
      makeModel: (): KeyModel => createLearner(learnerSettings, known),
      ...(options.name === undefined ? {} : { name: options.name }),
      checkpointEvery: options.checkpointEvery,
      checkpointSeconds: options.checkpointSeconds,
      leaseMs: options.leaseMs,
      metrics: { window: options.window },
      onLogError: (error) => {
        lastError = (error as Error).message;
      },
    });
    say(
      `streamprop worker ${worker.name}: fleet ${log.name} (${log.shards} shards), ${known.inputs} inputs, ${known.outputs} outputs per key`,
    );
    let before = 0;
    const timer = setInterval(() => {
      const s = worker.stats();
      const rate = ((s.applied - before) * 1000) / EVERY_MS;
      before = s.applied;
      if (options.json) {
        stdout.write(
          `${JSON.stringify({ type: 'progress', worker: worker.name, ...s, perSecond: rate })}\n`,
        );
      } else {
        say(
          `${s.shards.length} shards, ${s.applied.toLocaleString('en')} applied (${Math.round(rate).toLocaleString('en')}/s), ${s.rejected} rejected, ${s.checkpoints} checkpoints${s.logErrors > 0 ? `, ${s.logErrors} Redis errors (last: ${lastError})` : ''}`,
        );
      }
    }, EVERY_MS);
    wake = () => void worker.stop();
    if (stopping) void worker.stop();
    try {
      await worker.done;
    } catch (error) {
      stderr.write(`streamprop worker: ${(error as Error).message}\n`);
      return 1;
    } finally {
      clearInterval(timer);
    }
    const s = worker.stats();
    if (options.json) {
      stdout.write(`${JSON.stringify({ type: 'summary', worker: worker.name, ...s })}\n`);
    }
    say(
      `stopped: ${s.applied.toLocaleString('en')} entries applied, ${s.checkpoints} checkpoints written, ${s.lost} shards lost, ${s.refused} checkpoints refused`,
    );
    return 0;
  } finally {
    stopListening();
    await log.close();
  }
}
