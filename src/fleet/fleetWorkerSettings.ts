import type { KeyModel } from './keyModel.js';

/** @internal What `FleetWorker` runs with: the checked options of `shardedLearner`. */
export interface FleetWorkerSettings {
  readonly name: string;
  readonly makeModel: (key: string) => KeyModel;
  readonly checkpointEvery: number;
  readonly checkpointMs: number;
  readonly leaseMs: number;
  readonly batch: number;
  /** The weight of the newest prediction in each key's recent errors. */
  readonly alpha: number;
  readonly metricsMs: number;
  readonly onLogError: (error: unknown) => void;
  /** The worker's preference for a shard: it takes free shards in increasing order of it. */
  readonly preference: (shard: number) => number;
}
