import { lastOffsetOf, shardBytesOf } from './entryCursor.js';
import type { Offset } from './offset.js';
import type { ReadOptions, ShardBytes, ShardedLog } from './shardedLog.js';
import type { ShardState } from './shardState.js';

/** How long a read waits for entries, in ms: short, so that new shards and stops are seen soon. */
const READ_WAIT_MS = 100;

/** @internal The entries of one shard a read gave, and the holding of the shard they were read for. */
export interface ShardPart extends ShardBytes {
  readonly state: ShardState;
}

/** A read under way: the shards (their holdings) and offsets it reads after. */
interface Pending {
  readonly states: readonly ShardState[];
  readonly offsets: readonly Offset[];
  readonly reply: Promise<ShardBytes[] | undefined>;
}

/**
 * @internal The reads of a worker: the entries after each held shard's offset, `batch` in all
 * at most. While a batch is applied, the next is read already ({@link ShardReads.readAhead}):
 * Redis and the network work while the worker learns. A batch read ahead is used only if every
 * shard is still held by the same holding, at the offset it was read after — that is, only if
 * it is exactly what a read now would ask for; otherwise it is dropped and read again.
 */
export class ShardReads {
  private ahead: Pending | undefined;

  /**
   * @param call runs a call to the log; a failure is counted and told, and gives `undefined`.
   */
  constructor(
    private readonly log: ShardedLog,
    private readonly batch: number,
    private readonly call: <T>(work: () => Promise<T>) => Promise<T | undefined>,
  ) {}

  /**
   * The next entries of the shards `held`, after their offsets: the batch read ahead if it is
   * still the right one, else a new read, waiting a little when there is nothing yet;
   * `undefined` when the log failed.
   */
  async next(held: ReadonlyMap<number, ShardState>): Promise<ShardPart[] | undefined> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead !== undefined) {
      // Awaited even when it is no use (it does not wait on the log): no call is left behind.
      const reply = await ahead.reply;
      if (matches(ahead, held) && reply !== undefined && reply.length > 0) {
        return parts(reply, ahead.states);
      }
    }
    const states = [...held.values()];
    const reading = this.read(
      states,
      states.map((s) => s.offset),
      READ_WAIT_MS,
    );
    const reply = await reading.reply;
    return reply === undefined ? undefined : parts(reply, states);
  }

  /**
   * Starts reading the batch that follows `current` — after the last entry of each shard in it,
   * or after the shard's offset when it has none — to be taken by the next {@link next} if
   * `current` was applied whole.
   */
  readAhead(current: readonly ShardPart[], held: ReadonlyMap<number, ShardState>): void {
    const last = new Map<ShardState, Offset>();
    for (const part of current) {
      const offset = lastOffsetOf(part);
      if (offset !== undefined) last.set(part.state, offset);
    }
    const states = [...held.values()];
    this.ahead = this.read(
      states,
      states.map((s) => last.get(s) ?? s.offset),
      0,
    );
  }

  /** Waits for a read ahead still under way (a worker stopping leaves no call behind). */
  async settle(): Promise<void> {
    await this.ahead?.reply;
    this.ahead = undefined;
  }

  private read(states: readonly ShardState[], offsets: readonly Offset[], waitMs: number): Pending {
    const after = new Map<number, Offset>();
    for (let i = 0; i < states.length; i++) after.set(states[i].shard, offsets[i]);
    const options: ReadOptions = {
      count: Math.max(1, Math.ceil(this.batch / Math.max(1, states.length))),
      waitMs,
    };
    const log = this.log;
    const reply =
      states.length === 0
        ? Promise.resolve([])
        : this.call(async () =>
            log.readBytes === undefined
              ? shardBytesOf(await log.read(after, options))
              : log.readBytes(after, options),
          );
    return { states, offsets, reply };
  }
}

/** Whether a read was asked for exactly the shards `held`, each at its offset now. */
function matches(pending: Pending, held: ReadonlyMap<number, ShardState>): boolean {
  if (pending.states.length !== held.size) return false;
  for (let i = 0; i < pending.states.length; i++) {
    const state = pending.states[i];
    if (held.get(state.shard) !== state || state.offset !== pending.offsets[i]) return false;
  }
  return true;
}

function parts(reply: readonly ShardBytes[], states: readonly ShardState[]): ShardPart[] {
  const byShard = new Map(states.map((s) => [s.shard, s]));
  const out: ShardPart[] = [];
  for (const part of reply) {
    const state = byShard.get(part.shard);
    if (state !== undefined) out.push({ shard: part.shard, bytes: part.bytes, state });
  }
  return out;
}
