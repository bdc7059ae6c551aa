/**
 * Where `streamprop run` reads its samples from, as `--source` names it:
 * - `sensor`: the synthetic multi-sensor feed (the default);
 * - `sales`: the synthetic daily store sales;
 * - `csv:PATH`: a CSV file with a header row, replayed;
 * - `ndjson:PATH`, or `ndjson:-` for standard input: one JSON sample per line;
 * - `mqtt://HOST:PORT/TOPIC`: the JSON samples published on an MQTT topic (`+`/`#` allowed).
 */
export type SourceSpec =
  | { readonly kind: 'sensor' }
  | { readonly kind: 'sales' }
  | { readonly kind: 'csv'; readonly path: string }
  | { readonly kind: 'ndjson'; readonly path: string | undefined }
  | { readonly kind: 'mqtt'; readonly url: string; readonly topic: string };

/** What `--source` accepts, for error messages and the help. */
export const SOURCE_FORMS =
  'sensor, sales, csv:PATH, ndjson:PATH, ndjson:- or mqtt://HOST:PORT/TOPIC';

/**
 * Reads a `--source` value.
 *
 * @returns the source, or a message saying what is wrong with `text`.
 *
 * @example
 * ```ts
 * import { parseSourceSpec } from './sourceSpec.js';
 * parseSourceSpec('mqtt://127.0.0.1:1883/sensors/#'); // { kind: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: 'sensors/#' }
 * ```
 */
export function parseSourceSpec(text: string): SourceSpec | string {
  if (text === 'sensor' || text === 'sales') return { kind: text };
  if (text.startsWith('csv:')) {
    const path = text.slice(4);
    return path === ''
      ? 'csv: needs a file path, as in csv:data/readings.csv'
      : { kind: 'csv', path };
  }
  if (text.startsWith('ndjson:')) {
    const path = text.slice(7);
    if (path === '') return 'ndjson: needs a file path, or - for standard input';
    return { kind: 'ndjson', path: path === '-' ? undefined : path };
  }
  if (text.startsWith('mqtt://') || text.startsWith('mqtts://')) {
    // The topic is everything after the first slash past the scheme; it may hold slashes and
    // `#`, which a URL parser would take for a fragment.
    const scheme = text.indexOf('://') + 3;
    const slash = text.indexOf('/', scheme);
    const topic = slash < 0 ? '' : text.slice(slash + 1);
    if (topic === '') return 'an MQTT source needs a topic, as in mqtt://127.0.0.1:1883/sensors/#';
    const url = text.slice(0, slash);
    try {
      const parsed = new URL(url);
      if (parsed.hostname === '') return `${url} names no host`;
    } catch {
      return `${url} is not a valid broker address`;
    }
    return { kind: 'mqtt', url, topic };
  }
  return `unknown source "${text}"; expected ${SOURCE_FORMS}`;
}

/**
 * A short name of the source, as the status block, the checkpoint and the resume check show it.
 *
 * @example
 * ```ts
 * import { describeSource } from './sourceSpec.js';
 * describeSource({ kind: 'ndjson', path: undefined }); // 'ndjson:-'
 * ```
 */
export function describeSource(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'sensor':
    case 'sales':
      return spec.kind;
    case 'csv':
      return `csv:${spec.path}`;
    case 'ndjson':
      return `ndjson:${spec.path ?? '-'}`;
    case 'mqtt':
      return `${spec.url}/${spec.topic}`;
  }
}
