/** Where and how the page opens its WebSocket. */
export interface SocketAddress {
  /** `ws://host/ws` (or `wss://` when the page came over https). */
  readonly url: string;
  /** The subprotocols to offer: `streamprop.v1`, then `token.<t>` when the page has `?token=t`. */
  readonly protocols: readonly string[];
}

/**
 * The WebSocket address of the server that served the page: `/ws` next to the page's own
 * path, with the page's `?token=` (if any) offered as the subprotocol `token.<t>` — browsers
 * cannot set an `Authorization` header, so the server reads the token from the list.
 *
 * @param href The page's address (`location.href`).
 *
 * @example
 * ```ts
 * socketAddress('http://127.0.0.1:8080/?token=abc');
 * // { url: 'ws://127.0.0.1:8080/ws', protocols: ['streamprop.v1', 'token.abc'] }
 * ```
 */
export function socketAddress(href: string): SocketAddress {
  const page = new URL(href);
  const url = new URL('ws', page);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  const token = page.searchParams.get('token');
  const protocols = ['streamprop.v1'];
  if (token !== null && token !== '') protocols.push(`token.${token}`);
  return { url: url.href, protocols };
}
