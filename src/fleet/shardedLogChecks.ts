import {
  argumentError,
  checkIdentifier,
  checkInterval,
  checkOptions,
  checkPositiveInteger,
} from '../checks/argumentChecks.js';
import type { Lease, ReadOptions } from './shardedLog.js';

/** The shard count of a new fleet when none is given. */
export const DEFAULT_SHARDS = 64;

/** @internal A shard number of a log of `shards`: an integer in [0, shards − 1]. */
export function checkShard(owner: string, shard: unknown, shards: number): number {
  return checkInterval(owner, 'shard', shard, { min: 0, max: shards - 1, integer: true });
}

/** @internal A lease of a log of `shards`: its shard, holder and epoch. */
export function checkLease(owner: string, lease: unknown, shards: number): Lease {
  if (lease === null || typeof lease !== 'object') {
    throw argumentError(owner, 'lease', 'a lease { shard, holder, epoch }', lease, 'object');
  }
  const l = lease as Lease;
  checkShard(owner, l.shard, shards);
  checkIdentifier(owner, 'lease.holder', l.holder);
  checkPositiveInteger(owner, 'lease.epoch', l.epoch);
  return l;
}

/**
 * @internal The `count` (default 500), `limit` (default none: `Infinity`) and `waitMs` (default
 * 0) of read options.
 */
export function readCount(
  owner: string,
  options: ReadOptions,
): { readonly count: number; readonly limit: number; readonly waitMs: number } {
  checkOptions(owner, options);
  return {
    count: checkPositiveInteger(owner, 'count', options.count ?? 500),
    limit:
      options.limit === undefined ? Infinity : checkPositiveInteger(owner, 'limit', options.limit),
    waitMs: checkInterval(owner, 'waitMs', options.waitMs ?? 0, {
      min: 0,
      max: 2 ** 31 - 1,
      integer: true,
    }),
  };
}
