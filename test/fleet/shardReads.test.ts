import { describe, expect, it } from 'vitest';
import { entriesOfShardBytes } from '../../src/fleet/entryCursor.js';
import { memoryLog } from '../../src/fleet/memoryLog.js';
import { START_OFFSET } from '../../src/fleet/offset.js';
import type { LogEntry, ShardedLog } from '../../src/fleet/shardedLog.js';
import { type ShardPart, ShardReads } from '../../src/fleet/shardReads.js';
import { ShardState } from '../../src/fleet/shardState.js';

/** A memory log that counts its reads. */
function countingLog(): { log: ShardedLog; reads: () => number } {
  const inner = memoryLog({ shards: 2 });
  let reads = 0;
  const log: ShardedLog = {
    ...inner,
    read: (after, options) => {
      reads++;
      return inner.read(after, options);
    },
  };
  return { log, reads: () => reads };
}

const bodies = (parts: readonly ShardPart[] | undefined): string[] => {
  const out: LogEntry[] = [];
  for (const part of parts ?? []) entriesOfShardBytes(part, out);
  return out.map((e) => e.body);
};

/** What the worker does after applying `parts` whole: each shard's offset is its last entry's. */
const applyAll = (parts: readonly ShardPart[]) => {
  for (const part of parts) {
    const out: LogEntry[] = [];
    entriesOfShardBytes(part, out);
    part.state.offset = out[out.length - 1].offset;
  }
};

describe('ShardReads', () => {
  it('takes the batch read ahead when the previous was applied whole, with no other read', async () => {
    const { log, reads } = countingLog();
    const held = new Map(
      [0, 1].map((s) => [
        s,
        new ShardState(s, { shard: s, holder: 'w', epoch: 1 }, START_OFFSET, 0, new Map(), 0),
      ]),
    );
    await log.append(['a', 'b', 'c', 'd'].map((body, i) => ({ shard: i % 2, body })));
    const shardReads = new ShardReads(log, 2, (work) => work()); // two entries at a time
    const first = (await shardReads.next(held)) ?? [];
    expect(bodies(first)).toEqual(['a', 'c']); // shard 0's run
    shardReads.readAhead(first, held);
    applyAll(first);
    const before = reads();
    const second = (await shardReads.next(held)) ?? [];
    expect(reads()).toBe(before); // it was read ahead
    expect(bodies(second)).toEqual(['b', 'd']); // then shard 1's
  });

  it('reads shard after shard in turn, `batch` in all: a shard far behind keeps no other waiting', async () => {
    const log = memoryLog({ shards: 3 });
    const held = new Map(
      [0, 1, 2].map((s) => [
        s,
        new ShardState(s, { shard: s, holder: 'w', epoch: 1 }, START_OFFSET, 0, new Map(), 0),
      ]),
    );
    // Shard 0 is far behind; shards 1 and 2 have one entry each.
    await log.append([
      ...Array.from({ length: 9 }, (_, i) => ({ shard: 0, body: `a${i}` })),
      { shard: 1, body: 'b' },
      { shard: 2, body: 'c' },
    ]);
    const shardReads = new ShardReads(log, 3, (work) => work());
    const seen: string[][] = [];
    for (let i = 0; i < 4; i++) {
      const parts = (await shardReads.next(held)) ?? [];
      seen.push(bodies(parts));
      applyAll(parts);
    }
    expect(seen).toEqual([
      ['a0', 'a1', 'a2'],
      ['b', 'c', 'a3'], // after shard 0, the others, then shard 0 again (round)
      ['a4', 'a5', 'a6'],
      ['a7', 'a8'],
    ]);
  });

  it('drops the batch read ahead when a shard is not where it was read from, and reads again', async () => {
    const { log, reads } = countingLog();
    const state = new ShardState(
      0,
      { shard: 0, holder: 'w', epoch: 1 },
      START_OFFSET,
      0,
      new Map(),
      0,
    );
    const held = new Map([[0, state]]);
    await log.append(['a', 'b', 'c'].map((body) => ({ shard: 0, body })));
    const shardReads = new ShardReads(log, 2, (work) => work());
    const first = (await shardReads.next(held)) ?? [];
    expect(bodies(first)).toEqual(['a', 'b']);
    shardReads.readAhead(first, held);
    // Only 'a' was applied (the time budget ran out): the read ahead (after 'b') is no use.
    const applied: LogEntry[] = [];
    entriesOfShardBytes(first[0], applied);
    state.offset = applied[0].offset;
    const before = reads();
    expect(bodies(await shardReads.next(held))).toEqual(['b', 'c']);
    expect(reads()).toBe(before + 1);
    // … nor when the shard is held anew (another holding, though at the same offset).
    shardReads.readAhead([], held);
    const again = new ShardState(
      0,
      { shard: 0, holder: 'w', epoch: 2 },
      state.offset,
      1,
      new Map(),
      0,
    );
    held.set(0, again);
    const parts = (await shardReads.next(held)) ?? [];
    expect(parts.map((p) => p.state)).toEqual([again]);
    expect(bodies(parts)).toEqual(['b', 'c']);
  });
});
