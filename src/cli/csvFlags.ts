import { z } from 'zod';

/**
 * The schemas of the flags that say how to read a CSV source, shared by `streamprop run` and
 * `streamprop predict`: `--x` (input column names, comma-separated), `--delimiter` (one
 * character, or `tab`) and `--no-header` (`header: false`), each problem a message for the flag.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { CSV_FLAGS } from './csvFlags.js';
 * z.object(CSV_FLAGS).parse({ x: 'temp, humidity', delimiter: 'tab' });
 * // { x: ['temp', 'humidity'], delimiter: '\t', header: true }
 * ```
 */
export const CSV_FLAGS = {
  x: z
    .string()
    .transform((text) => text.split(',').map((name) => name.trim()))
    .pipe(z.array(z.string().min(1, 'must name columns, comma-separated, as temp,humidity')))
    .optional(),
  delimiter: z
    .string()
    .transform((text) => (text === 'tab' || text === '\\t' ? '\t' : text))
    .pipe(z.string().length(1, 'must be one character, or tab, as ; or tab'))
    .optional(),
  header: z.boolean().default(true),
};
