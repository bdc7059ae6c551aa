// The two ways of learning mini-batches the batch tests compare: `train` with `batchSize` on one
// network, and the explicit pipe (forward → loss → backward → update with `batchSize`), which
// takes the samples one at a time, on another network of the same shape and seed.
import { from } from 'rxjs';
import {
  backward,
  forward,
  loss,
  mse,
  type Network,
  type Sample,
  type Step,
  sgd,
  train,
  update,
} from '../../src/index.js';
import { collect } from '../operators/snapshot.js';

/** The steps of `batched` learning `data` through `train` and of `reference` through the pipe (MSE, SGD). */
export function trainAndPipe(
  batched: Network,
  reference: Network,
  data: readonly Sample[],
  learningRate: number,
  batchSize: number,
): { viaTrain: Step[]; viaPipe: Step[] } {
  const viaTrain = collect(
    from(data).pipe(train(batched, { loss: mse(), optimizer: sgd({ learningRate }), batchSize })),
  ).values;
  const viaPipe = collect(
    from(data).pipe(
      forward(reference),
      loss(mse()),
      backward(reference),
      update(reference, sgd({ learningRate }), { batchSize }),
    ),
  ).values;
  return { viaTrain, viaPipe };
}
