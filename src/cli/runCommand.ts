import { Subject, type Subscription, take } from 'rxjs';
import { Lagger } from '../../streams/lagged.js';
import type { MetricsSnapshot } from '../metrics/metricsSnapshot.js';
import { type Checkpoint, toCheckpoint } from '../model/checkpoint.js';
import { rollingMetrics } from '../operators/rollingMetrics.js';
import { type DashboardServer, serve } from '../serve/serve.js';
import type { Step } from '../steps/step.js';
import * as auto from './autoLearner.js';
import { CheckpointSaver } from './checkpointSaver.js';
import { dashboardListenError } from './dashboardListenError.js';
import { createLearner, type Learner } from './learner.js';
import { openSource } from './openSource.js';
import { ProgressLine } from './progressLine.js';
import { RefusedRun } from './refusedRun.js';
import { type ResumedRun, restoreWindows, resumeRun } from './resumeRun.js';
import type { RunOptions } from './runOptions.js';
import { runRecord } from './runRecord.js';
import type { RunSummary } from './runSummary.js';
import { RunTally } from './runTally.js';
import { servesDashboard } from './servesDashboard.js';
import { shaped } from './shaped.js';
import { describeSource } from './sourceSpec.js';
import { StatusDisplay, type StatusOutput } from './statusDisplay.js';
import { writableStore } from './writableStore.js';

/**
 * Where `streamprop run` writes: figures to `stdout`, messages to `stdout` (`stderr` with
 * `--json`); and where `ndjson:-` is read from (default: the process's standard input).
 */
export interface RunIO {
  readonly stdout: StatusOutput;
  readonly stderr: { write(text: string): unknown };
  readonly stdin?: NodeJS.ReadableStream;
}

/** A running `streamprop run`. */
export interface RunningLearner {
  /** The dashboard's address; `undefined` when it does not serve one (see {@link servesDashboard}). */
  readonly url: string | undefined;
  /**
   * Resolves when the run has ended — the source ended or failed (and, with `--serve`, Ctrl-C
   * came after it), or {@link RunningLearner.stop} was called — with its summary and exit
   * status (never rejects).
   */
  readonly done: Promise<RunSummary>;
  /** Stops learning, writes the final checkpoint and closes the dashboard (Ctrl-C, SIGTERM). */
  stop(): void;
}

/** How often the status is shown: redrawn on a terminal, a line in a log, a JSON line. */
const STATUS_MS = 1000;
const LOG_EVERY = 5;

