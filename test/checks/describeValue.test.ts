import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/checks/describeValue.js';

describe('describeValue', () => {
  it.each([
    ['3', '"3"'],
    [3, '3'],
    [Number.NaN, 'NaN'],
    [null, 'null'],
    [undefined, 'undefined'],
    [10n, '10n'],
    [{ a: 1 }, 'an object'],
    [[], 'an array of length 0'],
    [[1, 0], '[1, 0]'],
    [[1, Number.NaN, 3, 4], '[1, NaN, 3, 4]'],
    [[1, 2, 3, 4, 5], 'an array of length 5'],
    [['a', 'b'], 'an array of length 2'],
    ['x'.repeat(50), `"${'x'.repeat(40)}…"`],
  ])('value %# is described as %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it('names a function and hints that a factory may have been passed uncalled', () => {
    function adam(): void {}
    expect(describeValue(adam)).toBe('the function adam (did you mean adam(…)?)');
    expect(describeValue(() => 1)).toBe('the function anonymous (did you mean anonymous(…)?)');
  });
});
