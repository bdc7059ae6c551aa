import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { type AuthorizeOptions, hostAllowed } from './authorize.js';
import type { DashboardAsset } from './dashboardAssets.js';
import { requestPath } from './requestPath.js';

/**
 * @internal The HTTP side of the socket server: the dashboard page and its files (GET and HEAD),
 * 403 for a `Host` that is not allowed, 426 at `/ws` without an upgrade, 404 and 405 otherwise.
 */
export function pageHandler(
  config: AuthorizeOptions,
  assets: ReadonlyMap<string, DashboardAsset>,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (!hostAllowed(request, config)) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('403 Forbidden: host not allowed\n');
      return;
    }
    const path = requestPath(request);
    const asset = assets.get(path);
    const method = request.method ?? 'GET';
    if (asset === undefined || (method !== 'GET' && method !== 'HEAD')) {
      const status = path === '/ws' ? 426 : asset === undefined ? 404 : 405;
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${status} ${STATUS_CODES[status]}\n`);
      return;
    }
    response.writeHead(200, {
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    response.end(method === 'HEAD' ? undefined : asset.body);
  };
}
