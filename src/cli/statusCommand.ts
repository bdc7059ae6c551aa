import type { Command } from 'commander';
import { fleetStatus } from '../fleet/fleetStatus.js';
import { redisLog } from '../fleet/redisLog.js';
import type { CommandIO } from './commandIO.js';
import { type FleetStatusOptions, parseStatusOptions } from './fleetOptions.js';
import { UsageError } from './usageError.js';

/**
 * Adds `streamprop status --redis URL --prefix NAME [--json]` to the program: the state of a
 * fleet — its shards (owner, checkpoint offset, lag), live workers and every key's counts as
 * checkpointed — as one JSON document, or a few lines for people.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { statusCommand } from './statusCommand.js';
 * statusCommand(new Command(), { stdout: process.stdout });
 * ```
 */
export function statusCommand(program: Command, io: Pick<CommandIO, 'stdout'>): void {
  program
    .command('status')
    .description("the state of a fleet on Redis: shards, workers, every key's counts")
    .option('--redis <url>', 'the Redis server, as redis://HOST:PORT (required)')
    .option('--prefix <name>', "the fleet's name (required)")
    .option('--json', 'one JSON document on standard output', false)
    .action(async (raw: Record<string, unknown>) => {
      const options = parseStatusOptions(raw);
      if (Array.isArray(options)) throw new UsageError('status', options);
      await printStatus(options, io.stdout);
    });
}

/** Prints the status of the fleet `options` name. */
export async function printStatus(
  options: FleetStatusOptions,
  stdout: { write(text: string): unknown },
): Promise<void> {
  const log = await redisLog({ url: options.redis, prefix: options.prefix });
  try {
    const status = await fleetStatus(log);
    if (options.json) {
      const { merged: _merged, byWorker: _byWorker, ...document } = status;
      stdout.write(
        `${JSON.stringify({ ...document, metrics: { all: status.merged, byWorker: status.byWorker } })}\n`,
      );
      return;
    }
    const { totals } = status;
    const owned = status.shards.filter((s) => s.owner !== null).length;
    const lines = [
      `fleet ${status.prefix}: ${status.shards.length} shards (${owned} held), ${status.workers.length} live workers`,
      `  appended ${totals.appended.toLocaleString('en')}, checkpointed ${totals.applied.toLocaleString('en')}, lag ${totals.lag.toLocaleString('en')}`,
      `  keys ${Object.keys(status.keys).length.toLocaleString('en')}: learned ${totals.learned.toLocaleString('en')}, rejected ${totals.rejected.toLocaleString('en')}; RMSE ${status.merged.total.rmse?.toPrecision(4) ?? '–'} (recent ${status.merged.recent.rmse?.toPrecision(4) ?? '–'})`,
      ...status.workers.map((w) => {
        const shards = status.shards.filter((s) => s.owner === w.name).length;
        return `  worker ${w.name}: ${shards} shards`;
      }),
    ];
    stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await log.close();
  }
}
