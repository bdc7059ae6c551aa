import { Observable } from 'rxjs';
import type { Sample } from '../samples/sample.js';

/**
 * `samples` without its first item; `onEmpty` is called when it completes without any item.
 * A resumed file source starts at the last record it had read, which this drops: a file now
 * shorter than the saved position then shows itself (nothing arrives at all).
 *
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { afterFirst } from './afterFirst.js';
 * afterFirst(of({ x: [1] }, { x: [2] }), () => console.log('empty')).subscribe((s) => console.log(s.x)); // [2]
 * ```
 */
export function afterFirst(samples: Observable<Sample>, onEmpty: () => void): Observable<Sample> {
  return new Observable<Sample>((subscriber) => {
    let seen = 0;
    return samples.subscribe({
      next: (sample) => {
        if (seen++ > 0) subscriber.next(sample);
      },
      error: (e: unknown) => subscriber.error(e),
      complete: () => {
        if (seen === 0) onEmpty();
        subscriber.complete();
      },
    });
  });
}
