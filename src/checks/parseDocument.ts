import type { z } from 'zod';

/**
 * Reads a parsed document (a saved state, a file, a wire message: parsed JSON, so `unknown`)
 * with its zod schema, and returns it typed. When it does not fit, throws at the first issue
 * with one message form, built from the schema's path of the wrong field:
 * `<owner>: <path>: <what zod says>`, for example
 * `MeanSquaredError.restore: sum: Invalid input: expected number, received string`. The path is
 * written as in code (`window.targets[3]`); a document wrong as a whole is named `what`. A value
 * of the wrong type gives a TypeError, any other issue a RangeError.
 *
 * @param owner - who reads it, for the message (`MetricsTracker.restore`).
 * @param what - the name of the whole document in the message (default `state`).
 * @param at - where the document sits in a larger one, prepended to the path of the issue (a
 * checkpoint reads its `controller` with the controller's own schema at `['controller']`, so
 * that the message says `controller.values.count`).
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { parseDocument } from './parseDocument.js';
 * const schema = z.object({ count: z.number().int().nonnegative() });
 * parseDocument('counter.restore', schema, { count: 3 }); // { count: 3 }
 * parseDocument('counter.restore', schema, { count: -1 });
 * // RangeError: counter.restore: count: Too small: expected number to be >=0
 * ```
 */
export function parseDocument<S extends z.ZodType>(
  owner: string,
  schema: S,
  value: unknown,
  what = 'state',
  at: readonly PropertyKey[] = [],
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const message = `${owner}: ${documentPath([...at, ...issue.path]) || what}: ${issue.message}`;
  throw issue.code === 'invalid_type' ? new TypeError(message) : new RangeError(message);
}

/**
 * A schema path as code writes it: `['window', 'targets', 3]` is `window.targets[3]`; the empty
 * path is the empty string.
 *
 * @example
 * ```ts
 * import { documentPath } from './parseDocument.js';
 * documentPath(['errors', 'window', 'targets', 3]); // 'errors.window.targets[3]'
 * ```
 */
export function documentPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  }
  return out;
}
