import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';

/**
 * @internal Feeds an operator one value at a time, synchronously, and hands back what it
 * emitted last for that value (`undefined` when it emitted nothing). An error of the operator
 * goes to `onError`.
 *
 * @example
 * ```ts
 * import { map } from 'rxjs';
 * import { Relay } from './relay.js';
 * const double = new Relay(map((v: number) => 2 * v), (e) => console.error(e));
 * console.log(double.push(21)); // 42
 * double.complete();
 * ```
 */
export class Relay<S, R> {
  private relay: Subscriber<S> | undefined;
  private last: R | undefined;
  private readonly subscription;

  constructor(operator: OperatorFunction<S, R>, onError: (error: unknown) => void) {
    const input = new Observable<S>((relay) => {
      this.relay = relay;
    });
    this.subscription = operator(input).subscribe({
      next: (value) => {
        this.last = value;
      },
      error: onError,
    });
  }

  /** Feeds `value`; what the operator emitted for it (the last, if several). */
  push(value: S): R | undefined {
    this.last = undefined;
    this.relay?.next(value);
    return this.last;
  }

  /** Completes the operator's input and lets it go. */
  complete(): void {
    this.relay?.complete();
    this.subscription.unsubscribe();
  }
}
