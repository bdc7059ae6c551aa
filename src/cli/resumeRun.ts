import type { Lagger } from '../../streams/lagged.js';
import { type Checkpoint, fromCheckpoint, type LoadedCheckpoint } from '../model/checkpoint.js';
import type { CheckpointStore } from '../model/checkpointStore.js';
import { type RunRecord, type RunSource, readRunRecord, recordDifferences } from './runRecord.js';
import { UsageError } from './usageError.js';

/** What this run knows about itself before its first sample, to check a checkpoint against. */
export interface RunIdentity {
  readonly source: RunSource;
  /** The hidden layer sizes `--layers` gives, if given. */
  readonly layers?: readonly number[];
  /** The activation `--activation` gives, if given. */
  readonly activation?: string;
  /** The network's inputs and outputs, when the source tells them before any sample (CSV). */
  readonly inputs?: number;
  readonly outputs?: number;
  /** `--lags K --horizon H`, if given. */
  readonly lags?: { readonly k: number; readonly horizon: number };
  /** Whether this run uses the automatic learner. */
  readonly automatic?: boolean;
}

/** A resumed learner: the checkpoint's objects, and where a file source was. */
export interface ResumedRun {
  /** The checkpoint, as read (checked). */
  readonly checkpoint: Checkpoint;
  /**
   * Its network, optimizer and other parts, made live; `undefined` for a checkpoint of the
   * automatic learner (its `byKey` part: see `createAutoLearner`).
   */
  readonly loaded: LoadedCheckpoint | undefined;
  /** The samples taken when it was made. */
  readonly samples: number;
  readonly path: string;
  /** Records of the file source already read (`undefined` for a source without position). */
  readonly position: number | undefined;
}

/**
 * `--resume`: loads the newest sound checkpoint of `store` and checks that it was made by a run
 * like this one — the same source (kind, file, CSV columns and delimiter), the same lag
 * windows (`--lags`, `--horizon`), the same learner (the automatic one, or one network) and the
 * same network (hidden layers as far as `--layers` and `--activation` are given; inputs and
 * outputs when known) — saying what it finds: the files passed over
 * and why, that `PATH` is missing when `PATH.1` is used, where it resumes.
 *
 * @param load Restores what the run keeps beside the network (the lag windows, the automatic
 * learner) from the checkpoint; a throw refuses the checkpoint with its message.
 * @returns the resumed run, or `undefined` when there is no checkpoint to resume from.
 * @throws UsageError (exit 2) when the checkpoint was made by another run — each difference
 * one line naming both sides — or holds no run record; no file is touched.
 *
 * @example
 * ```ts
 * import { checkpointStore } from 'streamprop';
 * import { resumeRun } from './resumeRun.js';
 * const resumed = resumeRun(checkpointStore('runs/a.ckpt'), console.log, {
 *   source: { kind: 'sensor' },
 *   layers: [32, 16],
 * });
 * ```
 */
export function resumeRun(
  store: CheckpointStore,
  say: (line: string) => void,
  run: RunIdentity,
  load?: (checkpoint: Checkpoint, path: string) => void,
): ResumedRun | undefined {
  const { newest, problems } = store.loadNewest();
  for (const problem of problems) say(`checkpoint passed over: ${problem}`);
  if (newest === undefined) {
    say(`no checkpoint to resume from at ${store.path}: starting afresh`);
    return undefined;
  }
  const refuse = (lines: readonly string[]): never => {
    throw new UsageError('run', [
      ...lines.map((line) => `--resume: ${line}`),
      `--resume: ${newest.path} is left as it is; give another --checkpoint, or move it away to start afresh`,
    ]);
  };
  const record = readRunRecord(newest.checkpoint.run);
  if (typeof record === 'string') refuse([`${newest.path}: ${record}`]);
  const differences = recordDifferences(record as RunRecord, run);
  if (differences.length > 0) {
    refuse([`${newest.path} was made by another run`, ...differences]);
  }
  let loaded: LoadedCheckpoint | undefined;
  try {
    loaded = newest.checkpoint.byKey === undefined ? fromCheckpoint(newest.checkpoint) : undefined;
  } catch (error) {
    return refuse([`${newest.path} cannot be loaded: ${(error as Error).message}`]);
  }
  try {
    load?.(newest.checkpoint, newest.path);
  } catch (error) {
    return refuse([(error as Error).message]);
  }
  const samples = newest.checkpoint.samples;
  if (newest.path === store.previousPath && !problems.some((p) => p.startsWith(`${store.path}:`))) {
    say(`${store.path} is missing: resuming from the checkpoint before it, ${store.previousPath}`);
  }
  say(`resumed from ${newest.path} at sample ${samples.toLocaleString('en')}`);
  const position = (newest.checkpoint.source as { position?: unknown } | undefined)?.position;
  return {
    checkpoint: newest.checkpoint,
    loaded,
    samples,
    path: newest.path,
    position: typeof position === 'number' && Number.isInteger(position) ? position : undefined,
  };
}

/**
 * Restores into `lagger` the lag windows that a checkpoint of a run with `--lags` keeps (its
 * `source.windows`), so that the run goes on as if it had never stopped; a checkpoint made
 * before the windows were kept leaves them empty (they fill again).
 *
 * @throws RangeError or TypeError `<path>: source.windows…: <problem>` for windows that do not fit.
 *
 * @example
 * ```ts
 * import { Lagger } from '../../streams/lagged.js';
 * import type { Checkpoint } from '../model/checkpoint.js';
 * import { restoreWindows } from './resumeRun.js';
 * declare const checkpoint: Checkpoint;
 * restoreWindows(new Lagger(24, 1), checkpoint, 'runs/a.ckpt');
 * ```
 */
export function restoreWindows(lagger: Lagger, checkpoint: Checkpoint, path: string): void {
  const windows = (checkpoint.source as { windows?: unknown } | undefined)?.windows;
  if (windows !== undefined) lagger.restore(windows, path, ['source', 'windows']);
}
