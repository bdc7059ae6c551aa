import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkMethods, checkNonEmptyString, checkObject } from '../checks/argumentChecks.js';
import type { Checkpoint } from './checkpoint.js';
import { type CustomParts, checkCustomParts } from './customParts.js';
import { readCheckpointAs } from './readCheckpoint.js';

/**
 * The synchronous file functions a {@link CheckpointStore} uses — those of `node:fs` by default.
 * Pass your own to simulate a crash at any point of a save (a test), or to keep checkpoints
 * elsewhere.
 *
 * @example
 * ```ts
 * import * as fs from 'node:fs';
 * import { type CheckpointFileSystem, checkpointStore } from 'streamprop';
 * // node:fs, logging every rename
 * const logged: CheckpointFileSystem = {
 *   ...(fs as unknown as CheckpointFileSystem),
 *   renameSync: (from, to) => {
 *     console.log(`rename ${from} → ${to}`);
 *     fs.renameSync(from, to);
 *   },
 * };
 * const store = checkpointStore('runs/sensor.ckpt', { fileSystem: logged });
 * ```
 */
export interface CheckpointFileSystem {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  readFileSync(path: string, encoding: 'utf8'): string;
  readdirSync(path: string): string[];
  mkdirSync(path: string, options: { recursive: true }): unknown;
}

/**
 * Options of {@link checkpointStore}.
 *
 * @example
 * ```ts
 * import * as fs from 'node:fs';
 * import { type CheckpointFileSystem, type CheckpointStoreOptions, checkpointStore } from 'streamprop';
 * const options: CheckpointStoreOptions = { fileSystem: fs as unknown as CheckpointFileSystem };
 * const store = checkpointStore('runs/sensor.ckpt', options);
 * ```
 */
export interface CheckpointStoreOptions {
  /** The file functions to use (default `node:fs`). */
  readonly fileSystem?: CheckpointFileSystem;
  /**
   * The makers of the activations and optimizers of your own that the checkpoints' models name
   * (see `CustomParts`): without them, a save refuses such a checkpoint and a load passes it over.
   */
  readonly parts?: CustomParts;
}

/**
 * A sound checkpoint that {@link CheckpointStore.loadNewest} found, and the file it came from.
 *
 * @example
 * ```ts
 * import { checkpointStore, type StoredCheckpoint } from 'streamprop';
 * const found: StoredCheckpoint | undefined = checkpointStore('runs/sensor.ckpt').loadNewest().newest;
 * if (found) console.log(`${found.path}: sample ${found.checkpoint.samples}, saved ${found.checkpoint.savedAt}`);
 * ```
 */
export interface StoredCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly path: string;
}

/**
 * What {@link CheckpointStore.loadNewest} returns.
 *
 * @example
 * ```ts
 * import { type CheckpointSearch, checkpointStore } from 'streamprop';
 * const search: CheckpointSearch = checkpointStore('runs/sensor.ckpt').loadNewest();
 * for (const problem of search.problems) console.warn(problem); // run.ckpt: the text is not valid JSON (…)
 * console.log(search.newest === undefined ? 'starting afresh' : `resuming from ${search.newest.path}`);
 * ```
 */
export interface CheckpointSearch {
  /** The newest sound checkpoint, or `undefined` when there is none. */
  readonly newest: StoredCheckpoint | undefined;
  /**
   * What was wrong with the files passed over, one message each, naming the file and the
   * problem, such as `run.ckpt: the text is not valid JSON (Unexpected end of JSON input)`.
   * Missing files are not problems.
   */
  readonly problems: readonly string[];
}

/**
 * The last two checkpoints of a run, kept in two files: `path` (the newest) and `path.1` (the
 * one before). See {@link checkpointStore}.
 *
 * @example
 * ```ts
 * import { adam, checkpointStore, dense, linear, network, toCheckpoint } from 'streamprop';
 * import { mkdtempSync } from 'node:fs';
 * import { join } from 'node:path';
 * import { tmpdir } from 'node:os';
 * const store = checkpointStore(join(mkdtempSync(join(tmpdir(), 'run-')), 'run.ckpt'));
 * const net = network({ inputs: 2, layers: [dense(1, linear)], seed: 1 });
 * store.save(toCheckpoint({ network: net, optimizer: adam(), samples: 100 }));
 * console.log(store.loadNewest().newest?.checkpoint.samples); // 100
 * ```
 */
export class CheckpointStore {
  /** The file of the newest checkpoint. */
  readonly path: string;
  /** The file of the checkpoint before it. */
  readonly previousPath: string;
  /** The file a save writes first (its name holds the process id: it is this writer's own). */
  readonly temporaryPath: string;
  private readonly fs: CheckpointFileSystem;
  private readonly directory: string;
  /** Whether `path` holds a sound checkpoint; `undefined` until this store looked. */
  private newestSound: boolean | undefined = undefined;
  private prepared = false;

