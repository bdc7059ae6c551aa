import type { LogEntry, ShardBytes } from './shardedLog.js';

const SPACE = 32;

/**
 * @internal Walks the entries of a {@link ShardBytes} in place: after each `next()`, where the
 * entry's offset and body lie in `bytes`; their texts are made only when asked for. One cursor
 * is reused for every read.
 */
export class EntryCursor {
  bytes: Buffer = Buffer.alloc(0);
  offsetStart = 0;
  offsetEnd = 0;
  bodyStart = 0;
  bodyEnd = 0;
  private shard = 0;

  /** Starts at the first entry of `part`. */
  reset(part: ShardBytes): this {
    this.bytes = part.bytes;
    this.shard = part.shard;
    this.offsetStart = this.offsetEnd = this.bodyStart = this.bodyEnd = 0;
    return this;
  }

  /**
   * Moves to the next entry; `false` after the last.
   *
   * @throws Error when the bytes are not in the form of {@link ShardBytes}.
   */
  next(): boolean {
    const bytes = this.bytes;
    const at = this.bodyEnd;
    if (at >= bytes.length) return false;
    let i = at;
    while (i < bytes.length && bytes[i] !== SPACE) i++;
    let length = 0;
    let j = i + 1;
    for (; j < bytes.length && bytes[j] !== SPACE; j++) {
      const d = bytes[j] - 48;
      if (d < 0 || d > 9) break;
      length = length * 10 + d;
    }
    if (i === at || j === i + 1 || bytes[j] !== SPACE || j + 1 + length > bytes.length) {
      throw new Error(`a read of shard ${this.shard} gave a broken reply at byte ${at}`);
    }
    this.offsetStart = at;
    this.offsetEnd = i;
    this.bodyStart = j + 1;
    this.bodyEnd = j + 1 + length;
    return true;
  }

  /** The offset of the entry. */
  offset(): string {
    return this.bytes.toString('latin1', this.offsetStart, this.offsetEnd);
  }

  /** The body of the entry. */
  body(): string {
    return this.bytes.toString('utf8', this.bodyStart, this.bodyEnd);
  }
}

/** The offset of the last entry of `part` (`undefined` when it has none). */
export function lastOffsetOf(part: ShardBytes): string | undefined {
  const cursor = new EntryCursor().reset(part);
  let start = -1;
  while (cursor.next()) start = cursor.offsetStart;
  return start < 0 ? undefined : cursor.bytes.toString('latin1', start, cursor.offsetEnd);
}

/** The entries of a {@link ShardBytes}, appended to `out` (one object and two texts each). */
export function entriesOfShardBytes(part: ShardBytes, out: LogEntry[]): void {
  const cursor = new EntryCursor().reset(part);
  while (cursor.next())
    out.push({ shard: part.shard, offset: cursor.offset(), body: cursor.body() });
}

/**
 * The {@link ShardBytes} of entries, one per run of entries of one shard (a read gives each
 * shard's entries together, in order).
 */
export function shardBytesOf(entries: readonly LogEntry[]): ShardBytes[] {
  const out: ShardBytes[] = [];
  let i = 0;
  while (i < entries.length) {
    const shard = entries[i].shard;
    const pieces: string[] = [];
    for (; i < entries.length && entries[i].shard === shard; i++) {
      const { offset, body } = entries[i];
      pieces.push(`${offset} ${Buffer.byteLength(body)} ${body}`);
    }
    out.push({ shard, bytes: Buffer.from(pieces.join('')) });
  }
  return out;
}
