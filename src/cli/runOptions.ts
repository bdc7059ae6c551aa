import { z } from 'zod';
import { CSV_FLAGS } from './csvFlags.js';
import { didYouMean } from './nearestName.js';
import { SERVE_FLAGS } from './serveFlags.js';
import { parseSourceSpec, type SourceSpec } from './sourceSpec.js';

/** The activation names `--activation` accepts (hidden layers; the output layer is linear). */
export const ACTIVATION_NAMES = [
  'tanh',
  'sigmoid',
  'relu',
  'leakyRelu',
  'elu',
  'softplus',
  'linear',
] as const;
/** The optimizer names `--optimizer` accepts. */
export const OPTIMIZER_NAMES = [
  'sgd',
  'momentum',
  'nesterov',
  'adagrad',
  'rmsprop',
  'adam',
] as const;

/** The options of `streamprop run`, checked and typed. */
export interface RunOptions {
  readonly source: SourceSpec;
  /** Units of each hidden layer; `undefined`: the learner's default (32,16). */
  readonly layers?: readonly number[];
  /** The activation of the hidden layers; `undefined`: tanh. */
  readonly activation?: (typeof ACTIVATION_NAMES)[number];
  /** The optimizer; `undefined`: `defaultOptimizer()`, the default of `train()`. */
  readonly optimizer?: (typeof OPTIMIZER_NAMES)[number];
  /** The learning rate; `undefined`: the optimizer's own default. */
  readonly lr?: number;
  /** Whether a bold-driver controller adapts the learning rate. */
  readonly adaptive: boolean;
  /** Samples in the rolling metrics window. */
  readonly window: number;
  /** Samples per second of a synthetic feed or of a file replay; 0: as fast as possible. */
  readonly rate?: number;
  /** `--serve` (true), `--no-serve` (false), or neither: see `servesDashboard`. */
  readonly serve?: boolean;
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  /** Origins whose pages may open the dashboard's socket besides its own (`--allow-origin`). */
  readonly allowOrigins: readonly string[];
  /** Host names requests may name besides the bound address and loopback (`--allow-host`). */
  readonly allowHosts: readonly string[];
  readonly checkpoint?: string;
  /** Write a checkpoint after this many samples … */
  readonly checkpointEvery: number;
  /** … or after this many seconds, whichever comes first. */
  readonly checkpointSeconds: number;
  readonly resume: boolean;
  readonly seed: number;
  /** The input columns of a CSV source (default: every numeric column but the last). */
  readonly x?: readonly string[];
  /** The target column of a CSV source (default: the last numeric column). */
  readonly y?: string;
  /** The delimiter of a CSV source (default: found in its header line). */
  readonly delimiter?: string;
  /** `false` (`--no-header`): the CSV source has no header; its columns are `c1` … `cn`. */
  readonly header: boolean;
  /** Stop after this many samples of this run. */
  readonly limit?: number;
  /** `--lags K`: the source is a series of readings, made into windows of its last K values. */
  readonly lags?: number;
  /** `--horizon H`: with `--lags`, the target is H steps after the newest input (default 1). */
  readonly horizon?: number;
  /** The longest CSV record or NDJSON line, in bytes; longer ones are rejected as `tooLarge`. */
  readonly maxRecordBytes: number;
  /** NDJSON metrics on standard output instead of the status display. */
  readonly json: boolean;
}

/** The default of `--max-record-bytes`: 1 MiB. */
export const MAX_RECORD_BYTES = 1_048_576;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const numberText = z.string().trim().regex(NUMBER, 'must be a number').transform(Number);
const integerText = (min: number, max: number) =>
  numberText.pipe(
    z
      .number()
      .int('must be an integer')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );
const positiveText = numberText.pipe(z.number().positive('must be > 0').finite());