  /** @internal Use {@link checkpointStore}. */
  constructor(
    path: string,
    fs: CheckpointFileSystem,
    private readonly parts: CustomParts = {},
  ) {
    this.path = path;
    this.previousPath = `${path}.1`;
    this.temporaryPath = `${path}.${process.pid}.tmp`;
    this.directory = dirname(path);
    this.fs = fs;
  }

  /**
   * Writes `checkpoint` as the newest, keeping the newest before it as the previous one (and
   * dropping the older one), so that at every instant — whenever the process is killed — at
   * least one sound checkpoint is on disk once the first save has completed:
   *
   * 1. the checkpoint is checked (as {@link parseCheckpoint} will read it back): an unsound
   *    one (say a weight that became NaN) is refused and nothing changes;
   * 2. it is written to `temporaryPath` and flushed to disk (`fsync`);
   * 3. `path` is renamed to `path.1` — skipped when `path` is missing or unsound, so that a
   *    sound previous checkpoint is never replaced by a broken one;
   * 4. `temporaryPath` is renamed to `path`, and the directory is flushed.
   *
   * Each rename replaces its target in one step, so a crash leaves either the old file or the
   * new one in place, never half of one. The directory is made if it does not exist; a
   * temporary file left by a process that was killed is deleted at the first save.
   *
   * It is synchronous: call it between two samples (in `subscribe`), and two saves of one
   * process never interleave. One writer per `path`.
   *
   * @returns the bytes written.
   * @throws Error naming the field when the checkpoint is unsound (nothing is written); the
   * file system's error when a write or rename fails, its message naming the file and its
   * `code` kept (`ENOSPC`, `EROFS` …; the previous files are left as they were, and the
   * temporary file is deleted).
   */
  save(checkpoint: Checkpoint): number {
    const text = JSON.stringify(checkpoint);
    readCheckpointAs(
      'CheckpointStore.save: nothing was written, the checkpoint is unsound',
      text,
      this.parts,
    );
    const fs = this.fs;
    let file = this.directory;
    try {
      this.prepare();
      const bytes = Buffer.from(text, 'utf8');
      file = this.temporaryPath;
      this.writeTemporary(bytes);
      if (this.newestSound === undefined) this.newestSound = this.read(this.path).sound;
      file = this.path;
      if (this.newestSound) fs.renameSync(this.path, this.previousPath);
      fs.renameSync(this.temporaryPath, this.path);
      this.newestSound = true;
      file = this.directory;
      this.syncDirectory();
      return bytes.length;
    } catch (e) {
      this.newestSound = undefined; // a rename may have failed half way: look again next time
      throw named(file, e);
    }
  }

  /**
   * Checks, before a run starts, that saves can be made: makes the directory, writes a few
   * bytes to the temporary file, flushes and deletes it, and checks that `path` and `path.1`
   * are not directories. Changes no checkpoint.
   *
   * @throws the file system's error (with its `code`: `EROFS`, `ENOSPC`, `EACCES`, `ENOTDIR`,
   * `EISDIR` …), its message naming the file.
   */
  checkWritable(): void {
    const fs = this.fs;
    try {
      this.prepare();
    } catch (e) {
      throw named(this.directory, e);
    }
    for (const file of [this.path, this.previousPath]) {
      let isDirectory = false;
      try {
        fs.readdirSync(file);
        isDirectory = true;
      } catch {
        // not a directory (or missing): fine
      }
      if (isDirectory) {
        throw Object.assign(new Error(`EISDIR: ${file} is a directory`), { code: 'EISDIR' });
      }
    }
    try {
      this.writeTemporary(Buffer.from('{"probe":true}\n', 'utf8'));
      fs.unlinkSync(this.temporaryPath);
    } catch (e) {
      throw named(this.temporaryPath, e);
    }
  }

  /**
   * Reads the newest sound checkpoint: `path`, or `path.1` when `path` is missing, truncated
   * or corrupt (not JSON, or failing {@link parseCheckpoint}); each file passed over is
   * reported in `problems`. `newest` is `undefined` when neither file holds a sound checkpoint.
   * Never throws for a bad file.
   */
  loadNewest(): CheckpointSearch {
    const problems: string[] = [];
    for (const file of [this.path, this.previousPath]) {
      const found = this.read(file);
      if (found.checkpoint !== undefined) {
        return { newest: { checkpoint: found.checkpoint, path: file }, problems };
      }
      if (found.problem !== undefined) problems.push(found.problem);
    }
    return { newest: undefined, problems };
  }

