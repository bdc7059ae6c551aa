import { checkMethods, checkObject } from '../checks/argumentChecks.js';
import { restoreKey } from './keyCheckpoint.js';
import { KeyErrors } from './keyErrors.js';
import type { KeyModel } from './keyModel.js';
import { KeyState, type ShardState } from './shardState.js';

/**
 * @internal Opens a key on a shard a worker holds, at its first entry there: makes its model
 * with `makeModel`, checks it, restores it from the shard's checkpoint when that has the key,
 * and adds its live state to the shard.
 *
 * @param alpha the weight of the newest prediction in the key's recent errors.
 * @param onError told of an error of the key's pipeline.
 * @throws TypeError when `makeModel` gives something that is not a KeyModel; Error when the
 * key's saved state cannot be restored into it.
 */
export function openKey(
  state: ShardState,
  key: string,
  makeModel: (key: string) => KeyModel,
  alpha: number,
  onError: (error: unknown) => void,
): KeyState {
  const model = makeModel(key);
  const name = `makeModel(${JSON.stringify(key)})`;
  const requirement =
    'a KeyModel { network, optimizer, pipeline, scaler?, controller?, detector? }';
  checkObject('shardedLearner', name, model, requirement);
  checkMethods('shardedLearner', name, model, ['pipeline']);
  checkObject('shardedLearner', `${name}.network`, model.network, 'a network');
  checkObject('shardedLearner', `${name}.optimizer`, model.optimizer, 'an optimizer');
  const errors = new KeyErrors(alpha);
  const saved = state.saved.get(key);
  const record = saved === undefined ? undefined : restoreKey(key, saved, model, errors);
  state.saved.delete(key);
  const keyState = new KeyState(key, model, errors, state.offset, onError);
  if (record !== undefined) keyState.resume(record);
  state.keys.set(key, keyState);
  return keyState;
}
