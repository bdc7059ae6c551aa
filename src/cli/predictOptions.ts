import { z } from 'zod';
import { CSV_FLAGS } from './csvFlags.js';
import { didYouMean } from './nearestName.js';
import { parseSourceSpec } from './sourceSpec.js';

/** The output formats of `streamprop predict`. */
export const PREDICT_FORMATS = ['ndjson', 'csv'] as const;

/** The options of `streamprop predict`, checked. */
export interface PredictOptions {
  /** The model file or checkpoint. */
  readonly model: string;
  /** Where the samples come from: a CSV or NDJSON file, or NDJSON on standard input. */
  readonly source:
    | { readonly kind: 'csv'; readonly path: string }
    | { readonly kind: 'ndjson'; readonly path: string | undefined };
  readonly format: (typeof PREDICT_FORMATS)[number];
  /** The input columns of a CSV source (default: those the checkpoint records). */
  readonly x?: readonly string[];
  readonly delimiter?: string;
  readonly header: boolean;
}

const schema = z
  .object({
    model: z.string({ error: 'is required' }).min(1, 'must name a file'),
    source: z
      .string()
      .default('ndjson:-')
      .transform((text, ctx): PredictOptions['source'] => {
        const spec = parseSourceSpec(text.trim());
        if (typeof spec === 'string' || (spec.kind !== 'csv' && spec.kind !== 'ndjson')) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be csv:FILE, ndjson:FILE or ndjson:- (standard input)',
          });
          return z.NEVER;
        }
        return spec;
      }),
    format: z.enum(PREDICT_FORMATS, { error: `must be one of ${PREDICT_FORMATS.join(', ')}` }),
    ...CSV_FLAGS,
  })
  .refine((o) => o.source.kind === 'csv' || (o.x === undefined && o.delimiter === undefined), {
    message: 'is for a CSV source: give it with --source csv:FILE',
    path: ['x'],
  });

/**
 * Checks the options of `streamprop predict`.
 *
 * @returns the options, or one line per problem, each naming the flag.
 *
 * @example
 * ```ts
 * import { parsePredictOptions } from './predictOptions.js';
 * parsePredictOptions({ model: 'run.ckpt', source: 'csv:new.csv', format: 'csv', header: true });
 * ```
 */
export function parsePredictOptions(raw: Record<string, unknown>): PredictOptions | string[] {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  return result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    const flag = name === 'header' ? '--no-header' : `--${name}`;
    const given = raw[name];
    const got = typeof given === 'string' ? ` (got "${given}")` : '';
    const hint =
      issue.code === 'invalid_value' && typeof given === 'string'
        ? didYouMean(given, issue.values.map(String))
        : '';
    return `${flag}: ${issue.message}${got}${hint}`;
  });
}
