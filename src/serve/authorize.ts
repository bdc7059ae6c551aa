import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PROTOCOL_NAME } from './protocol.js';

/** What the upgrade check needs from the options of `serve`. */
export interface AuthorizeOptions {
  readonly token: string | undefined;
  readonly producerToken: string | undefined;
  readonly allowOrigins: readonly string[] | undefined;
}

/** @internal The verdict on an upgrade request. */
export type Verdict =
  | { readonly ok: true; readonly producer: boolean }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/**
 * @internal Checks an HTTP upgrade request: its `Origin` (when an allow-list is given; a
 * request without `Origin`, from a program, passes), then the token, from `Authorization:
 * Bearer <token>` or from a `token.<token>` entry of `Sec-WebSocket-Protocol`. Without a
 * `token` option anyone may connect; the `producerToken` also admits, and makes a producer.
 */
export function authorize(request: IncomingMessage, options: AuthorizeOptions): Verdict {
  const origin = request.headers.origin;
  if (
    options.allowOrigins !== undefined &&
    origin !== undefined &&
    !options.allowOrigins.includes(origin)
  ) {
    return { ok: false, status: 403, reason: 'origin not allowed' };
  }
  const presented = presentedToken(request);
  const producer = options.producerToken !== undefined && same(presented, options.producerToken);
  if (producer) return { ok: true, producer: true };
  if (options.token === undefined) return { ok: true, producer: false };
  if (presented === undefined) return { ok: false, status: 401, reason: 'token required' };
  if (!same(presented, options.token)) return { ok: false, status: 401, reason: 'invalid token' };
  return { ok: true, producer: false };
}

/** The token of a request: the Bearer token, else the first `token.` subprotocol. */
function presentedToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match !== null) return match[1];
  }
  for (const protocol of subprotocols(request)) {
    if (protocol.startsWith('token.')) return protocol.slice('token.'.length);
  }
  return undefined;
}

/** @internal The subprotocols a request offers, trimmed. */
export function subprotocols(request: IncomingMessage): string[] {
  const header = request.headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** @internal The subprotocol the server selects: {@link PROTOCOL_NAME} when offered, else none. */
export function selectProtocol(offered: Set<string>): string | false {
  return offered.has(PROTOCOL_NAME) ? PROTOCOL_NAME : false;
}

/** Compares two tokens in constant time (by their SHA-256, so lengths do not leak either). */
function same(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
