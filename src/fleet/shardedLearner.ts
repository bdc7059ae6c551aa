import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Observable, Subject } from 'rxjs';
import {
  checkFunction,
  checkIdentifier,
  checkMethods,
  checkObject,
  checkOptions,
  checkPositiveInteger,
  checkPositiveNumber,
} from '../checks/argumentChecks.js';
import type { RejectionReason } from '../samples/rejection.js';
import { FleetWorker } from './fleetWorker.js';
import type { ErrorFigures } from './keyErrors.js';
import type { KeyModel } from './keyModel.js';
import type { Offset } from './offset.js';
import type { ShardedLog } from './shardedLog.js';
import { fnv1a } from './shardOf.js';

/**
 * Options of {@link shardedLearner}.
 *
 * @example
 * ```ts
 * import type { KeyModel, ShardedLearnerOptions } from 'streamprop/fleet';
 * declare const makeModel: (key: string) => KeyModel;
 * const options: ShardedLearnerOptions = { makeModel, checkpointEvery: 5000, checkpointSeconds: 5, leaseMs: 10_000 };
 * ```
 */
export interface ShardedLearnerOptions {
  /** Makes the model of a key, the same way every time it is called (see {@link KeyModel}). */
  readonly makeModel: (key: string) => KeyModel;
  /** The worker's name in the fleet (default `<host>-<pid>-<random>`; unique per process). */
  readonly name?: string;
  /** Checkpoint a shard after this many entries applied on it (default 5,000). */
  readonly checkpointEvery?: number;
  /** … or this many seconds after its last checkpoint, if it changed (default 5). */
  readonly checkpointSeconds?: number;
  /**
   * How long a lease and an announcement last without renewal, in ms (default 10,000): a
   * worker killed is replaced after about this long; one frozen longer loses its shards.
   */
  readonly leaseMs?: number;
  /** Entries read at a time, over all the shards held (default 5,000: fewer, larger round trips). */
  readonly batch?: number;
  /**
   * The per-key metrics: `window` sets the weight of the newest prediction in each key's recent
   * errors, `2 / (window + 1)` — the EWMA whose centre of mass is that of a window of `window`
   * predictions (default 500); `metrics$` emits every `everyMs` (default 1,000).
   */
  readonly metrics?: { readonly window?: number; readonly everyMs?: number };
  /** Told of every failed call to the log (Redis away, a timeout); the worker retries (default: nothing). */
  readonly onLogError?: (error: unknown) => void;
}

/**
 * A prediction made by a worker, before it learned the sample: at least once — a sample
 * re-learned after a takeover is predicted again — and tagged with its shard and offset, so a
 * consumer can drop what it has seen (per shard, offsets only grow).
 *
 * @example
 * ```ts
 * import type { FleetPrediction } from 'streamprop/fleet';
 * const seen = new Map<number, string>();
 * ```
 */
export interface FleetPrediction {
  readonly worker: string;
  readonly shard: number;
  readonly offset: Offset;
  readonly key: string;
  /** The prediction and the target, in real units (`step.output`, `step.actual`). */
  readonly prediction: number[];
  readonly actual: number[] | undefined;
  readonly id?: string | number;
  readonly t?: number;
}

/**
 * A key's metrics, from the worker that holds it, tagged like {@link FleetPrediction} with the
 * offset of the key's last sample: its counts since its start (across workers: they come with
 * its checkpoints), the last learning rate, and the figures of its error metrics
 * ({@link KeyErrors}): `recent` (exponentially weighted) and `total` (since its start).
 *
 * @example
 * ```ts
 * import type { FleetMetrics } from 'streamprop/fleet';
 * const line = (m: FleetMetrics) => `${m.key} on ${m.worker}: RMSE ${m.recent.rmse} after ${m.learned}`;
 * ```
 */
export interface FleetMetrics {
  readonly worker: string;
  readonly shard: number;
  readonly offset: Offset;
  readonly key: string;
  /** When the worker emitted it (ms since the epoch). */
  readonly t: number;
  readonly learned: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Partial<Record<RejectionReason, number>>>;
  readonly drifts: number;
  readonly learningRate: number | null;
  readonly recent: ErrorFigures;
  readonly total: ErrorFigures;
}

/**
 * Counters of a worker since it started.
 *
 * @example
 * ```ts
 * import type { ShardedLearnerStats } from 'streamprop/fleet';
 * const share = (s: ShardedLearnerStats) => s.rejected / Math.max(1, s.applied);
 * ```
 */
export interface ShardedLearnerStats {
  /** The shards held now, in order. */
  readonly shards: readonly number[];
  /** Entries applied (learned or rejected). */
  readonly applied: number;
  readonly learned: number;
  readonly rejected: number;
  /** Checkpoints written, and refused (the lease was lost: the shard was dropped). */
  readonly checkpoints: number;
  readonly refused: number;
  /** Shards taken, handed over (to rebalance), and lost (lease expired or taken). */
  readonly acquired: number;
  readonly handedOver: number;
  readonly lost: number;
  /** Calls to the log that failed (and were retried). */
  readonly logErrors: number;
}

