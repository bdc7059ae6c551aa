import { describe, expect, it } from 'vitest';
import { checkArray } from '../../src/checks/arrayChecks.js';

describe('checkArray', () => {
  it('returns an array and names anything else in the one message form', () => {
    const entries = [{ shard: 0, body: 'a' }];
    expect(checkArray('append', 'entries', entries)).toBe(entries);
    expect(() => checkArray('log: append', 'entries', {}, 'an array of { shard, body }')).toThrow(
      new TypeError('log: append: entries must be an array of { shard, body }, got an object'),
    );
  });
});
