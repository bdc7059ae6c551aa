import type { IncomingMessage } from 'node:http';

/** @internal The path of a request's URL (`''` when it cannot be parsed). */
export function requestPath(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
