import type { Command } from 'commander';
import { ReplaySubject, take, takeUntil, tap } from 'rxjs';
import { valve } from '../../streams/valve.js';
import { appendTo } from '../fleet/appendTo.js';
import { compareOffsets, offsetAt } from '../fleet/offset.js';
import { redisLog } from '../fleet/redisLog.js';
import type { ShardedLog } from '../fleet/shardedLog.js';
import type { CommandIO } from './commandIO.js';
import { type IngestOptions, parseIngestOptions } from './fleetOptions.js';
import { openSource } from './openSource.js';
import { SOURCE_FORMS } from './sourceSpec.js';
import { UsageError } from './usageError.js';

/** How often the progress line is written and the retention policy applied, in ms. */
const EVERY_MS = 5000;

/**
 * Adds `streamprop ingest` to the program: appends the samples of a source to a fleet's sharded
 * log on Redis (`--to redis://HOST:PORT --prefix NAME [--shards 64]`), pipelined with at most
 * `--max-in-flight` unacknowledged, and applies the retention policy (`--retain`).
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { ingestCommand } from './ingestCommand.js';
 * ingestCommand(new Command(), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, onInterrupt: () => () => {} }, (status) => {
 *   process.exitCode = status;
 * });
 * ```
 *
 * @param ended Receives the exit status once the command has ended.
 */
export function ingestCommand(
  program: Command,
  io: CommandIO,
  ended: (status: number) => void,
): void {
  program
    .command('ingest')
    .description(
      "append a source's samples to a fleet's sharded log on Redis, for streamprop worker",
    )
    .option('--to <url>', 'the Redis server, as redis://HOST:PORT (required)')
    .option('--prefix <name>', "the fleet's name: the prefix of its Redis keys (required)")
    .option('--shards <n>', 'shards of a new fleet (an existing one keeps its own)')
    .option('--source <source>', `where samples come from: ${SOURCE_FORMS}`, 'sensor')
    .option('--rate <n>', 'samples per second (synthetic feeds: 500; files: as fast as possible)')
    .option('--limit <n>', 'stop after this many samples')
    .option('--seed <n>', 'seed of the synthetic feeds', '1')
    .option(
      '--retain <seconds>',
      'trim entries that every worker has checkpointed and that are older than this (or: forever)',
      'forever',
    )
    .option('--max-in-flight <n>', 'samples sent and not yet acknowledged, at most', '10000')
    .option('--x <columns>', 'CSV input columns, comma-separated')
    .option('--y <column>', 'CSV target column')
    .option('--json', 'the progress as NDJSON on standard output', false)
    .action(async (raw: Record<string, unknown>) => {
      const options = parseIngestOptions(raw);
      if (Array.isArray(options)) throw new UsageError('ingest', options);
      ended(await runIngest(options, io));
    });
}

/**
 * Runs `streamprop ingest` to the end of its source (or until SIGINT/SIGTERM).
 *
 * @returns the exit status: 0 when every sample was appended.
 */
export async function runIngest(
  options: IngestOptions,
  io: Pick<CommandIO, 'stdin' | 'stdout' | 'stderr' | 'onInterrupt'>,
): Promise<number> {
  const { stdout, stderr } = io;
  const say = (line: string): void => {
    (options.json ? stderr : stdout).write(`${line}\n`);
  };
  const log = await redisLog({ url: options.to, prefix: options.prefix, shards: options.shards });
  // Files and synthetic feeds stop while maxInFlight samples wait to be sent (back-pressure).
  const backPressure = valve();
  const source = openSource(options.source, {
    valve: backPressure,
    rate: options.rate,
    seed: options.seed,
    skip: 0,
    stdin: io.stdin,
    ...(options.x === undefined ? {} : { x: options.x }),
    ...(options.y === undefined ? {} : { y: options.y }),
  });
  say(`streamprop ingest: ${source.description} → fleet ${log.name} (${log.shards} shards)`);
  // Ctrl-C ends the source, not the appends: what is waiting or in flight is still sent and
  // acknowledged, so the summary counts every sample that reached the log.
  const interrupted = new ReplaySubject<void>(1);
  const limited =
    options.limit === undefined ? source.samples : source.samples.pipe(take(options.limit));
  const samples = limited.pipe(takeUntil(interrupted));
  let appended = 0;
  let trimmed = 0;
  let stopped = false;
  const report = (final: boolean): void => {
    if (options.json) {
      stdout.write(
        `${JSON.stringify({ type: final ? 'summary' : 'progress', appended, trimmed })}\n`,
      );
    } else
      say(
        `${final ? 'appended' : 'appending:'} ${appended.toLocaleString('en')} samples${trimmed > 0 ? `; ${trimmed.toLocaleString('en')} trimmed` : ''}`,
      );
  };
  const timer = setInterval(() => {
    report(false);
    if (options.retain !== undefined) {
      void retainOnly(log, options.retain).then(
        (n) => {
          trimmed += n;
        },
        () => {},
      );
    }
  }, EVERY_MS);
  const stop = (): void => {
    stopped = true;
    interrupted.next();
  };
  const stopListening = io.onInterrupt(stop);
  try {
    await new Promise<void>((resolve, reject) => {
      samples
        .pipe(
          appendTo(log, {
            maxInFlight: options.maxInFlight,
            maxWaiting: options.maxInFlight,
            valve: backPressure,
          }),
          tap((progress) => {
            appended = progress.appended;
          }),
        )
        .subscribe({ error: reject, complete: resolve });
    });
    if (options.retain !== undefined) trimmed += await retainOnly(log, options.retain);
    report(true);
    if (stopped) say('stopped');
    return 0;
  } finally {
    clearInterval(timer);
    stopListening();
    await log.close();
  }
}

/**
 * The retention policy: in each shard, removes the entries that are both learned into the
 * shard's checkpoint and older than `seconds` — never one a worker has yet to learn.
 *
 * @returns the number of entries removed.
 */
export async function retainOnly(log: ShardedLog, seconds: number): Promise<number> {
  const byAge = offsetAt(Date.now() - seconds * 1000);
  let removed = 0;
  for (let shard = 0; shard < log.shards; shard++) {
    const { offset } = await log.inspect(shard);
    const below = compareOffsets(offset, byAge) < 0 ? offset : byAge;
    removed += await log.trim(shard, below);
  }
  return removed;
}
