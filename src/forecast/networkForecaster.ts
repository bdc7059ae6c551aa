import { z } from 'zod';
import { documentPath } from '../checks/parseDocument.js';
import { linear, tanh } from '../core/activations.js';
import { dense } from '../core/dense.js';
import { type Loss, mse } from '../core/losses.js';
import { type Network, network } from '../core/network.js';
import type { Trace } from '../core/trace.js';
import { backpropagateStep } from '../operators/backward.js';
import { Forwarder } from '../operators/forward.js';
import { scoreStep } from '../operators/loss.js';
import { readUpdateSettings, Updater } from '../operators/update.js';
import { defaultOptimizer } from '../optim/defaultOptimizer.js';
import { type Optimizer, optimizerStateSchema } from '../optim/optimizer.js';
import type { Sample } from '../samples/sample.js';
import type { Forecast } from '../steps/forecast.js';

/** @internal The schema of a {@link NetworkForecaster}'s saved state. */
export const networkForecasterStateSchema = z.object({
  seq: z.number().int().nonnegative(),
  parameters: z.array(z.number()),
  optimizer: optimizerStateSchema,
});

/** @internal The saved state of a {@link NetworkForecaster}. */
export type NetworkForecasterState = z.infer<typeof networkForecasterStateSchema>;

const SETTINGS = readUpdateSettings({});

/**
 * @internal A small network trained online, one sample at a time: exactly what
 * `train(net, { loss: mse(), optimizer: defaultOptimizer(rate), onInvalid: 'skip' })` does per
 * sample (forward, loss, backward, update), without an operator around it — a candidate of
 * `AutoForecaster`, on samples scaled by `normalize({ targets: true })`. The network has one
 * hidden layer of `hidden` tanh units and a linear output. Its state (the weights, the
 * optimizer's, the count of samples) can be saved and restored.
 *
 * @example
 * ```ts
 * import { NetworkForecaster } from './networkForecaster.js';
 * const net = new NetworkForecaster(2, 4, 1, 0.01);
 * console.log(net.next({ x: [0.5, -0.5], y: 1 }).output[0]); // the prediction before learning
 * ```
 */
export class NetworkForecaster<S extends Sample = Sample> {
  readonly network: Network;
  readonly optimizer: Optimizer;
  private readonly forwarder: Forwarder<S>;
  private readonly updater: Updater<S>;
  private readonly loss: Loss = mse();

  /**
   * @param shared A forecaster of the same shape whose trace this one shares: forecasters used
   * one after the other, each reading its forecast (in real units, its own) before the next runs.
   */
  constructor(
    inputs: number,
    hidden: number,
    seed: number,
    rate: number,
    shared?: NetworkForecaster<S>,
  ) {
    this.network = network({ inputs, layers: [dense(hidden, tanh), dense(1, linear)], seed });
    this.optimizer = defaultOptimizer(rate);
    this.forwarder = new Forwarder<S>(this.network, 'skip', shared?.trace);
    this.updater = new Updater<S>(this.network, this.optimizer, SETTINGS);
  }

  /** The trace of its passes. */
  get trace(): Trace {
    return this.forwarder.trace;
  }

  next(sample: S): Forecast<S> {
    const step = this.forwarder.next(sample);
    scoreStep(step, this.loss, 'skip');
    backpropagateStep(step, this.network);
    return this.updater.next(step);
  }

  /** A JSON-ready copy of its state. */
  state(): NetworkForecasterState {
    return {
      seq: this.forwarder.seq,
      parameters: Array.from(this.network.parameters),
      optimizer: this.optimizer.state() as NetworkForecasterState['optimizer'],
    };
  }

  /**
   * Restores what {@link state} returned, read with {@link networkForecasterStateSchema};
   * `owner` and `at` name it in an error (a state of another shape or optimizer).
   */
  load(saved: NetworkForecasterState, owner: string, at: readonly PropertyKey[]): void {
    const parameters = this.network.parameters;
    if (saved.parameters.length !== parameters.length) {
      throw new RangeError(
        `${owner}: ${documentPath([...at, 'parameters'])}: has ${saved.parameters.length} values, the network ${parameters.length}`,
      );
    }
    try {
      this.optimizer.restore(saved.optimizer);
    } catch (e) {
      throw new RangeError(
        `${owner}: ${documentPath([...at, 'optimizer'])}: ${(e as Error).message}`,
      );
    }
    parameters.set(saved.parameters);
    this.forwarder.seq = saved.seq;
  }
}
