import type { Command } from 'commander';
import { NEVER } from 'rxjs';
import { fleetMetrics } from '../fleet/fleetMetrics.js';
import { redisLog } from '../fleet/redisLog.js';
import { type DashboardServer, serve } from '../serve/serve.js';
import type { CommandIO } from './commandIO.js';
import { dashboardListenError } from './dashboardListenError.js';
import { type FleetServeOptions, parseServeOptions } from './fleetOptions.js';
import { dashboardOptions } from './serveFlags.js';
import { UsageError } from './usageError.js';

/**
 * Adds `streamprop serve --redis URL --prefix NAME` to the program: the dashboard and the
 * WebSocket protocol for a whole fleet — per key, per worker and in total — from the metric
 * states its workers checkpoint, merged (see `fleetMetrics`), until `io` is interrupted (Ctrl-C,
 * SIGTERM).
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { serveCommand } from './serveCommand.js';
 * declare const io: import('./commandIO.js').CommandIO;
 * serveCommand(new Command(), io);
 * ```
 */
export function serveCommand(program: Command, io: CommandIO): void {
  const serve = program
    .command('serve')
    .description('serve the dashboard of a fleet on Redis: every key, every worker, the total')
    .option('--redis <url>', 'the Redis server, as redis://HOST:PORT (required)')
    .option('--prefix <name>', "the fleet's name (required)");
  for (const option of dashboardOptions()) serve.addOption(option);
  serve
    .option('--every-ms <ms>', 'read the checkpoints this often', '1000')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseServeOptions(raw);
      if (Array.isArray(options)) throw new UsageError('serve', options);
      let stopListening = (): void => {};
      const stopped = new Promise<void>((resolve) => {
        stopListening = io.onInterrupt(resolve);
      });
      try {
        const fleet = await startFleetServe(options, io.stdout, io.stderr);
        await stopped;
        await fleet.close();
      } finally {
        stopListening();
      }
    });
}

/** A running `streamprop serve --redis`. */
export interface FleetServe {
  readonly server: DashboardServer;
  /** Closes the server and the connection to Redis. */
  close(): Promise<void>;
}

/**
 * Starts `streamprop serve --redis`: connects to the fleet's log, serves its merged metrics
 * and says where, on `stdout`. A failed reading of the log is told on `stderr` (once per
 * distinct message) and the next one is tried.
 *
 * @throws an Error of one line when Redis cannot be reached or the port cannot be served.
 */
export async function startFleetServe(
  options: FleetServeOptions,
  stdout: { write(text: string): unknown },
  stderr: { write(text: string): unknown },
): Promise<FleetServe> {
  const log = await redisLog({ url: options.redis, prefix: options.prefix });
  let lastProblem = '';
  const metricsFrom = fleetMetrics(log, {
    everyMs: options.everyMs,
    onError: (error) => {
      const problem = (error as Error).message;
      if (problem !== lastProblem) stderr.write(`streamprop serve: ${problem}\n`);
      lastProblem = problem;
    },
  });
  let server: DashboardServer;
  try {
    server = await serve(NEVER, {
      host: options.host,
      port: options.port,
      token: options.token,
      allowOrigins: options.allowOrigins,
      allowHosts: options.allowHosts,
      metricsFrom,
    });
  } catch (error) {
    await log.close();
    throw dashboardListenError(error, options);
  }
  stdout.write(
    `streamprop serve: fleet ${log.name} (${log.shards} shards): dashboard ${server.url}, socket ${server.wsUrl}\n`,
  );
  return {
    server,
    close: async () => {
      await server.close();
      await log.close();
    },
  };
}
