import { Observable, type OperatorFunction, Subject, type Subscription, take } from 'rxjs';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import {
  type CheckpointJson,
  fromCheckpoint,
  type LoadedCheckpoint,
  toCheckpoint,
} from '../model/checkpoint.js';
import { type CheckpointStore, checkpointStore } from '../model/checkpointStore.js';
import { rollingMetrics } from '../operators/rollingMetrics.js';
import type { Sample } from '../samples/sample.js';
import { type DashboardServer, serve } from '../serve/serve.js';
import type { Step } from '../steps/step.js';
import { createLearner, type Learner, type SampleShape } from './learner.js';
import { openSource } from './openSource.js';
import { ProgressLine } from './progressLine.js';
import type { RunOptions } from './runOptions.js';
import { describeSource } from './sourceSpec.js';
import { StatusDisplay, type StatusOutput } from './statusDisplay.js';

/** Where `streamprop run` writes: figures to `stdout`, messages to `stdout` (`stderr` with `--json`). */
export interface RunIO {
  readonly stdout: StatusOutput;
  readonly stderr: { write(text: string): unknown };
}

/** How a run ended. */
export interface RunSummary {
  /** Samples seen since the learner started (resumed runs included). */
  readonly samples: number;
  /** Checkpoints written by this run. */
  readonly checkpoints: number;
}

/** A running `streamprop run`. */
export interface RunningLearner {
  /** The dashboard's address; `undefined` when it does not serve one (see {@link servesDashboard}). */
  readonly url: string | undefined;
  /**
   * Resolves when the run has ended: the source ended (and, with `--serve`, Ctrl-C came after
   * it), or {@link RunningLearner.stop} was called.
   */
  readonly done: Promise<RunSummary>;
  /** Stops learning, writes the final checkpoint and closes the dashboard (Ctrl-C, SIGTERM). */
  stop(): void;
}

/**
 * Whether `streamprop run` serves the dashboard, and until when. A source that never ends (the
 * synthetic feeds, MQTT) serves it unless `--no-serve`. A file or standard input — which end —
 * serve it only when asked: with `--serve`, which also keeps it up after the last sample, with
 * the final figures, until Ctrl-C; or with a dashboard option (`--port`, `--host`, `--token`),
 * for as long as the run lasts. `--no-serve` never serves.
 *
 * @param given The names of the dashboard options given on the command line.
 *
 * @example
 * ```ts
 * import { servesDashboard } from './runCommand.js';
 * servesDashboard({ source: { kind: 'csv', path: 'a.csv' }, serve: true }, []); // { serve: true, afterEnd: true }
 * servesDashboard({ source: { kind: 'csv', path: 'a.csv' } }, []); // { serve: false, afterEnd: false }
 * ```
 */
export function servesDashboard(
  options: Pick<RunOptions, 'source' | 'serve'>,
  given: readonly string[],
): { readonly serve: boolean; readonly afterEnd: boolean } {
  const finite = options.source.kind === 'csv' || options.source.kind === 'ndjson';
  const serve = options.serve ?? (!finite || given.length > 0);
  return { serve, afterEnd: options.serve === true };
}

/** Where a file source was in the checkpoint: its name and the records consumed. */
interface SourcePosition {
  readonly name: string;
  readonly position: number;
}

/** How many items may pass before the first one that shows the shape of the samples. */
const MAX_SHAPELESS = 10_000;
/** How often the status is shown: redrawn on a terminal, a line in a log, a JSON line. */
const STATUS_MS = 1000;
const LOG_EVERY = 5;

/**
 * `streamprop run`: learns from the source, serves the dashboard, shows the status and writes
 * checkpoints (every `checkpointEvery` samples or `checkpointSeconds`, and at the end).
 *
 * @returns once the dashboard is listening.
 * @throws Error when the source cannot be opened or the port is taken.
 *
 * @example
 * ```ts
 * import { startRun } from './runCommand.js';
 * import type { RunOptions } from './runOptions.js';
 * declare const options: RunOptions;
 * const run = await startRun(options, { stdout: process.stdout, stderr: process.stderr });
 * process.once('SIGINT', () => run.stop());
 * await run.done;
 * ```
 */
