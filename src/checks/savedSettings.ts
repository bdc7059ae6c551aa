import { z } from 'zod';
import { describeValue } from './describeValue.js';

/**
 * The schema of the settings a part saved with its state, which must be this part's own — a
 * controller's options, a detector's settings, an optimizer's hyper-parameters: a state saved
 * with others is refused, naming the setting and both values, such as
 * `boldDriver.restore: options.window: saved with 100, this controller has 5000; make it with the saved settings`.
 *
 * @param settings - this part's settings.
 * @param part - what the part is, for the message (`controller`, `detector`, `optimizer`).
 *
 * @example
 * ```ts
 * import { savedSettingsSchema } from './savedSettings.js';
 * savedSettingsSchema({ window: 5000, rollback: false }, 'controller').parse({ window: 5000, rollback: false });
 * ```
 */
export function savedSettingsSchema(
  settings: Readonly<Record<string, number | boolean>>,
  part: string,
): z.ZodObject<Record<string, z.ZodLiteral<number | boolean>>> {
  const shape: Record<string, z.ZodLiteral<number | boolean>> = {};
  for (const [key, value] of Object.entries(settings)) {
    shape[key] = z.literal(value, {
      error: (issue) =>
        `saved with ${describeValue(issue.input)}, this ${part} has ${describeValue(value)}; make it with the saved settings`,
    });
  }
  return z.object(shape);
}

/**
 * The schema of the name a part saved with its state, which must be this part's `name`: the
 * state of another kind of part is refused, such as
 * `adam.restore: name: the state of "sgd", not of adam`.
 *
 * @example
 * ```ts
 * import { savedNameSchema } from './savedSettings.js';
 * savedNameSchema('adam').parse('adam');
 * ```
 */
export function savedNameSchema(name: string): z.ZodLiteral<string> {
  return z.literal(name, {
    error: (issue) => `the state of ${describeValue(issue.input)}, not of ${name}`,
  });
}
