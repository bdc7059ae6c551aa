import { describe, expect, it } from 'vitest';
import { compareOffsets, isOffset, offsetAt } from '../../src/fleet/offset.js';
import { fnv1a, shardOf } from '../../src/fleet/shardOf.js';

describe('shardOf', () => {
  it('is FNV-1a (32 bits) of the key modulo the shard count', () => {
    // The published FNV-1a test vectors.
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
    expect(shardOf('foobar', 64)).toBe(0xbf9cf968 % 64);
    expect(shardOf(17, 10)).toBe(fnv1a('17') % 10);
    expect(shardOf(undefined, 10)).toBe(fnv1a('') % 10);
    expect(fnv1a('é')).toBe(fnv1a('\u00e9')); // UTF-8 bytes
  });

  it('spreads keys over the shards', () => {
    const counts = new Array(64).fill(0);
    for (let i = 0; i < 6400; i++) counts[shardOf(`sensor-${i}`, 64)]++;
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(150);
  });

  it('checks the shard count', () => {
    expect(() => shardOf('a', 0)).toThrow('shardOf: shards must be a positive integer, got 0');
  });
});

describe('offsets', () => {
  it('order by time, then sequence, as numbers', () => {
    expect(compareOffsets('9-0', '10-0')).toBeLessThan(0);
    expect(compareOffsets('10-2', '10-10')).toBeLessThan(0);
    expect(compareOffsets('10-2', '10-2')).toBe(0);
    expect(compareOffsets('11-0', '10-99')).toBeGreaterThan(0);
    expect(offsetAt(1234.9)).toBe('1234-0');
    expect(offsetAt(-5)).toBe('0-0');
    expect(isOffset('1-2')).toBe(true);
    expect(isOffset('1-')).toBe(false);
    expect(isOffset(12)).toBe(false);
    expect(() => compareOffsets('x', '1-0')).toThrow(
      'compareOffsets: an offset must be "<milliseconds>-<sequence>", got "x"',
    );
  });
});
