// state() / restore(): saving and continuing an optimizer.
import { describe, expect, it } from 'vitest';
import { adam, type OptimizerState } from '../../src/index.js';
import { expectSameBits, factory, OPTIMIZERS, smallNet, trainFrom } from './fixtures.js';

const f64 = (...values: number[]): Float64Array => new Float64Array(values);

describe('state() and restore()', () => {
  for (const { name, make } of OPTIMIZERS) {
    it(`${name}: a restored copy continues bit-identically (3 steps, save, 4 more)`, () => {
      const net = smallNet();
      const original = make();
      trainFrom(net, original, 3);
      const saved = original.state();

      const copyNet = smallNet();
      copyNet.parameters.set(net.parameters);
      const copy = make();
      copy.learningRate = 0.5; // overwritten by restore
      copy.restore(saved);
      expect(copy.learningRate).toBe(original.learningRate);
      expect(copy.state().steps).toBe(3);

      trainFrom(net, original, 4, undefined, 3);
      trainFrom(copyNet, copy, 4, undefined, 3);
      expectSameBits(copyNet.parameters, net.parameters);
      expect(copy.state()).toEqual(original.state());
      expect(copy.state().steps).toBe(7);
    });

    it(`${name}: state() is plain JSON; a JSON round trip then restore continues identically`, () => {
      const net = smallNet();
      const original = make();
      trainFrom(net, original, 2);
      const saved = original.state();
      expect(Object.getPrototypeOf(saved)).toBe(Object.prototype);
      for (const values of Object.values(saved.buffers)) {
        expect(Array.isArray(values)).toBe(true);
        expect(values).toHaveLength(net.parameters.length);
      }
      const text = JSON.stringify(saved);
      const parsed = JSON.parse(text) as OptimizerState;
      expect(parsed).toEqual(saved);
      expect(parsed.name).toBe(name);

      const copyNet = smallNet();
      copyNet.parameters.set(net.parameters);
      const copy = make();
      copy.restore(parsed);
      trainFrom(net, original, 3, undefined, 2);
      trainFrom(copyNet, copy, 3, undefined, 2);
      expectSameBits(copyNet.parameters, net.parameters);
    });

    it(`${name}: state() is a copy that later steps and edits do not share`, () => {
      const optimizer = make();
      const params = f64(1, 2);
      optimizer.step(params, f64(0.5, -0.5));
      const saved = optimizer.state();
      const snapshot = JSON.stringify(saved);
      optimizer.step(params, f64(0.25, 0.75));
      expect(JSON.stringify(saved)).toBe(snapshot);
      // editing the saved object does not reach into the optimizer
      for (const values of Object.values(saved.buffers)) (values as number[]).fill(123);
      const after = optimizer.state();
      for (const values of Object.values(after.buffers)) expect(values).not.toContain(123);
    });

    it(`${name}: the state of an unstepped optimizer restores to a fresh one`, () => {
      const saved = make().state();
      expect(saved.steps).toBe(0);
      const restored = make();
      restored.step(f64(5, 5), f64(1, 1)); // some state of length 2 to forget
      restored.restore(saved);
      expect(restored.state().steps).toBe(0);
      const a = f64(1, -1, 0.5);
      const b = f64(1, -1, 0.5);
      restored.step(a, f64(0.2, 0.3, -0.4)); // a new length is fine: the state was empty
      make().step(b, f64(0.2, 0.3, -0.4));
      expectSameBits(a, b);
    });

    for (const other of OPTIMIZERS.filter((o) => o.name !== name)) {
      it(`${name}: restoring a ${other.name} state throws RangeError`, () => {
        const source = other.make();
        source.step(f64(1, 2), f64(0.1, 0.2));
        const target = make();
        expect(() => target.restore(source.state())).toThrow(RangeError);
        expect(() => target.restore(source.state())).toThrow(new RegExp(other.name));
        expect(target.state().steps).toBe(0);
      });
    }
  }

  it('restore() refuses a missing buffer, a negative step count and buffers of unequal length', () => {
    const adamFactory = factory('adam');
    const source = adamFactory();
    source.step(f64(1, 2), f64(0.1, 0.2));
    const good = source.state();
    const target = adamFactory();
    expect(() => target.restore({ ...good, buffers: { m: good.buffers.m } })).toThrow(
      new TypeError('adam.restore: buffers.v: Invalid input: expected array, received undefined'),
    );
    expect(() => target.restore({ ...good, steps: -1 })).toThrow(RangeError);
    expect(() => target.restore({ ...good, steps: 1.5 })).toThrow(/steps/);
    expect(() => target.restore({ ...good, buffers: { m: [1, 2], v: [1] } })).toThrow(
      'adam.restore: buffers.v: has 1 values, expected 2 (as long as the other buffers)',
    );
    expect(() => target.restore({ ...good, learningRate: -1 })).toThrow(/learningRate/);
    expect(() => target.restore({ ...good, buffers: { m: [1, Number.NaN], v: [1, 2] } })).toThrow(
      new TypeError('adam.restore: buffers.m[1]: Invalid input: expected number, received NaN'),
    );
  });

  it('restore() refuses a state saved with other hyper-parameters instead of silently changing them', () => {
    const source = adam({ beta1: 0.5 });
    source.step(f64(1, 2), f64(0.1, 0.2));
    const target = adam();
    expect(() => target.restore(source.state())).toThrow(
      'adam.restore: hyperParameters.beta1: saved with 0.5, this optimizer has 0.9; make it with the saved settings',
    );
    expect(target.state().hyperParameters.beta1).toBe(0.9);
    expect(target.state().steps).toBe(0);
  });
});
