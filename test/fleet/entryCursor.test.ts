import { describe, expect, it } from 'vitest';
import { EntryCursor, lastOffsetOf } from '../../src/fleet/entryCursor.js';

describe('EntryCursor', () => {
  it('walks "<offset> <length> <body>" entries in place, bodies counted in UTF-8 bytes', () => {
    const bytes = Buffer.from('1-0 2 ab12-3 5 é€9-9 0 ');
    const cursor = new EntryCursor().reset({ shard: 5, bytes });
    const seen: [string, string][] = [];
    while (cursor.next()) seen.push([cursor.offset(), cursor.body()]);
    expect(seen).toEqual([
      ['1-0', 'ab'],
      ['12-3', 'é€'], // 2 + 3 bytes
      ['9-9', ''],
    ]);
  });

  it('says which shard gave a broken reply, and where', () => {
    for (const broken of ['1-0 9 short', '1-0 x body', '1-0', '1-0 2ab']) {
      const cursor = new EntryCursor().reset({ shard: 7, bytes: Buffer.from(broken) });
      expect(() => {
        while (cursor.next());
      }).toThrow('a read of shard 7 gave a broken reply at byte 0');
    }
  });

  it('finds the offset of the last entry, or none', () => {
    expect(lastOffsetOf({ shard: 0, bytes: Buffer.from('1-0 1 a2-0 1 b') })).toBe('2-0');
    expect(lastOffsetOf({ shard: 0, bytes: Buffer.alloc(0) })).toBeUndefined();
  });
});
