import type { RunOptions } from './runOptions.js';

/**
 * Whether `streamprop run` serves the dashboard, and until when. A source that never ends (the
 * synthetic feeds, MQTT) serves it unless `--no-serve`. A file or standard input — which end —
 * serve it only when asked: with `--serve`, which also keeps it up after the last sample, with
 * the final figures, until Ctrl-C; or with a dashboard option (`--port`, `--host`, `--token`),
 * for as long as the run lasts. `--no-serve` never serves.
 *
 * @param given The names of the dashboard options given on the command line.
 *
 * @example
 * ```ts
 * import { servesDashboard } from './servesDashboard.js';
 * servesDashboard({ source: { kind: 'csv', path: 'a.csv' }, serve: true }, []); // { serve: true, afterEnd: true }
 * servesDashboard({ source: { kind: 'csv', path: 'a.csv' } }, []); // { serve: false, afterEnd: false }
 * ```
 */
export function servesDashboard(
  options: Pick<RunOptions, 'source' | 'serve'>,
  given: readonly string[],
): { readonly serve: boolean; readonly afterEnd: boolean } {
  const finite = options.source.kind === 'csv' || options.source.kind === 'ndjson';
  const serve = options.serve ?? (!finite || given.length > 0);
  return { serve, afterEnd: options.serve === true };
}
