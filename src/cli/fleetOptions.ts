import { z } from 'zod';
import type { LearnerOptions } from './learner.js';
import { didYouMean } from './nearestName.js';
import { ACTIVATION_NAMES, OPTIMIZER_NAMES } from './runOptions.js';
import { SERVE_FLAGS } from './serveFlags.js';
import { parseSourceSpec, type SourceSpec } from './sourceSpec.js';

// The options of the fleet's commands — `ingest`, `worker`, `status --redis`, `serve --redis` —
// checked with zod, each problem one line naming the flag.

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
const redisUrl = z
  .string()
  .trim()
  .regex(/^rediss?:\/\/[^/\s]+/, 'must be a Redis address, as redis://127.0.0.1:6379');
const prefix = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be a name of letters, digits, ".", "_", "-" or ":"');
const name = prefix;

/** `--retain`: seconds to keep checkpointed entries, or `forever`. */
const retain = z
  .string()
  .trim()
  .transform((text, ctx): number | undefined => {
    if (text === 'forever') return undefined;
    if (NUMBER.test(text) && Number(text) >= 0 && Number.isFinite(Number(text)))
      return Number(text);
    ctx.addIssue({ code: 'custom', message: 'must be a number of seconds >= 0, or forever' });
    return z.NEVER;
  });

const ingestSchema = z
  .object({
    to: redisUrl,
    prefix,
    shards: integerText(1, 16_384).optional(),
    source: z.string().transform((text, ctx): SourceSpec => {
      const spec = parseSourceSpec(text.trim());
      if (typeof spec === 'string') {
        ctx.addIssue({ code: 'custom', message: spec });
        return z.NEVER;
      }
      return spec;
    }),
    rate: numberText.pipe(z.number().min(0, 'must be >= 0').finite()).optional(),
    limit: integerText(0, Number.MAX_SAFE_INTEGER).optional(),
    seed: integerText(-(2 ** 31), 2 ** 32 - 1),
    retain: retain.optional(),
    maxInFlight: integerText(1, 10_000_000),
    x: z
      .string()
      .transform((text) => text.split(',').map((column) => column.trim()))
      .pipe(z.array(z.string().min(1, 'must name columns, comma-separated, as temp,humidity')))
      .optional(),
    y: z.string().trim().min(1, 'must name a column').optional(),
    json: z.boolean(),
  })
  .refine((o) => (o.x === undefined && o.y === undefined) || o.source.kind === 'csv', {
    message: 'names CSV columns: give it with --source csv:PATH',
    path: ['x'],
  })
  .refine(
    (o) =>
      o.rate !== 0 ||
      o.limit !== undefined ||
      (o.source.kind !== 'sensor' && o.source.kind !== 'sales'),
    { message: 'of 0 needs --limit with the synthetic feeds, which never end', path: ['rate'] },
  );

/** The options of `streamprop ingest`, checked. */
export type IngestOptions = z.infer<typeof ingestSchema>;

const workerSchema = z.object({
  redis: redisUrl,
  prefix,
  name: name.optional(),
  layers: z
    .string()
    .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, 'must be a comma-separated list of layer sizes, as 32,16')
    .transform((text) => text.split(',').map(Number))
    .pipe(z.array(z.number().int().min(1, 'sizes must be at least 1').max(100_000))),
  activation: z.enum(ACTIVATION_NAMES, { error: `must be one of ${ACTIVATION_NAMES.join(', ')}` }),
  optimizer: z.enum(OPTIMIZER_NAMES, { error: `must be one of ${OPTIMIZER_NAMES.join(', ')}` }),
  lr: positiveText.optional(),
  adaptive: z.boolean(),
  window: integerText(1, 10_000_000),
  seed: integerText(-(2 ** 31), 2 ** 32 - 1),
  checkpointEvery: integerText(1, Number.MAX_SAFE_INTEGER),
  checkpointSeconds: positiveText,
  leaseMs: integerText(100, 3_600_000),
  json: z.boolean(),
});

/** The options of `streamprop worker`, checked. */
export type WorkerOptions = z.infer<typeof workerSchema>;

const statusSchema = z.object({ redis: redisUrl, prefix, json: z.boolean() });

/** The options of `streamprop status --redis`, checked. */
export type FleetStatusOptions = z.infer<typeof statusSchema>;

const serveSchema = z
  .object({ redis: redisUrl, prefix, ...SERVE_FLAGS, everyMs: integerText(10, 3_600_000) })
  .transform(({ allowOrigin, allowHost, ...rest }) => ({
    ...rest,
    allowOrigins: allowOrigin,
    allowHosts: allowHost,
  }));

/** The options of `streamprop serve --redis`, checked. */
export type FleetServeOptions = z.infer<typeof serveSchema>;

/** The options that make each key's model, from a worker's (those of `streamprop run`). */
export function learnerOptions(options: WorkerOptions): LearnerOptions {
  return {
    layers: options.layers,
    activation: options.activation,
    optimizer: options.optimizer,
    ...(options.lr === undefined ? {} : { lr: options.lr }),
    adaptive: options.adaptive,
    window: options.window,
    seed: options.seed,
  };
}

/**
 * Checks the raw options of `streamprop ingest`.
 *
 * @returns the options, or one line per problem naming the flag.
 *
 * @example
 * ```ts
 * import { parseIngestOptions } from './fleetOptions.js';
 * parseIngestOptions({ to: 'redis://127.0.0.1:6379', prefix: 'p', source: 'sensor', seed: '1', maxInFlight: '10000', json: false });
 * ```
 */
export function parseIngestOptions(raw: Record<string, unknown>): IngestOptions | string[] {
  return parsed(ingestSchema, raw);
}

/** Checks the raw options of `streamprop worker` (see {@link parseIngestOptions}). */
export function parseWorkerOptions(raw: Record<string, unknown>): WorkerOptions | string[] {
  return parsed(workerSchema, raw);
}

/** Checks the raw options of `streamprop status --redis` (see {@link parseIngestOptions}). */
export function parseStatusOptions(raw: Record<string, unknown>): FleetStatusOptions | string[] {
  return parsed(statusSchema, raw);
}

/** Checks the raw options of `streamprop serve --redis` (see {@link parseIngestOptions}). */
export function parseServeOptions(raw: Record<string, unknown>): FleetServeOptions | string[] {
  return parsed(serveSchema, raw);
}

function parsed<T>(schema: z.ZodType<T, unknown>, raw: Record<string, unknown>): T | string[] {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  return result.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    const flag = `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const given = raw[field];
    if (given === undefined && issue.code === 'invalid_type') return `${flag}: is required`;
    const got = typeof given === 'string' ? ` (got "${given}")` : '';
    const hint =
      issue.code === 'invalid_value' && typeof given === 'string'
        ? didYouMean(given, issue.values.map(String))
        : '';
    return `${flag}: ${issue.message}${got}${hint}`;
  });
}
