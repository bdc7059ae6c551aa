import { Observable, type OperatorFunction, Subject } from 'rxjs';
import type { Sample } from '../samples/sample.js';
import type { Step } from '../steps/step.js';
import type { SampleShape } from './learner.js';
import { RefusedRun } from './refusedRun.js';
import type { ResumedRun } from './resumeRun.js';

/** How many items may pass before the first one that shows the shape of the samples. */
const MAX_SHAPELESS = 10_000;

/**
 * Builds the pipeline once the shape of the samples is known — from the first item with an `x`
 * and a `y` that can be counted — and sends every item through it, the ones before included
 * (they are rejected and counted there like any other). For a resumed learner, that shape must
 * be its network's: samples of another shape end the run as refused ({@link RefusedRun}).
 * Items that never reach a pipeline (the source ended or failed first) go to `unshaped`.
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { shaped } from './shaped.js';
 * declare const build: (shape: { inputs: number; outputs: number }) => import('rxjs').OperatorFunction<import('streamprop').Sample, import('streamprop').Step>;
 * from([{ x: [1, 2], y: 3 }]).pipe(shaped(undefined, build, () => {})).subscribe();
 * ```
 */
export function shaped(
  resumed: ResumedRun | undefined,
  build: (shape: SampleShape) => OperatorFunction<Sample, Step>,
  unshaped: (sample: Sample) => void,
): OperatorFunction<Sample, Step> {
  return (source) =>
    new Observable<Step>((subscriber) => {
      const input = new Subject<Sample>();
      let started = false;
      const pending: Sample[] = [];
      const giveUp = (): void => {
        for (const s of pending.splice(0)) unshaped(s);
      };
      const start = (shape: SampleShape): void => {
        started = true;
        subscriber.add(input.pipe(build(shape)).subscribe(subscriber));
      };
      subscriber.add(
        source.subscribe({
          next: (sample) => {
            if (started) {
              input.next(sample);
              return;
            }
            pending.push(sample);
            const shape = shapeOf(sample);
            if (shape === undefined) {
              if (pending.length >= MAX_SHAPELESS) {
                giveUp();
                subscriber.error(
                  new Error(
                    `none of the first ${MAX_SHAPELESS} samples has an x and a y of numbers: is this the right source?`,
                  ),
                );
              }
              return;
            }
            const net = resumed?.loaded?.network;
            if (
              net !== undefined &&
              (net.inputs !== shape.inputs || net.outputs !== shape.outputs)
            ) {
              giveUp();
              subscriber.error(
                new RefusedRun(
                  `--resume: the samples have ${shape.inputs} inputs and ${shape.outputs} target${shape.outputs === 1 ? '' : 's'}, the network of ${resumed?.path} ${net.inputs} inputs and ${net.outputs} output${net.outputs === 1 ? '' : 's'}: it was made on other data; no checkpoint was written`,
                ),
              );
              return;
            }
            start(shape);
            for (const s of pending.splice(0)) input.next(s);
          },
          error: (e: unknown) => {
            if (started) return input.error(e);
            giveUp();
            subscriber.error(e);
          },
          complete: () => {
            if (started) return input.complete();
            giveUp();
            subscriber.complete();
          },
        }),
      );
    });
}

function shapeOf(sample: Sample): SampleShape | undefined {
  if (sample === null || typeof sample !== 'object' || sample.malformed !== undefined) {
    return undefined;
  }
  const { x, y } = sample;
  const inputs = Array.isArray(x) || ArrayBuffer.isView(x) ? (x as ArrayLike<number>).length : 0;
  const outputs =
    typeof y === 'number'
      ? 1
      : Array.isArray(y) || ArrayBuffer.isView(y)
        ? (y as ArrayLike<number>).length
        : 0;
  return inputs > 0 && outputs > 0 ? { inputs, outputs } : undefined;
}
