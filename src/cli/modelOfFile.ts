/**
 * The model held by a file that `streamprop predict` is given: a model file as it is, or the
 * `model` of a checkpoint of `streamprop run` (`fromJSON` then checks it either way).
 *
 * @example
 * ```ts
 * import { modelOfFile } from './modelOfFile.js';
 * modelOfFile({ format: 'streamprop-checkpoint', model: { format: 'streamprop-model' } }); // the model
 * ```
 */
export function modelOfFile(json: unknown): unknown {
  if (json !== null && typeof json === 'object') {
    const file = json as { format?: unknown; model?: unknown };
    if (file.format === 'streamprop-checkpoint') return file.model;
  }
  return json;
}

/**
 * Whether `json` is a checkpoint of the automatic learner of `streamprop run --lags` (its
 * `byKey` part, and no model), which `streamprop predict` cannot use.
 *
 * @example
 * ```ts
 * import { isAutoCheckpoint } from './modelOfFile.js';
 * isAutoCheckpoint({ format: 'streamprop-checkpoint', byKey: [] }); // true
 * ```
 */
export function isAutoCheckpoint(json: unknown): boolean {
  if (json === null || typeof json !== 'object') return false;
  const file = json as { format?: unknown; model?: unknown; byKey?: unknown };
  return (
    file.format === 'streamprop-checkpoint' && file.model === undefined && file.byKey !== undefined
  );
}