/**
 * `streamprop run`: learns from the source, serves the dashboard, shows the status and writes
 * checkpoints (every `checkpointEvery` samples or `checkpointSeconds`, and at the end).
 *
 * Before anything starts, the checkpoint path is tried (a path that cannot be written is
 * refused) and, with `--resume`, the checkpoint is checked against this run (another source,
 * other columns or another network is refused; see `resumeRun`). A save that fails while the
 * run goes on is a warning, and the next save retries (see `CheckpointSaver`).
 *
 * @returns once the dashboard is listening.
 * @throws UsageError (exit 2) for a checkpoint path that cannot be written or a checkpoint of
 * another run; Error when the source cannot be opened or the port is taken.
 *
 * @example
 * ```ts
 * import { startRun } from './runCommand.js';
 * import type { RunOptions } from './runOptions.js';
 * declare const options: RunOptions;
 * const run = await startRun(options, { stdout: process.stdout, stderr: process.stderr });
 * process.once('SIGINT', () => run.stop());
 * const summary = await run.done;
 * process.exitCode = summary.exitStatus;
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
  const warn = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  const store = options.checkpoint === undefined ? undefined : writableStore(options.checkpoint);
  const settings = {
    rate: options.rate,
    seed: options.seed,
    ...(options.x === undefined ? {} : { x: options.x }),
    ...auto.readingSettings(options),
    ...(options.y === undefined ? {} : { y: options.y }),
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    header: options.header,
    maxRecordBytes: options.maxRecordBytes,
    ...(io.stdin === undefined ? {} : { stdin: io.stdin }),
  };
  let source = openSource(options.source, { ...settings, skip: 0 });
  const record = source.record;
  const automatic = auto.isAutomatic(options);
  const lags =
    options.lags === undefined ? undefined : { k: options.lags, horizon: options.horizon ?? 1 };
  // The lag windows and the automatic learner, as the checkpoint left them (if resumed).
  const lagger = lags === undefined ? undefined : new Lagger(lags.k, lags.horizon);
  let autoLearner: auto.AutoLearner | undefined;
  const learnerOptions = { horizon: lags?.horizon, window: options.window };
  const loadAuto = (checkpoint: Checkpoint, path: string): void => {
    if (lagger !== undefined) restoreWindows(lagger, checkpoint, path);
    if (automatic) autoLearner = auto.createAutoLearner(learnerOptions, { checkpoint, path });
  };
  const resumed: ResumedRun | undefined =
    store !== undefined && options.resume
      ? resumeRun(
          store,
          say,
          {
            source: record,
            ...(options.layers === undefined ? {} : { layers: options.layers }),
            ...(options.activation === undefined ? {} : { activation: options.activation }),
            ...(record.kind === 'csv' && lags === undefined
              ? { inputs: record.x.length, outputs: 1 }
              : {}),
            ...(lags === undefined ? {} : { lags }),
            automatic,
          },
          loadAuto,
        )
      : undefined;
  const base = resumed?.samples ?? 0;
  // A file resumes after the records already read; one now shorter than that is reported.
  const position = source.positioned ? (resumed?.position ?? 0) : 0;
  let beyondEnd = false;
  if (position > 0) {
    source = openSource(options.source, {
      ...settings,
      skip: position,
      onBeyondEnd: () => {
        beyondEnd = true;
      },
    });
  }
  const records = auto.lagWindows(source.samples, lagger);
  if (automatic) autoLearner ??= auto.createAutoLearner(learnerOptions);

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

  const sourceName = describeSource(options.source);
  const tally = new RunTally();
  const saver = store === undefined ? undefined : new CheckpointSaver(store, warn);
  let taken = 0; // samples of this run
  let lastSaved = 0;
  let timeDue = false;
  const save = (): void => {
    if (saver === undefined || taken === lastSaved || (learner ?? autoLearner) === undefined)
      return;
    const l = learner;
    const samples = base + taken;
    lastSaved = taken; // a failed save is retried when the next one is due, not at once
    timeDue = false;
    // With --lags the file's records are readings, some of which only filled windows.
    const read = position + (lagger === undefined ? taken : lagger.readings);
    const at = {
      ...(source.positioned ? { ...record, position: read } : (record as Record<string, string>)),
      ...(lagger === undefined ? {} : { windows: lagger.state() }),
    };
    if (l === undefined) {
      const a = autoLearner as auto.AutoLearner;
      saver.save(
        () => auto.autoCheckpoint(a, samples, at, runRecord(record, undefined, lags)),
        samples,
      );
      return;
    }
    saver.save(
      () =>
        toCheckpoint({
          network: l.network,
          optimizer: l.optimizer,
          scaler: l.scaler,
          controller: l.controller,
          tracker: l.tracker,
          detector: l.detector,
          samples,
          source: at,
          run: runRecord(record, l.network, lags),
        }),
      samples,
    );
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
    const checkpointAt = saver?.savedAt ?? resumed?.samples;
    if (options.json) {
      io.stdout.write(`${auto.metricsLine(m, checkpointAt, autoLearner?.latest)}\n`);
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
  const attachMetrics = <L extends Pick<Learner, 'tracker'>>(l: L): L => {
    metrics = steps
      .pipe(rollingMetrics({ tracker: l.tracker, everyMs: STATUS_MS }))
      .subscribe({ next: show, error: (e: unknown) => end(e, false) });
    return l;
  };

  let stopped = false;
  let finish: (summary: RunSummary) => void = () => {};
  const done = new Promise<RunSummary>((resolve) => {
    finish = resolve;
  });
  let summary: RunSummary | undefined;
  const closeDashboard = (): void => {
    const closed = server === undefined ? Promise.resolve() : server.close();
    const report = summary as RunSummary;
    closed.then(
      () => finish(report),
      () => finish(report),
    );
  };
  let ended = false;
  /** The source ended (`byUser`: Ctrl-C, SIGTERM, or the source ran out) or failed. */
  const end = (error?: unknown, byUser = true): void => {
    if (ended) {
      // Ctrl-C while the dashboard stays up after the source ended.
      if (byUser && !stopped) {
        stopped = true;
        closeDashboard();
      }
      return;
    }
    ended = true;
    if (timer !== undefined) clearInterval(timer);
    const problems: string[] = [];
    let exitStatus: 0 | 1 | 2 = 0;
    if (error instanceof RefusedRun) {
      problems.push(error.message);
      exitStatus = 2;
    } else if (error !== undefined) {
      problems.push(String((error as Error)?.message ?? error));
      exitStatus = 1;
    } else {
      save();
    }
    learning?.unsubscribe();
    steps.complete(); // the metrics show their last figures
    metrics?.unsubscribe();
    if (saver?.lastFailed) {
      problems.push(`the last checkpoint could not be saved to ${saver.path}`);
      exitStatus ||= 1;
    }
    if (beyondEnd) {
      problems.push(
        `${sourceName} has fewer records than the ${position.toLocaleString('en')} the checkpoint had read: the file was changed or replaced since`,
      );
      exitStatus ||= 1;
    } else if (tally.records > 0 && tally.learned === 0 && exitStatus === 0) {
      problems.push(
        `nothing was learned: all ${tally.records.toLocaleString('en')} records read were rejected`,
      );
      exitStatus = 1;
    }
    summary = {
      samples: base + taken,
      records: tally.records,
      learned: tally.learned,
      rejected: tally.rejected,
      rejectedByReason: tally.rejectedByReason(),
      rmse: tally.rmse,
      mae: tally.mae,
      checkpoint: store?.path,
      checkpointsWritten: saver?.written ?? 0,
      checkpointsFailed: saver?.failed ?? 0,
      exitStatus,
      problems,
    };
    if (exitStatus === 0 && !byUser && serving.afterEnd && url !== undefined) {
      say(
        `the source has ended after ${(base + taken).toLocaleString('en')} samples; the dashboard stays at ${url} until Ctrl-C`,
      );
      return;
    }
    stopped = true;
    closeDashboard();
  };

  const limited = options.limit === undefined ? records : records.pipe(take(options.limit));
  let learning: Subscription | undefined;
  learning = limited
    .pipe(
      shaped(
        resumed,
        (shape) => {
          learner = autoLearner ? undefined : createLearner(options, shape, resumed?.loaded);
          return attachMetrics(autoLearner ?? (learner as Learner)).pipeline;
        },
        (sample) => tally.addUnshaped(sample),
      ),
    )
    .subscribe({
      next: (step) => {
        try {
          tally.add(step);
          steps.next(step);
          taken++;
          if (taken - lastSaved >= options.checkpointEvery || timeDue) save();
        } catch (error) {
          end(error, false); // one line and the summary, never an uncaught error with a stack trace
        }
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
  resumed: ResumedRun | undefined,
  target: { readonly name?: string; readonly unit?: string } | undefined,
): Promise<DashboardServer> {
  try {
    return await serve(steps, {
      ...(target === undefined ? {} : { target }),
      host: options.host,
      port: options.port,
      token: options.token,
      allowOrigins: options.allowOrigins,
      allowHosts: options.allowHosts,
      metrics: { window: options.window },
      ...(resumed?.loaded === undefined
        ? {}
        : { network: resumed.loaded.network, optimizer: resumed.loaded.optimizer }),
    });
  } catch (error) {
    throw dashboardListenError(error, options, '--no-serve');
  }
}