export async function startRun(
  options: RunOptions,
  io: RunIO,
  dashboardOptionsGiven: readonly string[] = [],
): Promise<RunningLearner> {
  const say = (line: string): void => {
    (options.json ? io.stderr : io.stdout).write(`${line}\n`);
  };
  const store = options.checkpoint === undefined ? undefined : checkpointStore(options.checkpoint);
  const resumed = store !== undefined && options.resume ? resume(store, say) : undefined;
  const base = resumed?.samples ?? 0;

  const sourceName = describeSource(options.source);
  const saved = savedPosition(resumed);
  const skipped = saved?.name === sourceName ? saved.position : 0;
  const source = openSource(options.source, {
    rate: options.rate,
    seed: options.seed,
    skip: skipped,
    ...(options.x === undefined ? {} : { x: options.x }),
    ...(options.y === undefined ? {} : { y: options.y }),
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    header: options.header,
  });
  if (resumed !== undefined && saved !== undefined && saved.name !== sourceName) {
    say(`the checkpoint was made reading ${saved.name}; reading ${sourceName} from its start`);
  }

  let learner: Learner | undefined;
  const steps = new Subject<Step>();
  const serving = servesDashboard(options, dashboardOptionsGiven);
  const server = serving.serve
    ? await dashboard(steps, options, resumed, source.target)
    : undefined;
  const url =
    server === undefined
      ? undefined
      : options.token === undefined
        ? server.url
        : `${server.url}?token=${encodeURIComponent(options.token)}`;
  say(`streamprop: learning from ${source.description}`);
  if (url !== undefined) say(`dashboard: ${url}`);

  // What predict needs to read another CSV like this one by column name.
  const csvRecord: CheckpointJson =
    source.layout === undefined
      ? {}
      : {
          columns: { x: [...source.layout.x], y: source.layout.y },
          delimiter: source.layout.delimiter,
        };
  let taken = 0; // samples of this run
  let checkpoints = 0;
  let checkpointAt: number | undefined = resumed?.samples;
  let lastSaved = 0;
  let timeDue = false;
  const save = (): void => {
    if (store === undefined || learner === undefined || taken === lastSaved) return;
    store.save(
      toCheckpoint({
        network: learner.network,
        optimizer: learner.optimizer,
        scaler: learner.scaler,
        controller: learner.controller,
        tracker: learner.tracker,
        detector: learner.detector,
        samples: base + taken,
        ...(source.positioned
          ? { source: { name: sourceName, position: skipped + taken, ...csvRecord } }
          : { source: { name: sourceName } }),
      }),
    );
    lastSaved = taken;
    checkpointAt = base + taken;
    checkpoints++;
    timeDue = false;
  };
  const timer =
    store === undefined
      ? undefined
      : setInterval(() => {
          timeDue = true;
        }, options.checkpointSeconds * 1000);

  // The status: the metrics of the learner's tracker, every second.
  const display = new StatusDisplay(
    io.stdout,
    `streamprop — ${sourceName}${url === undefined ? '' : ` — ${url}`}`,
  );
  let shown = 0;
  const progressLine =
    source.progress === undefined || !display.inPlace
      ? undefined
      : new ProgressLine(sourceName.replace(/^(csv|ndjson):/, ''), Date.now());
  const show = (m: MetricsSnapshot): void => {
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ type: 'metrics', ...m, checkpointAt })}\n`);
      return;
    }
    if (!display.inPlace && shown++ % LOG_EVERY !== 0) return;
    display.show(
      {
        samples: m.samples,
        samplesPerSecond: m.samplesPerSecond ?? 0,
        rmse: m.rmse ?? Number.NaN,
        mae: m.mae ?? Number.NaN,
        learningRate: m.learningRate ?? learner?.optimizer.learningRate ?? Number.NaN,
        rejected: m.rejected,
        drifts: m.drifts,
        checkpointAt,
      },
      progressLine === undefined || source.progress === undefined
        ? undefined
        : progressLine.line(source.progress(), m.samplesPerSecond ?? 0, Date.now()),
    );
  };
  let metrics: Subscription | undefined;
  const attachMetrics = (l: Learner): void => {
    metrics = steps
      .pipe(rollingMetrics({ tracker: l.tracker, everyMs: STATUS_MS }))
      .subscribe({ next: show });
  };

  let stopped = false;
  let finish: (summary: RunSummary) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<RunSummary>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let ended = false;
  const closeDashboard = (failure: unknown): void => {
    const closed = server === undefined ? Promise.resolve() : server.close();
    closed.then(
      () => {
        if (failure !== undefined) fail(failure);
        else finish({ samples: base + taken, checkpoints });
      },
      (e: unknown) => fail(failure ?? e),
    );
  };
  /** The source ended (`byUser`: Ctrl-C, SIGTERM, or the source ran out) or failed. */
  const end = (error?: unknown, byUser = true): void => {
    if (ended) {
      // Ctrl-C while the dashboard stays up after the source ended.
      if (byUser && !stopped) {
        stopped = true;
        closeDashboard(undefined);
      }
      return;
    }
    ended = true;
    if (timer !== undefined) clearInterval(timer);
    let failure = error;
    if (error === undefined) {
      try {
        save();
      } catch (e) {
        failure = e;
      }
    }
    learning?.unsubscribe();
    steps.complete(); // the metrics show their last figures
    metrics?.unsubscribe();
    if (failure === undefined && !byUser && serving.afterEnd && url !== undefined) {
      say(
        `the source has ended after ${(base + taken).toLocaleString('en')} samples; the dashboard stays at ${url} until Ctrl-C`,
      );
      return;
    }
    stopped = true;
    closeDashboard(failure);
  };

  const limited =
    options.limit === undefined ? source.samples : source.samples.pipe(take(options.limit));
  let learning: Subscription | undefined;
  learning = limited
    .pipe(
      shaped(resumed, (shape) => {
        learner = createLearner(options, shape, resumed);
        attachMetrics(learner);
        return learner.pipeline;
      }),
    )
    .subscribe({
      next: (step) => {
        steps.next(step);
        taken++;
        if (taken - lastSaved >= options.checkpointEvery || timeDue) save();
      },
      error: (e: unknown) => end(e, false),
      complete: () => end(undefined, false),
    });
  if (ended) learning.unsubscribe(); // the source ended or failed at once

  return { url, done, stop: () => end() };
}

/** Serves the dashboard; a port that is taken is named, with the way out. */
async function dashboard(
  steps: Subject<Step>,
  options: RunOptions,
  resumed: LoadedCheckpoint | undefined,
  target: { readonly name?: string; readonly unit?: string } | undefined,
): Promise<DashboardServer> {
  try {
    return await serve(steps, {
      ...(target === undefined ? {} : { target }),
      host: options.host,
      port: options.port,
      token: options.token,
      metrics: { window: options.window },
      ...(resumed === undefined ? {} : { network: resumed.network, optimizer: resumed.optimizer }),
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `port ${options.port} of ${options.host} is taken: give another with --port, or --port 0 for any free one (or --no-serve)`,
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw new Error(
        `cannot serve the dashboard on ${options.host}:${options.port} (${code}): check --host and --port`,
      );
    }
    throw error;
  }
}

/** Loads the newest sound checkpoint of `store`, saying what was found. */
function resume(store: CheckpointStore, say: (line: string) => void): LoadedCheckpoint | undefined {
  const { newest, problems } = store.loadNewest();
  for (const problem of problems) say(`checkpoint passed over: ${problem}`);
  if (newest === undefined) {
    say(`no checkpoint to resume from at ${store.path}: starting afresh`);
    return undefined;
  }
  const loaded = fromCheckpoint(newest.checkpoint);
  say(`resumed from ${newest.path} at sample ${loaded.samples.toLocaleString('en')}`);
  return loaded;
}

function savedPosition(resumed: LoadedCheckpoint | undefined): SourcePosition | undefined {
  const source = resumed?.source as Partial<SourcePosition> | undefined;
  if (source === undefined || typeof source.name !== 'string') return undefined;
  const position = Number.isInteger(source.position) ? (source.position as number) : 0;
  return { name: source.name, position };
}

/**
 * Builds the pipeline once the shape of the samples is known — from the first item with an `x`
 * and a `y` that can be counted (or at once, for a resumed learner) — and sends every item
 * through it, the ones before included (they are rejected and counted there like any other).
 */
function shaped(
  resumed: LoadedCheckpoint | undefined,
  build: (shape: SampleShape) => OperatorFunction<Sample, Step>,
): OperatorFunction<Sample, Step> {
  return (source) =>
    new Observable<Step>((subscriber) => {
      const input = new Subject<Sample>();
      let started = false;
      const pending: Sample[] = [];
      const start = (shape: SampleShape): void => {
        started = true;
        subscriber.add(input.pipe(build(shape)).subscribe(subscriber));
      };
      if (resumed !== undefined) {
        start({ inputs: resumed.network.inputs, outputs: resumed.network.outputs });
      }
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
                subscriber.error(
                  new Error(
                    `none of the first ${MAX_SHAPELESS} samples has an x and a y of numbers: is this the right source?`,
                  ),
                );
              }
              return;
            }
            start(shape);
            for (const s of pending.splice(0)) input.next(s);
          },
          error: (e: unknown) => (started ? input.error(e) : subscriber.error(e)),
          complete: () => (started ? input.complete() : subscriber.complete()),
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
