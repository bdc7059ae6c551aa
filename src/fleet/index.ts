// streamprop/fleet: key-sharded learners on a shared log (Redis Streams), beyond one machine.

export { type MemoryLogOptions, memoryLog } from './memoryLog.js';
export { compareOffsets, isOffset, type Offset, offsetAt, START_OFFSET } from './offset.js';
export { type RedisLogOptions, redisLog } from './redisLog.js';
export type {
  CheckpointWrite,
  Lease,
  LogEntry,
  Member,
  ReadOptions,
  ShardCheckpoint,
  ShardedLog,
  ShardInfo,
} from './shardedLog.js';
export { fnv1a, shardOf } from './shardOf.js';
