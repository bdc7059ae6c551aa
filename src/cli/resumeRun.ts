import { fromCheckpoint, type LoadedCheckpoint } from '../model/checkpoint.js';
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
}

/** A resumed learner: the checkpoint's objects, and where a file source was. */
export interface ResumedRun {
  readonly loaded: LoadedCheckpoint;
  readonly path: string;
  /** Records of the file source already read (`undefined` for a source without position). */
  readonly position: number | undefined;
}

/**
 * `--resume`: loads the newest sound checkpoint of `store` and checks that it was made by a run
 * like this one — the same source (kind, file, CSV columns and delimiter) and the same network
 * (hidden layers as far as `--layers` and `--activation` are given; inputs and outputs when
 * known) — saying what it finds: the files passed over
 * and why, that `PATH` is missing when `PATH.1` is used, where it resumes.
 *
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
  let loaded: LoadedCheckpoint;
  try {
    loaded = fromCheckpoint(newest.checkpoint);
  } catch (error) {
    return refuse([`${newest.path} cannot be loaded: ${(error as Error).message}`]);
  }
  if (newest.path === store.previousPath && !problems.some((p) => p.startsWith(`${store.path}:`))) {
    say(`${store.path} is missing: resuming from the checkpoint before it, ${store.previousPath}`);
  }
  say(`resumed from ${newest.path} at sample ${loaded.samples.toLocaleString('en')}`);
  const position = (loaded.source as { position?: unknown } | undefined)?.position;
  return {
    loaded,
    path: newest.path,
    position: typeof position === 'number' && Number.isInteger(position) ? position : undefined,
  };
}
