import { describe, expect, it } from 'vitest';
import {
  argumentError,
  checkBoolean,
  checkFiniteNumber,
  checkFunction,
  checkIdentifier,
  checkInterval,
  checkNonEmptyString,
  checkNonNegativeInteger,
  checkNonNegativeNumber,
  checkOneOf,
  checkOptions,
  checkPositiveInteger,
  checkPositiveNumber,
  describeInterval,
} from '../../src/checks/argumentChecks.js';

describe('argumentError', () => {
  it('builds the one message form, a TypeError for a value of the wrong type', () => {
    const e = argumentError('feed', 'rate', 'a number > 0', '3', 'number');
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('feed: rate must be a number > 0, got "3"');
  });

  it('gives a RangeError for a value of the right type out of range, or with no type named', () => {
    expect(argumentError('feed', 'rate', 'a number > 0', -1, 'number')).toBeInstanceOf(RangeError);
    expect(argumentError('feed', 'rate', 'a number > 0', -1)).toBeInstanceOf(RangeError);
    expect(argumentError('o', 'options', 'an object', null, 'object')).toBeInstanceOf(TypeError);
  });
});

describe('the rule checks', () => {
  it('return the value they accept', () => {
    expect(checkFiniteNumber('o', 'n', -2.5)).toBe(-2.5);
    expect(checkPositiveInteger('o', 'n', 3)).toBe(3);
    expect(checkNonNegativeInteger('o', 'n', 0)).toBe(0);
    expect(checkPositiveNumber('o', 'n', 1e-9)).toBe(1e-9);
    expect(checkNonNegativeNumber('o', 'n', 0)).toBe(0);
    expect(checkBoolean('o', 'b', false)).toBe(false);
    expect(checkNonEmptyString('o', 's', 'x')).toBe('x');
    expect(checkIdentifier('o', 'prefix', 'sensors:eu-1.a_b')).toBe('sensors:eu-1.a_b');
    expect(() => checkIdentifier('o', 'prefix', 'a{b}')).toThrow(
      'o: prefix must be a name of 1 to 200 letters, digits, ".", "_", "-" or ":", got "a{b}"',
    );
    expect(() => checkIdentifier('o', 'prefix', 7)).toThrow(TypeError);
    expect(checkOneOf('o', 'w', 'skip', ['skip', 'error'] as const)).toBe('skip');
    const f = (): number => 1;
    expect(checkFunction('o', 'f', f)).toBe(f);
    expect(checkOptions('o', undefined)).toEqual({});
    const options = { a: 1 };
    expect(checkOptions('o', options)).toBe(options);
  });

  it.each([
    [
      () => checkFiniteNumber('o', 'n', Number.NaN),
      RangeError,
      'o: n must be a finite number, got NaN',
    ],
    [() => checkFiniteNumber('o', 'n', '1'), TypeError, 'o: n must be a finite number, got "1"'],
    [() => checkPositiveInteger('o', 'n', 0), RangeError, 'o: n must be a positive integer, got 0'],
    [
      () => checkPositiveInteger('o', 'n', 1.5),
      RangeError,
      'o: n must be a positive integer, got 1.5',
    ],
    [
      () => checkNonNegativeInteger('o', 'n', -1),
      RangeError,
      'o: n must be an integer >= 0, got -1',
    ],
    [() => checkPositiveNumber('o', 'n', 0), RangeError, 'o: n must be a finite number > 0, got 0'],
    [
      () => checkNonNegativeNumber('o', 'n', Number.POSITIVE_INFINITY),
      RangeError,
      'o: n must be a finite number >= 0, got Infinity',
    ],
    [() => checkBoolean('o', 'b', 1), TypeError, 'o: b must be true or false, got 1'],
    [
      () => checkNonEmptyString('o', 's', ''),
      RangeError,
      'o: s must be a non-empty string, got ""',
    ],
    [
      () => checkOneOf('o', 'w', 'drop', ['skip', 'error'] as const),
      RangeError,
      `o: w must be 'skip' or 'error', got "drop"`,
    ],
    [
      () => checkOneOf('o', 'w', 3, ['skip', 'error', 'warn'] as const),
      TypeError,
      `o: w must be 'skip', 'error' or 'warn', got 3`,
    ],
    [() => checkFunction('o', 'f', {}), TypeError, 'o: f must be a function, got an object'],
    [() => checkOptions('o', 3 as never), TypeError, 'o: options must be an object, got 3'],
    [
      () => checkOptions('o', [] as never),
      RangeError,
      'o: options must be an object, got an array of length 0',
    ],
  ])('%#: throws the error naming owner, option and value', (call, kind, message) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});

describe('checkInterval', () => {
  it('accepts the bounds it includes and refuses those it excludes', () => {
    const unitOpenAbove = { min: 0, max: 1, maxOpen: true };
    expect(checkInterval('o', 'd', 0, unitOpenAbove)).toBe(0);
    expect(() => checkInterval('o', 'd', 1, unitOpenAbove)).toThrow(
      'o: d must be a finite number in [0, 1), got 1',
    );
    expect(() => checkInterval('o', 'd', 0, { min: 0, max: 1, minOpen: true })).toThrow(
      'o: d must be a finite number in (0, 1], got 0',
    );
    expect(() =>
      checkInterval('o', 'k', 2.5, { min: 1, max: Number.POSITIVE_INFINITY, integer: true }),
    ).toThrow('o: k must be an integer in [1, ∞), got 2.5');
  });

  it('names unbounded intervals with ∞', () => {
    expect(describeInterval({ min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY })).toBe(
      'a finite number in (-∞, ∞)',
    );
  });
});