/**
 * A running worker of a fleet (see {@link shardedLearner}).
 *
 * @example
 * ```ts
 * import type { ShardedLearner } from 'streamprop/fleet';
 * declare const worker: ShardedLearner;
 * worker.metrics$.subscribe((m) => console.log(m.key, m.recent.rmse));
 * process.once('SIGTERM', () => void worker.stop());
 * ```
 */
export interface ShardedLearner {
  readonly name: string;
  /** Every prediction, before its sample is learned (hot; at least once). */
  readonly predictions$: Observable<FleetPrediction>;
  /** Each key's metrics every `metrics.everyMs` while it learns (hot; at least once). */
  readonly metrics$: Observable<FleetMetrics>;
  /** Resolves once stopped; rejects if the worker fails (a model's pipeline failed, a checkpoint would not load). */
  readonly done: Promise<void>;
  stats(): ShardedLearnerStats;
  /** Writes every held shard's final checkpoint, releases the leases and leaves the fleet. */
  stop(): Promise<void>;
}

/**
 * A worker of a fleet of learners on a sharded log: it announces itself, holds about
 * `ceil(shards / live workers)` shards by lease, and learns one model per key — made by
 * `makeModel(key)` — from its shards' entries in the order of each shard's log. Every
 * `checkpointEvery` entries or `checkpointSeconds`, it writes the shard's checkpoint: the
 * changed keys' whole state (weights, optimizer, scaler, controller, detector, metrics, counts)
 * and the offset of the last entry applied, in one write that succeeds only while it holds the
 * lease. A worker that takes a shard loads its checkpoint and reads strictly after that offset,
 * so each entry is learned exactly once in the checkpointed state, whatever dies or freezes: a
 * killed worker's shards are taken when its leases expire and re-learn at most what it learned
 * since its last checkpoint; a frozen one finds its writes refused and drops its shards. When a
 * worker joins, those over the target checkpoint and hand shards over, with nothing re-learned.
 * Predictions and metrics are at least once, tagged with (shard, offset).
 *
 * @throws TypeError or RangeError at once for a wrong option.
 *
 * @example
 * ```ts
 * import { adam, dense, linear, mse, network, normalize, runningScaler, tanh, train } from 'streamprop';
 * import { redisLog, shardedLearner } from 'streamprop/fleet';
 * import { pipe } from 'rxjs';
 * const log = await redisLog({ url: 'redis://127.0.0.1:6379', prefix: 'sensors' });
 * const worker = shardedLearner(log, {
 *   makeModel: () => {
 *     const net = network({ inputs: 7, layers: [dense(16, tanh), dense(1, linear)], seed: 1 });
 *     const optimizer = adam();
 *     const scaler = runningScaler({ targets: true });
 *     return { network: net, optimizer, scaler, pipeline: pipe(normalize({ scaler }), train(net, { loss: mse(), optimizer, onInvalid: 'skip' })) };
 *   },
 * });
 * worker.metrics$.subscribe((m) => console.log(m.key, m.recent.rmse));
 * process.once('SIGINT', async () => { await worker.stop(); await log.close(); });
 * ```
 */
export function shardedLearner(log: ShardedLog, options: ShardedLearnerOptions): ShardedLearner {
  const owner = 'shardedLearner';
  checkObject(owner, 'log', log, 'a ShardedLog (redisLog(…), memoryLog(…))');
  checkMethods(owner, 'log', log, ['read']);
  checkOptions(owner, options);
  const makeModel = checkFunction<(key: string) => KeyModel>(owner, 'makeModel', options.makeModel);
  const name = checkIdentifier(owner, 'name', options.name ?? defaultName());
  const metrics = checkOptions(owner, options.metrics);
  const settings = {
    name,
    makeModel,
    checkpointEvery: checkPositiveInteger(
      owner,
      'checkpointEvery',
      options.checkpointEvery ?? 5000,
    ),
    checkpointMs:
      1000 * checkPositiveNumber(owner, 'checkpointSeconds', options.checkpointSeconds ?? 5),
    leaseMs: checkPositiveInteger(owner, 'leaseMs', options.leaseMs ?? 10_000),
    batch: checkPositiveInteger(owner, 'batch', options.batch ?? 5000),
    alpha: 2 / (checkPositiveInteger(owner, 'metrics.window', metrics.window ?? 500) + 1),
    metricsMs: checkPositiveInteger(owner, 'metrics.everyMs', metrics.everyMs ?? 1000),
    onLogError: options.onLogError ?? (() => {}),
    preference: (shard: number) => fnv1a(`${name}/${shard}`),
  };
  if (options.onLogError !== undefined) checkFunction(owner, 'onLogError', options.onLogError);
  const predictions = new Subject<FleetPrediction>();
  const metricsOut = new Subject<FleetMetrics>();
  const worker = new FleetWorker(log, settings, predictions, metricsOut);
  return {
    name,
    predictions$: predictions.asObservable(),
    metrics$: metricsOut.asObservable(),
    done: worker.done,
    stats: () => worker.stats(),
    stop: () => worker.stop(),
  };
}

function defaultName(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 60) || 'host';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
