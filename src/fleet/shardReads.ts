import { lastOffsetOf, shardBytesOf } from './entryCursor.js';
import type { Offset } from './offset.js';
import type { ReadOptions, ShardBytes, ShardedLog } from './shardedLog.js';
import type { ShardState } from './shardState.js';

/** How long a read waits for entries, in ms: short, so that new shards and stops are seen soon. */
const READ_WAIT_MS = 100;
/**
 * At most this many entries of one shard per read: long runs of one shard, but not longer —
 * Redis's read script pays more per entry for longer ones (`npm run bench:scale`, one worker:
 * about 2.5 µs of Redis CPU per sample at 1,000, 3.1 µs at 5,000).
 */
const SHARD_RUN = 1000;

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
 * at most, shard after shard in turn, at most {@link SHARD_RUN} of each — a read starts with the
 * shard after the last one the previous read gave entries of, so that a shard far behind cannot
 * keep the others waiting for more than one turn. Long runs of one shard's entries make few, large
 * reads (a read costs the worker much more than an entry) and keep each key's model in the
 * processor's caches while its samples are learned one after the other. While a batch is
 * applied, the next is read already ({@link ShardReads.readAhead}): Redis and the network work
 * while the worker learns. A batch read ahead is used only if every shard is still held by the
 * same holding, at the offset it was read after — that is, only if it is exactly what a read
 * now would ask for; otherwise it is dropped and read again.
 */
export class ShardReads {
  private ahead: Pending | undefined;
  /** The shard the next read starts with (the shards held are read in the order of their numbers from it, round). */
  private start = 0;

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
    const states = this.inTurn(held);
    const reading = this.read(
      states,
      states.map((s) => s.offset),
      READ_WAIT_MS,
    );
    const reply = await reading.reply;
    if (reply === undefined) return undefined;
    this.turnAfter(reply);
    return parts(reply, states);
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
    this.turnAfter(current);
    const states = this.inTurn(held);
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

  /** The shards held, in the order the next read takes them: by number, from {@link start}, round. */
  private inTurn(held: ReadonlyMap<number, ShardState>): ShardState[] {
    const states = [...held.values()].sort((a, b) => a.shard - b.shard);
    const first = states.findIndex((s) => s.shard >= this.start);
    if (first <= 0) return states;
    return [...states.slice(first), ...states.slice(0, first)];
  }

  /** The next read starts after the last shard `reply` gave entries of. */
  private turnAfter(reply: readonly ShardBytes[]): void {
    if (reply.length > 0) this.start = reply[reply.length - 1].shard + 1;
  }

  private read(states: readonly ShardState[], offsets: readonly Offset[], waitMs: number): Pending {
    const after = new Map<number, Offset>();
    for (let i = 0; i < states.length; i++) after.set(states[i].shard, offsets[i]);
    const options: ReadOptions = {
      count: Math.min(SHARD_RUN, this.batch),
      limit: this.batch,
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
