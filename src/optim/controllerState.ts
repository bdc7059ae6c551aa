import { z } from 'zod';
import { savedNameSchema, savedSettingsSchema } from '../checks/savedSettings.js';

/**
 * @internal The schema of the saved state of the built-in controller `name` made with `options`:
 * the same name, the very options it was made with (a state saved with others is refused,
 * naming the option) and `values` as `values` describes them. Its `restore` reads the state
 * with it, and a checkpoint reads a saved controller with it.
 *
 * @example
 * ```ts
 * const schema = controllerStateSchema('halve', { every: 10 }, { count: z.number().int() });
 * ```
 */
export function controllerStateSchema<V extends z.ZodRawShape>(
  name: string,
  options: Readonly<Record<string, number | boolean>>,
  values: V,
) {
  return z.object({
    name: savedNameSchema(name),
    options: savedSettingsSchema(options, 'controller'),
    values: z.object(values),
  });
}
