import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of the installed streamprop package, read from the `package.json` found above
 * this module (`dist/src/cli/` in the package, `src/cli/` in the repository).
 *
 * @example
 * ```ts
 * import { packageVersion } from './packageVersion.js';
 * console.log(packageVersion()); // '0.1.0'
 * ```
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (json.name === 'streamprop' && typeof json.version === 'string') return json.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
