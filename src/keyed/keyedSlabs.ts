import { Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { Sample } from '../samples/sample.js';
import type { KeyedTrain } from './keyedTrain.js';
import { SlabLearner } from './slabLearner.js';

/** @internal byKey's settings, checked. */
export interface KeyedSettings<K> {
  readonly maxModels: number;
  readonly idleMs: number;
  readonly onEvict: ((key: K) => void) | undefined;
  readonly scheduler: SchedulerLike;
}

/**
 * @internal `byKey(keyOf, keyedTrain(…), options)`: one {@link SlabLearner} per subscription,
 * with byKey's behaviour — the least recently used key evicted beyond `maxModels`, keys idle for
 * `idleMs` evicted by a sweep on the scheduler, `onEvict` after each eviction, and at completion
 * every key closed, least recently used first (with metrics: each key's last snapshot).
 */
export function keyedSlabs<S extends Sample, K, R>(
  keyOf: (sample: S) => K,
  learner: KeyedTrain<S, R>,
  settings: KeyedSettings<K>,
): OperatorFunction<S, R> {
  const { maxModels, idleMs, onEvict, scheduler } = settings;
  return (source) =>
    new Observable<R>((subscriber) => {
      const idle = idleMs !== Number.POSITIVE_INFINITY;
      const slabs = new SlabLearner<S, K>(learner.options, scheduler, idle);
      const emit = (value: unknown): void => subscriber.next(value as R);
      const evict = (key: K): void => {
        slabs.close(key, emit);
        onEvict?.(key);
      };
      let sweeper: Subscription | undefined;
      if (idle) {
        sweeper = scheduler.schedule(function repeat() {
          const oldest = scheduler.now() - idleMs;
          while (slabs.size > 0 && slabs.oldestSeen <= oldest) {
            evict(slabs.leastRecent as K);
          }
          this.schedule(undefined, idleMs);
        }, idleMs);
      }
      const upstream = source.subscribe({
        next(sample) {
          try {
            slabs.learn(keyOf(sample), sample, emit, maxModels, evict);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error) => subscriber.error(error),
        complete() {
          sweeper?.unsubscribe();
          while (slabs.size > 0) slabs.close(slabs.leastRecent as K, emit);
          subscriber.complete();
        },
      });
      return () => {
        upstream.unsubscribe();
        sweeper?.unsubscribe();
      };
    });
}
