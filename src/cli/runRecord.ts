import { resolve } from 'node:path';
import { z } from 'zod';
import type { Network } from '../core/network.js';

const name = z.string().min(1);

/** The schema of a {@link RunRecord}; `version` 1. */
export const runRecordSchema = z
  .object({
    format: z.literal('streamprop-run'),
    version: z.literal(1),
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('sensor') }),
      z.object({ kind: z.literal('sales') }),
      z.object({
        kind: z.literal('csv'),
        path: name,
        x: z.array(name).min(1),
        y: name,
        t: name.optional(),
        key: name.optional(),
        delimiter: name,
      }),
      z.object({ kind: z.literal('ndjson'), path: name }),
      z.object({ kind: z.literal('mqtt'), url: name, topic: name }),
    ]),
    network: z
      .object({
        inputs: z.number().int().positive(),
        outputs: z.number().int().positive(),
        layers: z.array(z.object({ units: z.number().int().positive(), activation: name })).min(1),
      })
      .optional(),
    lags: z
      .object({ k: z.number().int().positive(), horizon: z.number().int().positive() })
      .optional(),
    learner: z.literal('automatic').optional(),
  })
  .superRefine((record, ctx) => {
    if ((record.learner === 'automatic') !== (record.network === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [record.network === undefined ? 'network' : 'learner'],
        message:
          record.network === undefined
            ? 'is required, unless the learner is "automatic"'
            : 'is "automatic", beside a network',
      });
    }
    if (record.learner === 'automatic' && record.lags === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['lags'],
        message: 'is required by the automatic learner',
      });
    }
  });

/**
 * What a checkpoint of `streamprop run` records about the run that made it (in the checkpoint's
 * `run` field), so that `--resume` can refuse a checkpoint of another run and `predict` can
 * say what a model expects:
 *
 * - `format`, `version`: `'streamprop-run'`, 1;
 * - `source`: its `kind` (`sensor`, `sales`, `csv`, `ndjson`, `mqtt`) and, for a file, its
 *   absolute `path` (`-` for standard input); for a CSV file, the input columns `x`, the target
 *   column `y`, the time and key columns `t` and `key` when used, and the `delimiter`; for MQTT
 *   the broker `url` and the `topic`;
 * - `network`: `inputs`, `outputs` and every layer's `units` and `activation` name (the last
 *   layer is the output layer) — absent when `learner` is `'automatic'`: the automatic learner
 *   of `--lags` with no model flags, whose state is the checkpoint's `byKey`;
 * - `lags`: with `--lags K [--horizon H]`, `{ k, horizon }` (absent in records made before).
 *
 * The read position of a file is the checkpoint's `source.position`, not part of the record.
 *
 * @example
 * ```json
 * { "format": "streamprop-run", "version": 1,
 *   "source": { "kind": "csv", "path": "/data/plant.csv", "x": ["temp", "load"], "y": "temp_next", "delimiter": "," },
 *   "network": { "inputs": 2, "outputs": 1, "layers": [{ "units": 32, "activation": "tanh" }, { "units": 1, "activation": "linear" }] } }
 * ```
 */
export type RunRecord = z.infer<typeof runRecordSchema>;

/** The source part of a {@link RunRecord}. */
export type RunSource = RunRecord['source'];

/**
 * The record of a run on `source` with `net`.
 *
 * @example
 * ```ts
 * import { dense, linear, network, tanh } from 'streamprop';
 * import { runRecord } from './runRecord.js';
 * const net = network({ inputs: 8, layers: [dense(32, tanh), dense(1, linear)] });
 * runRecord({ kind: 'sensor' }, net).network.layers; // [{ units: 32, activation: 'tanh' }, { units: 1, activation: 'linear' }]
 * ```
 */
export function runRecord(
  source: RunSource,
  net: Network | undefined,
  lags?: { readonly k: number; readonly horizon: number },
): RunRecord {
  const record = {
    format: 'streamprop-run' as const,
    version: 1 as const,
    source,
    ...(lags === undefined ? {} : { lags: { k: lags.k, horizon: lags.horizon } }),
  };
  if (net === undefined) return { ...record, learner: 'automatic' };
  return {
    ...record,
    network: {
      inputs: net.inputs,
      outputs: net.outputs,
      layers: net.layers.map((layer) => ({
        units: layer.units,
        activation: layer.activation.name,
      })),
    },
  };
}

/**
 * A file path as the record keeps it: absolute, so that a run started from another directory
 * is recognised (`-`, standard input, stays `-`).
 *
 * @example
 * ```ts
 * import { recordedPath } from './runRecord.js';
 * recordedPath('data.csv'); // '/home/me/data.csv' when run from /home/me
 * ```
 */
export function recordedPath(path: string | undefined): string {
  return path === undefined || path === '-' ? '-' : resolve(path);
}

/**
 * Reads the record of a checkpoint's `run` field.
 *
 * @returns the record, or one line saying why there is none (missing, of another version, or
 * malformed, naming the field).
 *
 * @example
 * ```ts
 * import { readRunRecord } from './runRecord.js';
 * readRunRecord(undefined); // 'it holds no record of the run that made it (…)'
 * ```
 */
