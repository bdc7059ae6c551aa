// Files for the tests of the file feeds (fromCsv, fromNdjson): written to a temporary folder of
// the test file's own, removed after its tests, and watched to see whether a feed still holds
// one open.
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temporary folder of test files (see {@link tempFiles}). */
export interface TempFiles {
  /** The folder. */
  readonly dir: string;
  /** A new file in the folder holding `text`; returns its path. */
  file(text: string): string;
}

/**
 * A new temporary folder named `prefix…`, removed after the calling test file's tests; its files
 * are named `data-<n><extension>`. Call it at the top level of a test file.
 */
export function tempFiles(prefix: string, extension: string): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  return {
    dir,
    file(text: string): string {
      const path = join(dir, `data-${files++}${extension}`);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** The file descriptors of this process open on `path` (Linux). */
export const openFds = (path: string): string[] =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // closed since the listing
    }
  });
