import { Option } from 'commander';
import { z } from 'zod';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * The schemas of the dashboard's flags, shared by `streamprop run` and `streamprop serve
 * --redis`: `--host`, `--port`, `--token`, `--allow-origin` and `--allow-host` (repeatable),
 * each problem a message for the flag.
 *
 * @example
 * ```ts
 * import { Option } from 'commander';
import { z } from 'zod';
 * import { SERVE_FLAGS } from './serveFlags.js';
 * z.object(SERVE_FLAGS).parse({ host: '127.0.0.1', port: '0' }); // port: 0, no origins
 * ```
 */
export const SERVE_FLAGS = {
  host: z.string().trim().min(1, 'must name a host'),
  port: z
    .string()
    .trim()
    .regex(NUMBER, 'must be a number')
    .transform(Number)
    .pipe(
      z
        .number()
        .int('must be an integer')
        .min(0, 'must be at least 0')
        .max(65_535, 'must be at most 65535'),
    ),
  token: z
    .string()
    .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters, no spaces')
    .optional(),
  allowOrigin: z
    .array(
      z
        .string()
        .trim()
        .regex(
          /^(\*|null|https?:\/\/[^/\s]+)$/i,
          'must be an origin such as http://localhost:3000 (scheme, host and port), null or *',
        ),
    )
    .default([]),
  allowHost: z
    .array(
      z
        .string()
        .trim()
        .regex(/^(\*|[a-z0-9.-]+|\[[0-9a-f:.]+\])$/i, 'must be a host name such as dash.lan, or *'),
    )
    .default([]),
};

/** Collects the values of a repeatable option. */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * The dashboard's flags as the command line declares them, for `streamprop run` and `streamprop
 * serve --redis` alike (their values are then checked with {@link SERVE_FLAGS}).
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { dashboardOptions } from './serveFlags.js';
 * const command = new Command('serve');
 * for (const option of dashboardOptions()) command.addOption(option);
 * ```
 */
export function dashboardOptions(): Option[] {
  return [
    new Option('--host <host>', 'address the dashboard listens on').default('127.0.0.1'),
    new Option('--port <n>', 'port of the dashboard (0: any free one)').default('8080'),
    new Option('--token <t>', 'require this token from dashboard and WebSocket clients'),
    new Option(
      '--allow-origin <origin>',
      "let pages of this origin open the dashboard's socket (repeatable; default: its own only)",
    )
      .argParser(collect)
      .default([]),
    new Option(
      '--allow-host <name>',
      'accept requests that name this host (repeatable; default: the bound address and localhost)',
    )
      .argParser(collect)
      .default([]),
  ];
}
