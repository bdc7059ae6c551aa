/**
 * What the command says when the dashboard cannot listen: a taken port is named with the way out
 * (`--port`, `--port 0` for any free one, and `alsoTry` when given); an address that cannot be
 * used names `--host` and `--port`; any other error is returned as it is.
 *
 * @param alsoTry Another way out to offer for a taken port, such as `--no-serve`.
 *
 * @example
 * ```ts
 * import { dashboardListenError } from './dashboardListenError.js';
 * const taken = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
 * dashboardListenError(taken, { host: '127.0.0.1', port: 8080 }).message;
 * // 'port 8080 of 127.0.0.1 is taken: give another with --port, or --port 0 for any free one'
 * ```
 */
export function dashboardListenError(
  error: unknown,
  where: { readonly host: string; readonly port: number },
  alsoTry?: string,
): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    const also = alsoTry === undefined ? '' : ` (or ${alsoTry})`;
    return new Error(
      `port ${where.port} of ${where.host} is taken: give another with --port, or --port 0 for any free one${also}`,
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
    return new Error(
      `cannot serve the dashboard on ${where.host}:${where.port} (${code}): check --host and --port`,
    );
  }
  return error;
}
