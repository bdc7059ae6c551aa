// RollbackPoint (internal, behind adaptLearningRate's rollback) and the allocation-free
// snapshots of the built-in optimizers: restoring puts back the weights and the optimizer
// state bit for bit, keeps the learning rate, and learning then continues bit-identically.
import { describe, expect, it } from 'vitest';
import { adam, type Optimizer, sgd } from '../../src/index.js';
import { RollbackPoint } from '../../src/optim/rollbackPoint.js';
import { expectSameBits, OPTIMIZERS, smallNet, trainFrom } from './fixtures.js';

describe('RollbackPoint', () => {
  for (const { name, make } of OPTIMIZERS) {
    it(`${name}: save after 3 steps, 4 more, restore: weights and state as saved, bit for bit`, () => {
      const net = smallNet();
      const optimizer = make();
      trainFrom(net, optimizer, 3);
      const point = new RollbackPoint(net, optimizer);
      const savedParams = net.parameters.slice();
      const savedState = optimizer.state();

      trainFrom(net, optimizer, 4, undefined, 3);
      const afterFirstTry = net.parameters.slice();
      expect(Array.from(net.parameters)).not.toEqual(Array.from(savedParams));

      optimizer.learningRate = 0.001; // a rate set after the save is kept by restore
      point.restore();
      expectSameBits(net.parameters, savedParams);
      expect(optimizer.state()).toEqual({ ...savedState, learningRate: 0.001 });
      expect(optimizer.state().steps).toBe(3);

      // the same 4 steps at the saved rate again give the same bits
      optimizer.learningRate = savedState.learningRate;
      trainFrom(net, optimizer, 4, undefined, 3);
      expectSameBits(net.parameters, afterFirstTry);
    });
  }

  it('saved before the first step: restore is a fresh optimizer on the saved weights', () => {
    const net = smallNet();
    const optimizer = adam({ learningRate: 0.01 });
    const point = new RollbackPoint(net, optimizer); // no state buffers yet
    trainFrom(net, optimizer, 5);
    point.restore();
    expectSameBits(net.parameters, smallNet().parameters);
    expect(optimizer.state().steps).toBe(0);
    for (const values of Object.values(optimizer.state().buffers)) {
      expect(values.every((v) => v === 0)).toBe(true);
    }
    // and learning from there matches a fresh optimizer
    const twin = smallNet();
    const fresh = adam({ learningRate: 0.01 });
    trainFrom(net, optimizer, 3);
    trainFrom(twin, fresh, 3);
    expectSameBits(net.parameters, twin.parameters);
  });

  it('save() moves the point: a later restore returns to the latest save', () => {
    const net = smallNet();
    const optimizer = sgd({ learningRate: 0.1 });
    const point = new RollbackPoint(net, optimizer);
    trainFrom(net, optimizer, 2);
    point.save();
    const second = net.parameters.slice();
    trainFrom(net, optimizer, 2, undefined, 2);
    point.restore();
    expectSameBits(net.parameters, second);
  });

  it('restores state buffers the optimizer no longer has (after restore() of an empty state)', () => {
    const net = smallNet();
    const optimizer = adam({ learningRate: 0.01 });
    trainFrom(net, optimizer, 2);
    const saved = optimizer.state();
    const point = new RollbackPoint(net, optimizer);
    optimizer.restore(adam({ learningRate: 0.01 }).state()); // drops the buffers
    expect(optimizer.state().buffers.m).toEqual([]);
    point.restore();
    expect(optimizer.state()).toEqual(saved);
  });

  it('a custom optimizer is saved through its own state() / restore(); the rate is kept', () => {
    let restored: unknown;
    const custom: Optimizer = {
      name: 'sgd',
      learningRate: 0.1,
      step() {},
      reset() {},
      state() {
        return {
          name: 'sgd',
          learningRate: this.learningRate,
          hyperParameters: {},
          steps: 7,
          buffers: {},
        };
      },
      restore(state) {
        restored = state;
        this.learningRate = state.learningRate;
      },
    };
    const net = smallNet();
    const point = new RollbackPoint(net, custom);
    net.parameters.fill(3);
    custom.learningRate = 0.02;
    point.restore();
    expect(restored).toEqual({
      name: 'sgd',
      learningRate: 0.1,
      hyperParameters: {},
      steps: 7,
      buffers: {},
    });
    expect(custom.learningRate).toBe(0.02);
    expectSameBits(net.parameters, smallNet().parameters);
  });
});
