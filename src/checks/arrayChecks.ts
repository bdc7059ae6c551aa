import { argumentMessage } from './argumentChecks.js';

/**
 * An array argument, such as the entries of a batch: anything else is a TypeError in the
 * library's one message form, such as
 * `sensors: append: entries must be an array of { shard, body }, got an object`.
 *
 * @example
 * ```ts
 * import { checkArray } from './arrayChecks.js';
 * checkArray('append', 'entries', [{ shard: 0, body: 'a' }]); // the array
 * ```
 */
export function checkArray<T>(
  owner: string,
  name: string,
  value: unknown,
  requirement = 'an array',
): T[] {
  if (!Array.isArray(value)) throw new TypeError(argumentMessage(owner, name, requirement, value));
  return value as T[];
}
