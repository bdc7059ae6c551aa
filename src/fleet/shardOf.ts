import { checkPositiveInteger } from '../checks/argumentChecks.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/**
 * The 32-bit FNV-1a hash of a text's UTF-8 bytes, as an unsigned integer.
 *
 * @example
 * ```ts
 * import { fnv1a } from 'streamprop/fleet';
 * fnv1a(''); // 2166136261
 * fnv1a('a'); // 3826002220
 * ```
 */
export function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.length; i++) {
    hash = Math.imul(hash ^ bytes[i], FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * The shard of a key among `shards`: `fnv1a(String(key)) mod shards`. Every part of the fleet —
 * the ingester that appends a sample, the worker that learns it, the status that counts it —
 * uses this one rule, so a key's samples all go to one shard, in order. A sample without a key
 * belongs to the key `''`.
 *
 * @throws RangeError when `shards` is not a positive integer.
 *
 * @example
 * ```ts
 * import { shardOf } from 'streamprop/fleet';
 * shardOf('sensor-1', 64); // the same shard on every machine, every run
 * ```
 */
export function shardOf(key: string | number | undefined, shards: number): number {
  checkPositiveInteger('shardOf', 'shards', shards);
  return fnv1a(key === undefined ? '' : String(key)) % shards;
}
