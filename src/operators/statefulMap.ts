import { defer, map, type OperatorFunction, tap } from 'rxjs';

/** The per-subscription state of a {@link statefulMap} operator. */
export interface MapState<In, Out> {
  /** Maps one value; a throw fails the stream with that error. */
  next(value: In): Out;
  /** Called once when the source completes, before the completion travels on. */
  complete?(): void;
}

/**
 * The shell of every streamprop operator: `init` runs once per subscription (so two
 * subscriptions never share hidden state and buffers are allocated once per subscription),
 * and a throw inside `next` or `complete` becomes a stream error that unsubscribes the
 * source — even a synchronous one such as `from(array)`.
 *
 * @example
 * ```ts
 * import { statefulMap } from 'streamprop';
 * import { from } from 'rxjs';
 * const runningSum = statefulMap(() => {
 *   let sum = 0;
 *   return { next: (v: number) => (sum += v) };
 * });
 * from([1, 2, 3]).pipe(runningSum).subscribe(console.log); // 1, 3, 6
 * ```
 */
export function statefulMap<In, Out>(init: () => MapState<In, Out>): OperatorFunction<In, Out> {
  return (source) =>
    defer(() => {
      const state = init();
      const mapped = source.pipe(map((value: In) => state.next(value)));
      const complete = state.complete?.bind(state);
      return complete ? mapped.pipe(tap({ complete })) : mapped;
    });
}