  /**
   * Reads `file`: its checkpoint, or what is wrong with it, naming the file (nothing when it is
   * missing).
   */
  private read(file: string): { sound: boolean; checkpoint?: Checkpoint; problem?: string } {
    let text: string;
    try {
      text = this.fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { sound: false };
      return { sound: false, problem: `${file}: cannot be read (${(e as Error).message})` };
    }
    if (text.length === 0)
      return { sound: false, problem: `${file}: the file is empty (truncated)` };
    try {
      return { sound: true, checkpoint: readCheckpointAs(file, text, this.parts) };
    } catch (e) {
      return { sound: false, problem: `${(e as Error).message} (truncated or corrupt)` };
    }
  }

  /** Makes the directory and deletes the temporary files of dead writers, once. */
  private prepare(): void {
    if (this.prepared) return;
    const fs = this.fs;
    fs.mkdirSync(this.directory, { recursive: true });
    const prefix = `${basename(this.path)}.`;
    for (const name of fs.readdirSync(this.directory)) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const pid = Number(name.slice(prefix.length, -'.tmp'.length));
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
      try {
        fs.unlinkSync(join(this.directory, name));
      } catch {
        // another process removed it first: fine
      }
    }
    this.prepared = true;
  }

  /** Writes `bytes` to the temporary file and flushes it to disk; deletes it on failure. */
  private writeTemporary(bytes: Buffer): void {
    const fs = this.fs;
    const fd = fs.openSync(this.temporaryPath, 'w');
    try {
      for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, bytes.length - at);
      fs.fsyncSync(fd);
    } catch (e) {
      fs.closeSync(fd);
      try {
        fs.unlinkSync(this.temporaryPath);
      } catch {
        // nothing more to do: the next save overwrites it
      }
      throw e;
    }
    fs.closeSync(fd);
  }

  /** Flushes the directory, so that the renames are on disk (where the platform can). */
  private syncDirectory(): void {
    const fs = this.fs;
    let fd: number;
    try {
      fd = fs.openSync(this.directory, 'r');
    } catch (e) {
      if (unsupported(e)) return;
      throw e;
    }
    try {
      fs.fsyncSync(fd);
    } catch (e) {
      if (!unsupported(e)) throw e;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * Keeps the checkpoints of a run in the file `path` and the one before in `path.1`, written
 * atomically (a temporary file, `fsync`, renames) so that a run killed at any instant — even
 * with SIGKILL, in the middle of a save — leaves at least one sound checkpoint to resume from;
 * `loadNewest()` finds it and reports any file it had to pass over.
 *
 * @throws TypeError at once for a `path` that is not a non-empty string, or a `fileSystem`
 * without the functions it needs.
 *
 * @example
 * ```ts
 * import { checkpointStore, fromCheckpoint } from 'streamprop';
 * const store = checkpointStore('runs/sensor.ckpt');
 * const { newest, problems } = store.loadNewest();
 * for (const problem of problems) console.error(`checkpoint skipped: ${problem}`);
 * if (newest !== undefined) {
 *   const { network, optimizer, samples } = fromCheckpoint(newest.checkpoint);
 *   console.log(`resuming from ${newest.path} at sample ${samples}`, network.describe(), optimizer.name);
 * }
 * ```
 */
export function checkpointStore(
  path: string,
  options: CheckpointStoreOptions = {},
): CheckpointStore {
  checkNonEmptyString('checkpointStore', 'path', path);
  checkObject('checkpointStore', 'options', options, 'an object { fileSystem?, parts? }');
  const fs = (options.fileSystem ?? nodeFs) as unknown as CheckpointFileSystem;
  checkObject('checkpointStore', 'fileSystem', fs, 'an object of file functions');
  checkMethods('checkpointStore', 'fileSystem', fs, FUNCTIONS);
  return new CheckpointStore(path, fs, checkCustomParts('checkpointStore', options.parts));
}

const FUNCTIONS = [
  'openSync',
  'writeSync',
  'fsyncSync',
  'closeSync',
  'renameSync',
  'unlinkSync',
  'readFileSync',
  'readdirSync',
  'mkdirSync',
] as const;

/**
 * The file system's error `e` (one with a `code`) with a message that names `file` (`ENOSPC: no
 * space left on device, write` names none) and its `code` kept; anything else as it is.
 */
function named(file: string, e: unknown): unknown {
  const error = e as NodeJS.ErrnoException;
  if (typeof error?.code !== 'string') return e; // not the file system's: as it is
  const message = String(error.message);
  return Object.assign(new Error(message.includes(file) ? message : `${file}: ${message}`), {
    code: error?.code,
  });
}

/** Whether a process with this id runs (one we may not signal runs too). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether `e` says that a directory cannot be opened or flushed on this platform. */
function unsupported(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'ENOTSUP';
}