const runOptionsSchema = z
  .object({
    source: z.string().transform((text, ctx): SourceSpec => {
      const spec = parseSourceSpec(text.trim());
      if (typeof spec === 'string') {
        ctx.addIssue({ code: 'custom', message: spec });
        return z.NEVER;
      }
      return spec;
    }),
    layers: z
      .string()
      .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, 'must be a comma-separated list of layer sizes, as 32,16')
      .transform((text) => text.split(',').map(Number))
      .pipe(
        z.array(
          z
            .number()
            .int()
            .min(1, 'sizes must be at least 1')
            .max(100_000, 'sizes are at most 100000'),
        ),
      )
      .optional(),
    activation: z
      .enum(ACTIVATION_NAMES, { error: `must be one of ${ACTIVATION_NAMES.join(', ')}` })
      .optional(),
    optimizer: z
      .enum(OPTIMIZER_NAMES, { error: `must be one of ${OPTIMIZER_NAMES.join(', ')}` })
      .optional(),
    lr: positiveText.optional(),
    adaptive: z.boolean(),
    window: integerText(1, 10_000_000),
    rate: numberText.pipe(z.number().min(0, 'must be >= 0').finite()).optional(),
    serve: z.boolean().optional(),
    ...SERVE_FLAGS,
    checkpoint: z.string().min(1, 'must name a file').optional(),
    checkpointEvery: integerText(1, Number.MAX_SAFE_INTEGER),
    checkpointSeconds: positiveText,
    resume: z.boolean(),
    seed: integerText(-(2 ** 31), 2 ** 32 - 1),
    limit: integerText(0, Number.MAX_SAFE_INTEGER).optional(),
    lags: integerText(1, 10_000).optional(),
    horizon: integerText(1, 10_000).optional(),
    maxRecordBytes: integerText(16, 2 ** 30).default(MAX_RECORD_BYTES),
    ...CSV_FLAGS,
    y: z.string().trim().min(1, 'must name a column').optional(),
    json: z.boolean(),
  })
  .refine((o) => o.horizon === undefined || o.lags !== undefined, {
    message: 'needs --lags K: the horizon is counted from the newest of the K readings',
    path: ['horizon'],
  })
  .refine((o) => o.lags === undefined || o.x === undefined, {
    message: 'with --lags the inputs are the last K values of --y: give no --x',
    path: ['x'],
  })
  .refine((o) => !o.resume || o.checkpoint !== undefined, {
    message: 'needs --checkpoint PATH to know where to resume from',
    path: ['resume'],
  })
  .refine((o) => (o.x === undefined && o.y === undefined) || o.source.kind === 'csv', {
    message: 'names CSV columns: give it with --source csv:PATH',
    path: ['x'],
  })
  .refine((o) => o.delimiter === undefined || o.source.kind === 'csv', {
    message: 'is for a CSV source: give it with --source csv:PATH',
    path: ['delimiter'],
  })
  .refine((o) => o.header || o.source.kind === 'csv', {
    message: 'is for a CSV source: give it with --source csv:PATH',
    path: ['header'],
  })
  .refine((o) => o.rate !== 0 || (o.source.kind !== 'sensor' && o.source.kind !== 'sales'), {
    message: 'must be > 0 for the synthetic feeds, which never end',
    path: ['rate'],
  })
  .transform(({ allowOrigin, allowHost, ...rest }) => ({
    ...rest,
    allowOrigins: allowOrigin,
    allowHosts: allowHost,
  }));

/** The raw values commander hands over: strings, booleans, `undefined` when not given. */
export type RawRunOptions = Record<string, unknown>;

/**
 * Checks the options of `streamprop run` and turns them into values.
 *
 * @returns the options, or the list of problems, one line per option, each naming the flag, as
 * in `--layers: must be a comma-separated list of layer sizes, as 32,16 (got "32,x")`.
 *
 * @example
 * ```ts
 * import { parseRunOptions } from './runOptions.js';
 * const parsed = parseRunOptions({ source: 'sensor', layers: '32,16', activation: 'tanh', optimizer: 'adam', adaptive: false, window: '500', host: '127.0.0.1', port: '0', checkpointEvery: '10000', checkpointSeconds: '30', resume: false, seed: '1', json: false });
 * if (Array.isArray(parsed)) console.error(parsed.join('\n'));
 * ```
 */
export function parseRunOptions(raw: RawRunOptions): RunOptions | string[] {
  const result = runOptionsSchema.safeParse(raw);
  if (result.success) return result.data;
  return result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    const flag =
      name === 'header'
        ? '--no-header'
        : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const listed = raw[name];
    const at = issue.path[1];
    const given = Array.isArray(listed) && typeof at === 'number' ? listed[at] : listed;
    const got = typeof given === 'string' ? ` (got "${given}")` : '';
    const hint =
      issue.code === 'invalid_value' && typeof given === 'string'
        ? didYouMean(given, issue.values.map(String))
        : '';
    return `${flag}: ${issue.message}${got}${hint}`;
  });
}
