import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { PROTOCOL_NAME } from './protocol.js';

/** What the request checks need from the options of `serve`. */
export interface AuthorizeOptions {
  /** The address the server listens on, as configured (`127.0.0.1`, `0.0.0.0`, a name). */
  readonly host: string;
  readonly token: string | undefined;
  readonly producerToken: string | undefined;
  /** Origins allowed besides the server's own (`*`: any). */
  readonly allowOrigins: readonly string[] | undefined;
  /** Host names allowed besides the bound address and the loopback names (`*`: any). */
  readonly allowHosts: readonly string[] | undefined;
}

/** @internal The verdict on an upgrade request. */
export type Verdict =
  | { readonly ok: true; readonly producer: boolean }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/**
 * @internal Checks an HTTP upgrade request: its `Host` (see {@link hostAllowed}), its `Origin`
 * (see {@link originAllowed}), then the token, from `Authorization: Bearer <token>` or from a
 * `token.<token>` entry of `Sec-WebSocket-Protocol`. Without a `token` option anyone who passes
 * the first two checks may connect; the `producerToken` also admits, and makes a producer. A
 * foreign `Host` or `Origin` is refused (403) whatever token comes with it.
 */
export function authorize(request: IncomingMessage, options: AuthorizeOptions): Verdict {
  if (!hostAllowed(request, options)) {
    return { ok: false, status: 403, reason: 'host not allowed' };
  }
  if (!originAllowed(request, options)) {
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

/**
 * @internal Whether the `Host` a request names may reach this server — the defence against DNS
 * rebinding, where a page of a name its owner points at 127.0.0.1 reaches the server with that
 * name as `Host`. Allowed: no `Host` (HTTP/1.0 programs); the address the server is bound to
 * (its `host` option); the loopback names (`localhost`, `*.localhost`, `127.x.x.x`, `::1`); any
 * IP address when bound to all interfaces (`0.0.0.0`, `::`: an address is no name a page can
 * rebind); and the names of `allowHosts` (`*`: any). The port is not compared.
 */
export function hostAllowed(
  request: IncomingMessage,
  options: Pick<AuthorizeOptions, 'host' | 'allowHosts'>,
): boolean {
  const header = request.headers.host;
  if (header === undefined) return true;
  const name = hostName(header);
  if (name === undefined) return false;
  const allowHosts = options.allowHosts ?? [];
  if (allowHosts.includes('*') || allowHosts.some((h) => h.toLowerCase() === name)) return true;
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1') return true;
  if (isIP(name) === 4 && name.startsWith('127.')) return true;
  const bound = options.host.toLowerCase().replace(/^\[|\]$/g, '');
  if (name === bound) return true;
  return (bound === '0.0.0.0' || bound === '::') && isIP(name) !== 0;
}

/**
 * @internal Whether the `Origin` of a request is allowed — the defence against cross-site
 * WebSocket hijacking, where a page of any site the user visits opens the socket. A request
 * without `Origin` (a program) passes; a browser's `Origin` passes when it is the server's own
 * (`http://` or `https://` and the `Host` the request was sent to, which {@link hostAllowed}
 * has checked) or one of `allowOrigins` (`*`: any). `null` (a sandboxed page, a file) is
 * foreign unless allowed.
 */
export function originAllowed(
  request: IncomingMessage,
  options: Pick<AuthorizeOptions, 'allowOrigins'>,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const allowOrigins = options.allowOrigins ?? [];
  const wanted = origin.toLowerCase().replace(/\/$/, '');
  if (allowOrigins.includes('*')) return true;
  if (allowOrigins.some((o) => o.toLowerCase().replace(/\/$/, '') === wanted)) return true;
  const host = request.headers.host?.toLowerCase();
  return host !== undefined && (wanted === `http://${host}` || wanted === `https://${host}`);
}

/** The host name of a `Host` header, lower case, without port or IPv6 brackets. */
function hostName(header: string): string | undefined {
  if (!/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(header)) return undefined;
  try {
    const name = new URL(`http://${header}`).hostname.toLowerCase();
    return name.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
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
