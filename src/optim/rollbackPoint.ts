import type { Network } from '../core/network.js';
import { BufferedOptimizer, type OptimizerSnapshot } from './bufferedOptimizer.js';
import type { Optimizer } from './optimizer.js';

/**
 * @internal A saved copy of a network's parameters and its optimizer's state, to roll back
 * to. The copies are allocated once, by the constructor; {@link save} and {@link restore}
 * allocate nothing for the built-in optimizers. A custom optimizer is saved through its
 * `state()` / `restore()`, which allocate once per save.
 *
 * @example
 * ```ts
 * const point = new RollbackPoint(net, optimizer); // saves at once
 * // … learn …
 * point.restore(); // the weights and optimizer state are back; the learning rate is kept
 * ```
 */
export class RollbackPoint {
  private readonly net: Network;
  private readonly optimizer: Optimizer;
  private readonly parameters: Float64Array;
  private readonly snapshot: OptimizerSnapshot | undefined;
  private state: ReturnType<Optimizer['state']> | undefined;

  constructor(net: Network, optimizer: Optimizer) {
    this.net = net;
    this.optimizer = optimizer;
    this.parameters = new Float64Array(net.parameters.length);
    this.snapshot =
      optimizer instanceof BufferedOptimizer
        ? optimizer.createSnapshot(net.parameters.length)
        : undefined;
    this.save();
  }

  /** Copies the current parameters and optimizer state. */
  save(): void {
    this.parameters.set(this.net.parameters);
    if (this.snapshot !== undefined) {
      (this.optimizer as BufferedOptimizer).saveSnapshot(this.snapshot);
    } else {
      this.state = this.optimizer.state();
    }
  }

  /** Puts the saved parameters and optimizer state back, keeping the current learning rate. */
  restore(): void {
    this.net.parameters.set(this.parameters);
    if (this.snapshot !== undefined) {
      (this.optimizer as BufferedOptimizer).restoreSnapshot(this.snapshot);
    } else if (this.state !== undefined) {
      const rate = this.optimizer.learningRate;
      this.optimizer.restore(this.state);
      this.optimizer.learningRate = rate;
    }
  }
}
