import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { documentPath, parseDocument } from '../../src/checks/parseDocument.js';

const schema = z.object({
  count: z.number().int().nonnegative(),
  window: z.object({ targets: z.array(z.number()) }),
});

describe('parseDocument', () => {
  it('returns the document typed when it fits', () => {
    const value = { count: 2, window: { targets: [1, 2] } };
    expect(parseDocument('owner', schema, value)).toEqual(value);
  });

  it('names the first wrong field by its path: a TypeError for a wrong type', () => {
    const bad = { count: 1, window: { targets: [1, 'x'] } };
    expect(() => parseDocument('tracker.restore', schema, bad)).toThrow(TypeError);
    expect(() => parseDocument('tracker.restore', schema, bad)).toThrow(
      'tracker.restore: window.targets[1]: Invalid input: expected number, received string',
    );
  });

  it('a RangeError for a value of the right type out of range; the whole document by `what`', () => {
    expect(() => parseDocument('o', schema, { count: -1, window: { targets: [] } })).toThrow(
      RangeError,
    );
    expect(() => parseDocument('o', z.number().min(0), -1, 'the file')).toThrow(
      'o: the file: Too small: expected number to be >=0',
    );
    expect(() => parseDocument('o', schema, null)).toThrow(
      'o: state: Invalid input: expected object, received null',
    );
  });

  it('documentPath writes a path as code does', () => {
    expect(documentPath(['errors', 'window', 'targets', 3])).toBe('errors.window.targets[3]');
    expect(documentPath([0, 'a'])).toBe('[0].a');
    expect(documentPath([])).toBe('');
  });
});
