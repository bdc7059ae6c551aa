/**
 * A document as text or as parsed JSON, parsed: text goes through `JSON.parse`, anything else
 * is returned as it is. Text that is empty or not JSON (as a file cut short is not) throws an
 * Error naming `owner` and `what`, such as `fromJSON: the file is not valid JSON (…)`.
 *
 * @example
 * ```ts
 * import { readJson } from './readJson.js';
 * readJson('fromJSON', '{"a": 1}', 'file'); // { a: 1 }
 * readJson('fromJSON', { a: 1 }, 'file'); // { a: 1 }, as it was
 * ```
 */
export function readJson(owner: string, json: unknown, what: string): unknown {
  if (typeof json !== 'string') return json;
  if (json.length === 0) throw new Error(`${owner}: the ${what} is empty`);
  try {
    return JSON.parse(json);
  } catch (e) {
    throw new Error(`${owner}: the ${what} is not valid JSON (${(e as Error).message})`);
  }
}
