import type { Loss } from '../core/losses.js';
import { Network } from '../core/network.js';
import type { Optimizer } from '../optim/optimizer.js';
import { describeValue } from './describeValue.js';

/** Throws a TypeError naming `operator` unless `net` is a {@link Network}. */
export function checkNetwork(operator: string, net: unknown): asserts net is Network {
  if (!(net instanceof Network)) {
    throw new TypeError(
      `${operator}: expected a network made with network({ … }), got ${describeValue(net)}`,
    );
  }
}

/** Throws a TypeError naming `operator` unless `lossFn` is a {@link Loss}. */
export function checkLoss(operator: string, lossFn: unknown): asserts lossFn is Loss {
  const l = lossFn as Partial<Loss> | null;
  if (
    l === null ||
    typeof l !== 'object' ||
    typeof l.value !== 'function' ||
    typeof l.gradient !== 'function'
  ) {
    throw new TypeError(
      `${operator}: expected a loss value such as mse(), got ${describeValue(lossFn)}`,
    );
  }
}

/** Throws a TypeError naming `operator` unless `optimizer` is an {@link Optimizer}. */
export function checkOptimizer(
  operator: string,
  optimizer: unknown,
): asserts optimizer is Optimizer {
  const o = optimizer as Partial<Optimizer> | null;
  if (o === null || typeof o !== 'object' || typeof o.step !== 'function') {
    throw new TypeError(
      `${operator}: expected an optimizer value such as sgd() or adam(), got ${describeValue(optimizer)}`,
    );
  }
}
