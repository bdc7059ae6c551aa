import { Observable, type OperatorFunction } from 'rxjs';
import { Relay } from './relay.js';

/**
 * @internal One operator run once per sample for several candidates of an `ensemble`, which
 * feeds every candidate the same sample in turn: `sharedStage(op)` returns a maker of operators
 * (call it once per candidate, before the ensemble subscribes) whose outputs are those of one
 * subscription to `op`. Each sample goes through `op` when the first candidate asks for it; the
 * others receive the same (lent) output. Every candidate must take every sample — as in an
 * ensemble — and none may change what it receives. The result is that of giving each candidate
 * its own copy of `op`, for a deterministic `op`, at the memory and time of one.
 *
 * @example
 * ```ts
 * import { map, pipe } from 'rxjs';
 * import { sharedStage } from './sharedStage.js';
 * const scaled = sharedStage(map((v: number) => v / 10));
 * const a = scaled();
 * const b = pipe(scaled(), map((v) => -v));
 * ```
 */
export function sharedStage<S, R>(operator: OperatorFunction<S, R>): () => OperatorFunction<S, R> {
  let relay: Relay<S, R> | undefined;
  let fans = 0;
  let subscribed = 0;
  let served = 0;
  let out: R | undefined;
  return () => {
    fans++;
    return (source) =>
      new Observable<R>((subscriber) => {
        relay ??= new Relay(operator, (error) => subscriber.error(error));
        subscribed++;
        const subscription = source.subscribe({
          next: (sample) => {
            if (served === 0) out = relay?.push(sample);
            served = served + 1 === fans ? 0 : served + 1;
            if (out !== undefined) subscriber.next(out);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
        return () => {
          subscription.unsubscribe();
          if (--subscribed === 0) {
            relay?.complete();
            relay = undefined;
            served = 0;
            out = undefined;
          }
        };
      });
  };
}