export function readRunRecord(run: unknown): RunRecord | string {
  if (run === undefined || run === null || typeof run !== 'object') {
    return 'it holds no record of the run that made it (it was written by an older streamprop or by a program), so it cannot be checked against this run';
  }
  const version = (run as { version?: unknown }).version;
  if ((run as { format?: unknown }).format === 'streamprop-run' && version !== 1) {
    return `its run record is version ${String(version)}, this streamprop reads version 1`;
  }
  const parsed = runRecordSchema.safeParse(run);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `its run record is malformed: run.${issue.path.join('.')}: ${issue.message}`;
}

/** One field of a record in words: `csv /data/a.csv`, `x temp, load`, `hidden layers 32 tanh, 16 tanh`. */
function sourceWords(source: RunSource): string {
  switch (source.kind) {
    case 'sensor':
    case 'sales':
      return `the synthetic ${source.kind} feed`;
    case 'csv':
      return `csv:${source.path}`;
    case 'ndjson':
      return `ndjson:${source.path}`;
    case 'mqtt':
      return `${source.url}/${source.topic}`;
  }
}

const list = (names: readonly string[] | undefined): string =>
  names === undefined || names.length === 0 ? 'none' : names.join(',');

const AUTOMATIC = 'the automatic learner (--lags with no model flags)';

/** The learner of a record in words. */
function learnerWords(record: RunRecord): string {
  const network = record.network;
  return network === undefined
    ? AUTOMATIC
    : `one network (hidden layers ${hiddenLayersWords(network)})`;
}

/** `--lags` and `--horizon` in words. */
function lagWords(lags: { readonly k: number; readonly horizon: number } | undefined): string {
  return lags === undefined ? 'none' : `${lags.k} lags, horizon ${lags.horizon}`;
}

/** The hidden layers of a record's network, as `--layers` and `--activation` give them. */
export function hiddenLayersWords(network: NonNullable<RunRecord['network']>): string {
  const hidden = network.layers.slice(0, -1);
  if (hidden.length === 0) return 'none';
  return hidden.map((l) => `${l.units} ${l.activation}`).join(', ');
}

/**
 * What differs between the record of a checkpoint and this run's, one line per difference,
 * each naming both sides (`source: the checkpoint's is csv:/a.csv, this run's csv:/b.csv`);
 * empty when they agree. Of the network, only what this run knows before its first sample is
 * compared: the hidden layers' sizes and activation when `--layers` or `--activation` were
 * given (what is not given is taken from the checkpoint), and the inputs and outputs when the
 * source tells them (a CSV file's columns).
 *
 * @example
 * ```ts
 * import { recordDifferences } from './runRecord.js';
 * declare const saved: import('./runRecord.js').RunRecord;
 * for (const line of recordDifferences(saved, { source: saved.source, layers: [64] })) console.log(line);
 * ```
 */
export function recordDifferences(
  saved: RunRecord,
  current: {
    readonly source: RunSource;
    /** The hidden layer sizes `--layers` gives, if given. */
    readonly layers?: readonly number[];
    /** The activation `--activation` gives, if given. */
    readonly activation?: string;
    readonly inputs?: number;
    readonly outputs?: number;
    /** `--lags K --horizon H`, if given. */
    readonly lags?: { readonly k: number; readonly horizon: number };
    /** Whether this run uses the automatic learner. */
    readonly automatic?: boolean;
  },
): string[] {
  const lines: string[] = [];
  const differ = (what: string, theirs: string, ours: string): void => {
    if (theirs !== ours) lines.push(`${what}: the checkpoint's is ${theirs}, this run's ${ours}`);
  };
  const a = saved.source;
  const b = current.source;
  differ('source', sourceWords(a), sourceWords(b));
  if (a.kind === 'csv' && b.kind === 'csv' && a.path === b.path) {
    differ('input columns (--x)', list(a.x), list(b.x));
    differ('target column (--y)', a.y, b.y);
    differ('time column', a.t ?? 'none', b.t ?? 'none');
    differ('key column', a.key ?? 'none', b.key ?? 'none');
    differ('delimiter', JSON.stringify(a.delimiter), JSON.stringify(b.delimiter));
  }
  // A record made before lags were recorded does not say: the shape check still applies.
  if (saved.lags !== undefined || current.lags === undefined) {
    differ('lag windows (--lags, --horizon)', lagWords(saved.lags), lagWords(current.lags));
  }
  const network = saved.network;
  if (network === undefined || current.automatic) {
    differ('learner', learnerWords(saved), current.automatic ? AUTOMATIC : 'one network');
    return lines;
  }
  const savedHidden = network.layers.slice(0, -1);
  const units = current.layers ?? savedHidden.map((l) => l.units);
  const hidden = units.map((n, i) => ({
    units: n,
    activation:
      current.activation ?? savedHidden[i]?.activation ?? savedHidden[0]?.activation ?? '?',
  }));
  differ(
    'hidden layers (--layers, --activation)',
    hiddenLayersWords(network),
    hiddenLayersWords({ ...network, layers: [...hidden, { units: 1, activation: '' }] }),
  );
  if (current.inputs !== undefined) {
    differ('network inputs', String(network.inputs), String(current.inputs));
  }
  if (current.outputs !== undefined) {
    differ('network outputs', String(network.outputs), String(current.outputs));
  }
  return lines;
}
