// checkpointStore: the last two checkpoints on disk, written atomically, and found again after
// a crash at any instant of a save. The crash is simulated with a file system that does the
// real work up to its k-th call (half of it for a write) and then nothing at all, as if the
// process had been killed there; every k of a save is tried.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  adam,
  type Checkpoint,
  type CheckpointFileSystem,
  checkpointStore,
  dense,
  linear,
  network,
  tanh,
  toCheckpoint,
} from '../../src/index.js';

const directories: string[] = [];
afterEach(() => {
  for (const d of directories.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = fs.mkdtempSync(join(tmpdir(), 'streamprop-store-'));
  directories.push(d);
  return d;
}

/** A checkpoint of an 8-32-16-1 network with Adam state, told apart by `samples`. */
function checkpointAt(samples: number): Checkpoint {
  const net = network({
    inputs: 8,
    layers: [dense(32, tanh), dense(16, tanh), dense(1, linear)],
    seed: samples,
  });
  const optimizer = adam();
  const grads = new Float64Array(net.parameters.length).fill(0.01);
  optimizer.step(net.parameters, grads); // Adam's moments are not all zero
  return toCheckpoint({
    network: net,
    optimizer,
    samples,
    source: { kind: 'csv', path: 'feed.csv', position: samples },
    savedAt: new Date(Date.UTC(2025, 0, 1) + samples * 1000),
  });
}

const samplesIn = (file: string): number => JSON.parse(fs.readFileSync(file, 'utf8')).samples;

/** The files in `dir`, sorted. */
const filesIn = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('checkpointStore: save and loadNewest', () => {
  it('keeps exactly the last two: the newest in path, the one before in path.1', () => {
    const dir = scratch();
    const store = checkpointStore(join(dir, 'run.ckpt'));
    expect(store.loadNewest()).toEqual({ newest: undefined, problems: [] });
    const bytes = store.save(checkpointAt(100));
    expect(bytes).toBe(fs.statSync(store.path).size);
    expect(filesIn(dir)).toEqual(['run.ckpt']);
    store.save(checkpointAt(200));
    store.save(checkpointAt(300));
    expect(filesIn(dir)).toEqual(['run.ckpt', 'run.ckpt.1']);
    expect([samplesIn(store.path), samplesIn(store.previousPath)]).toEqual([300, 200]);
    const { newest, problems } = checkpointStore(store.path).loadNewest();
    expect(problems).toEqual([]);
    expect(newest?.path).toBe(store.path);
    expect(newest?.checkpoint).toEqual(JSON.parse(JSON.stringify(checkpointAt(300))));
  });

  it('makes the directory when it is missing', () => {
    const dir = join(scratch(), 'a', 'b');
    checkpointStore(join(dir, 'run.ckpt')).save(checkpointAt(1));
    expect(filesIn(dir)).toEqual(['run.ckpt']);
  });

  it.each([
    [
      'truncated',
      (text: string) => text.slice(0, Math.floor(text.length / 2)),
      'the text is not valid JSON (',
    ],
    [
      'corrupt bytes',
      (text: string) => `${text.slice(0, 100)}\u0000\u0007garbage${text.slice(110)}`,
      'the text is not valid JSON (',
    ],
    ['empty', () => '', 'the file is empty (truncated)'],
    [
      'valid JSON, not a checkpoint',
      () => '{"format":"streamprop-model"}',
      'format: Invalid input',
    ],
    [
      'a weight changed to null',
      (text: string) => text.replace(/"biases":\[[^,\]]+/, '"biases":[null'),
      'model.layers[0].biases[0]: Invalid input',
    ],
  ])('a newest file that is %s: reported, and the previous one used', (_name, spoil, problem) => {
    const dir = scratch();
    const store = checkpointStore(join(dir, 'run.ckpt'));
    store.save(checkpointAt(1));
    store.save(checkpointAt(2));
    fs.writeFileSync(store.path, spoil(fs.readFileSync(store.path, 'utf8')));
    const { newest, problems } = checkpointStore(store.path).loadNewest();
    expect(newest?.path).toBe(store.previousPath);
    expect(newest?.checkpoint.samples).toBe(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${store.path}: ${problem}`);
  });

  it('both files bad: nothing found, both problems reported', () => {
    const dir = scratch();
    const store = checkpointStore(join(dir, 'run.ckpt'));
    store.save(checkpointAt(1));
    store.save(checkpointAt(2));
    const text = fs.readFileSync(store.path, 'utf8');
    fs.writeFileSync(store.path, text.slice(0, 1000));
    fs.writeFileSync(store.previousPath, text.replace('"version":2', '"version":7'));
    const { newest, problems } = store.loadNewest();
    expect(newest).toBeUndefined();
    expect(problems).toEqual([
      expect.stringContaining(`${store.path}: the text is not valid JSON (`),
      expect.stringContaining(
        `${store.previousPath}: version: is 7, and this streamprop reads version 2 only`,
      ),
    ]);
  });

  it('a file that cannot be read is reported', () => {
    const dir = scratch();
    const store = checkpointStore(join(dir, 'run.ckpt'));
    fs.mkdirSync(store.path); // a directory where the file should be
    fs.writeFileSync(store.previousPath, JSON.stringify(checkpointAt(5)));
    const { newest, problems } = store.loadNewest();
    expect(newest?.checkpoint.samples).toBe(5);
    expect(problems).toEqual([expect.stringContaining(`${store.path}: cannot be read (`)]);
  });

  it('only a previous file (a save stopped between its renames): used, no problem', () => {
    const dir = scratch();
    const store = checkpointStore(join(dir, 'run.ckpt'));
    fs.writeFileSync(store.previousPath, JSON.stringify(checkpointAt(7)));
    expect(store.loadNewest()).toEqual({
      newest: { path: store.previousPath, checkpoint: JSON.parse(JSON.stringify(checkpointAt(7))) },
      problems: [],
    });
  });

  it('refuses an unsound checkpoint and changes nothing', () => {
    const dir = scratch();
    const store = checkpointStore(join(dir, 'run.ckpt'));
    store.save(checkpointAt(1));
    store.save(checkpointAt(2));
    const bad = checkpointAt(3);
    (bad.model as NonNullable<typeof bad.model>).layers[0].weights[0][0] = Number.NaN; // a diverged weight: JSON would write null
    expect(() => store.save(bad)).toThrow(
      'CheckpointStore.save: nothing was written, the checkpoint is unsound: model.layers[0].weights[0][0]: Invalid input: expected number, received null',
    );
    expect(filesIn(dir)).toEqual(['run.ckpt', 'run.ckpt.1']);
    expect([samplesIn(store.path), samplesIn(store.previousPath)]).toEqual([2, 1]);
  });

  it('never rotates a bad newest file over a sound previous one', () => {
    const dir = scratch();
    const path = join(dir, 'run.ckpt');
    checkpointStore(path).save(checkpointAt(1));
    checkpointStore(path).save(checkpointAt(2));
    fs.writeFileSync(path, '{"trunc');
    checkpointStore(path).save(checkpointAt(3)); // a new run (a new store) saves
    expect([samplesIn(path), samplesIn(`${path}.1`)]).toEqual([3, 1]);
  });

  it('deletes the temporary file of a dead writer at the first save, not that of a live one', () => {
    const dir = scratch();
    const path = join(dir, 'run.ckpt');
    const dead = `${path}.${2 ** 22 + 1}.tmp`; // above Linux's largest pid: no such process
    const live = `${path}.${process.ppid}.tmp`;
    const other = join(dir, 'other.ckpt.123.tmp');
    for (const f of [dead, live, other]) fs.writeFileSync(f, '{"half');
    checkpointStore(path).save(checkpointAt(1));
    expect(filesIn(dir)).toEqual(
      ['other.ckpt.123.tmp', 'run.ckpt', `run.ckpt.${process.ppid}.tmp`].sort(),
    );
  });

  it('a failed write leaves the files as they were and no temporary file', () => {
    const dir = scratch();
    const path = join(dir, 'run.ckpt');
    checkpointStore(path).save(checkpointAt(1));
    const full: CheckpointFileSystem = {
      ...(fs as unknown as CheckpointFileSystem),
      writeSync: () => {
        const e = new Error('ENOSPC: no space left on device') as NodeJS.ErrnoException;
        e.code = 'ENOSPC';
        throw e;
      },
    };
    expect(() => checkpointStore(path, { fileSystem: full }).save(checkpointAt(2))).toThrow(
      'ENOSPC',
    );
    expect(filesIn(dir)).toEqual(['run.ckpt']);
    expect(samplesIn(path)).toBe(1);
  });

  it('a failed save names the file (ENOSPC names none), keeps the code, and the next save works', () => {
    const dir = scratch();
    const path = join(dir, 'run.ckpt');
    let full = true;
    const fileSystem: CheckpointFileSystem = {
      ...(fs as unknown as CheckpointFileSystem),
      writeSync: (fd, buffer, offset, length) => {
        if (!full) return fs.writeSync(fd, buffer, offset, length);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
        });
      },
    };
    const store = checkpointStore(path, { fileSystem });
    let error: NodeJS.ErrnoException | undefined;
    try {
      store.save(checkpointAt(1));
    } catch (e) {
      error = e as NodeJS.ErrnoException;
    }
    expect(error?.message).toBe(
      `${path}.${process.pid}.tmp: ENOSPC: no space left on device, write`,
    );
    expect(error?.code).toBe('ENOSPC');
    full = false;
    store.save(checkpointAt(2));
    expect(samplesIn(path)).toBe(2);
  });

  it('a save failed between its renames is followed by sound ones (the newest file is looked at again)', () => {
    const dir = scratch();
    const path = join(dir, 'run.ckpt');
    let failRename = false;
    const fileSystem: CheckpointFileSystem = {
      ...(fs as unknown as CheckpointFileSystem),
      renameSync: (from, to) => {
        if (failRename && to === path) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        fs.renameSync(from, to);
      },
    };
    const store = checkpointStore(path, { fileSystem });
    store.save(checkpointAt(1));
    failRename = true;
    expect(() => store.save(checkpointAt(2))).toThrow('EIO'); // path went to path.1, then failed
    failRename = false;
    store.save(checkpointAt(3));
    expect(samplesIn(path)).toBe(3);
    expect(samplesIn(`${path}.1`)).toBe(1);
  });

  it('checkWritable: tries a save here without touching a checkpoint', () => {
    const dir = scratch();
    const path = join(dir, 'sub', 'run.ckpt');
    checkpointStore(path).checkWritable();
    expect(filesIn(join(dir, 'sub'))).toEqual([]);
    fs.mkdirSync(path);
    expect(() => checkpointStore(path).checkWritable()).toThrow(`EISDIR: ${path} is a directory`);
    fs.writeFileSync(join(dir, 'file'), 'x');
    expect(() => checkpointStore(join(dir, 'file', 'run.ckpt')).checkWritable()).toThrow(
      /ENOTDIR|EEXIST/,
    );
    const readOnly: CheckpointFileSystem = {
      ...(fs as unknown as CheckpointFileSystem),
      openSync: () => {
        throw Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' });
      },
    };
    const other = join(dir, 'ro.ckpt');
    expect(() => checkpointStore(other, { fileSystem: readOnly }).checkWritable()).toThrow(
      `${other}.${process.pid}.tmp: EROFS: read-only file system, open`,
    );
  });

  it('checks its arguments at once', () => {
    expect(() => checkpointStore('')).toThrow(
      'checkpointStore: path must be a non-empty string, got ""',
    );
    expect(() => checkpointStore(3 as never)).toThrow(TypeError);
    expect(() => checkpointStore('x', null as never)).toThrow(TypeError);
    expect(() =>
      checkpointStore('x', { fileSystem: { ...(fs as object), renameSync: 1 } as never }),
    ).toThrow('checkpointStore: fileSystem.renameSync must be a function');
  });
});

/** Thrown by the crashing file system: the process is "dead" from then on. */
class Killed extends Error {}

/**
 * node:fs, until its `at`-th call (0-based): that call does half its work at most (a write
 * writes half its bytes, anything else nothing) and throws, and so does every call after it.
 */
function crashingAt(at: number): { fileSystem: CheckpointFileSystem; calls: () => number } {
  let calls = 0;
  const real = fs as unknown as CheckpointFileSystem;
  const wrap =
    <A extends unknown[], R>(name: string, f: (...args: A) => R) =>
    (...args: A): R => {
      const k = calls++;
      if (k > at) throw new Killed(`dead (${name})`);
      if (k === at) {
        if (name === 'writeSync') {
          const [fd, buffer, offset, length] = args as unknown as [
            number,
            Uint8Array,
            number,
            number,
          ];
          real.writeSync(fd, buffer, offset, Math.floor(length / 2));
        }
        throw new Killed(`killed in ${name}`);
      }
      return f(...args);
    };
  const fileSystem: CheckpointFileSystem = {
    openSync: wrap('openSync', real.openSync.bind(fs)),
    writeSync: wrap('writeSync', real.writeSync.bind(fs)),
    fsyncSync: wrap('fsyncSync', real.fsyncSync.bind(fs)),
    closeSync: wrap('closeSync', real.closeSync.bind(fs)),
    renameSync: wrap('renameSync', real.renameSync.bind(fs)),
    unlinkSync: wrap('unlinkSync', real.unlinkSync.bind(fs)),
    readFileSync: wrap('readFileSync', real.readFileSync.bind(fs)),
    readdirSync: wrap('readdirSync', real.readdirSync.bind(fs)),
    mkdirSync: wrap('mkdirSync', real.mkdirSync.bind(fs)),
  };
  return { fileSystem, calls: () => calls };
}

describe('checkpointStore: killed at any instant of a save', () => {
  it.each([
    ['the first save', 0],
    ['the second save', 1],
    ['a later save', 2],
  ])(
    '%s: every crash point leaves a sound checkpoint (the old one or the new one)',
    (_name, before) => {
      const next = before + 1;
      // How many file calls one save makes (in a directory in the same state).
      const probeDir = scratch();
      for (let s = 1; s <= before; s++)
        checkpointStore(join(probeDir, 'run.ckpt')).save(checkpointAt(s));
      const probe = crashingAt(Number.POSITIVE_INFINITY);
      checkpointStore(join(probeDir, 'run.ckpt'), { fileSystem: probe.fileSystem }).save(
        checkpointAt(next),
      );
      const total = probe.calls();
      expect(total).toBeGreaterThan(6);

      let sawOld = 0;
      let sawNew = 0;
      for (let at = 0; at < total; at++) {
        const dir = scratch();
        const path = join(dir, 'run.ckpt');
        for (let s = 1; s <= before; s++) checkpointStore(path).save(checkpointAt(s));
        const crash = crashingAt(at);
        expect(() =>
          checkpointStore(path, { fileSystem: crash.fileSystem }).save(checkpointAt(next)),
        ).toThrow(Killed);

        // A new process looks for a checkpoint.
        const { newest, problems } = checkpointStore(path).loadNewest();
        expect(problems, `crash at call ${at}`).toEqual([]);
        if (before === 0) {
          // Before the first save completes there may be nothing yet, never something broken.
          if (newest !== undefined) expect(newest.checkpoint.samples).toBe(next);
        } else {
          expect(newest, `crash at call ${at}`).toBeDefined();
          expect([before, next]).toContain(newest?.checkpoint.samples);
          if (newest?.checkpoint.samples === before) sawOld++;
          else sawNew++;
        }
        // It goes on saving, and the store is back to two files.
        const store = checkpointStore(path);
        store.save(checkpointAt(next + 1));
        expect(samplesIn(store.path)).toBe(next + 1);
        expect(filesIn(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
        expect(filesIn(dir).length).toBeLessThanOrEqual(2);
        fs.rmSync(dir, { recursive: true, force: true });
      }
      if (before > 0) {
        expect(sawOld).toBeGreaterThan(0); // killed before the new file took the name
        expect(sawNew).toBeGreaterThan(0); // killed after it (while the directory was flushed)
      }
    },
  );
});
