// streamprop/fleet: key-sharded learners on a shared log (Redis Streams), beyond one machine.

export {
  type FromRedisStreamOptions,
  fromRedisStream,
  type LoggedSample,
} from '../../streams/fromRedisStream.js';
export { type AppendOptions, type AppendProgress, appendTo } from './appendTo.js';
export { compactRecord, sampleOfCompactRecord } from './compactRecord.js';
export {
  FLEET_TOTAL_KEY,
  type FleetMetricsOptions,
  fleetMetrics,
  fleetWorkerKey,
} from './fleetMetrics.js';
export { type FleetStatus, fleetStatus, type ShardStatus } from './fleetStatus.js';
export {
  type ErrorFigures,
  type ErrorMetrics,
  type ErrorMetricsState,
  KeyErrors,
  type KeyErrorsState,
  MergedErrors,
} from './keyErrors.js';
export type { KeyCounts, KeyModel } from './keyModel.js';
export {
  type KeySummary,
  type MergedSummary,
  mergeSummaries,
  parseKeySummary,
} from './keySummary.js';
export { type MemoryLogOptions, memoryLog } from './memoryLog.js';
export { compareOffsets, isOffset, type Offset, offsetAt, START_OFFSET } from './offset.js';
export { type RedisLogOptions, redisLog } from './redisLog.js';
export { sampleOfRecord, sampleRecord } from './sampleRecord.js';
export {
  type FleetMetrics,
  type FleetPrediction,
  type ShardedLearner,
  type ShardedLearnerOptions,
  type ShardedLearnerStats,
  shardedLearner,
} from './shardedLearner.js';
export type {
  CheckpointWrite,
  Lease,
  LogEntry,
  Member,
  ReadOptions,
  ShardBytes,
  ShardCheckpoint,
  ShardedLog,
  ShardInfo,
} from './shardedLog.js';
export { fnv1a, shardOf } from './shardOf.js';
