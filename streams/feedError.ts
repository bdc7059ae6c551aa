/**
 * @internal An error a feed's parser raises about its own input — a missing column, an unreadable
 * header — whose message names the feed and the source already (`fromCsv: data.csv has no column
 * "y" …`). `replay` passes it on as it is; any other error of a parser (a library's) gets the
 * feed and the source put in front of its message, kept as its `cause`.
 *
 * @example
 * ```ts
 * import { FeedError } from './feedError.js';
 * throw new FeedError('fromCsv: data.csv has no column "y" (its columns: a, b)');
 * ```
 */
export class FeedError extends Error {
  override readonly name = 'FeedError';
}
