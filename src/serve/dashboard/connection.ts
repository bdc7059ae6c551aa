import { type BackoffOptions, reconnectDelay } from './backoff.js';
import type { SocketAddress } from './socketAddress.js';

/**
 * Where the connection stands: opening a socket, open, waiting to retry after a close, or
 * stopped for good (by {@link Connection.stop}).
 */
export type ConnectionPhase = 'connecting' | 'open' | 'waiting' | 'stopped';

/** What a {@link Connection} reports. */
export interface ConnectionStatus {
  readonly phase: ConnectionPhase;
  /** Retries since the last connection that got a message through. */
  readonly attempt: number;
  /** When `waiting`: the `Date.now()` of the next try. */
  readonly retryAt?: number;
  /** The last close: code and reason (1006 when the socket could not open, e.g. on 401). */
  readonly lastClose?: { readonly code: number; readonly reason: string };
}

/** Callbacks of a {@link Connection}. */
export interface ConnectionHandlers {
  /** A text frame arrived. */
  readonly onMessage: (text: string) => void;
  /** The status changed. */
  readonly onStatus: (status: ConnectionStatus) => void;
  /** The socket opened: send the subscription. */
  readonly onOpen: (send: (text: string) => void) => void;
}

/**
 * A WebSocket that comes back: it opens `address` with its subprotocols and, whenever the
 * socket closes or fails to open, tries again after an exponential backoff with jitter,
 * capped (see {@link reconnectDelay}). The backoff starts over once a message has arrived on
 * a connection, so a server that accepts and at once hangs up is retried ever more slowly.
 *
 * @example
 * ```ts
 * const c = new Connection(socketAddress(location.href), {
 *   onOpen: (send) => send(JSON.stringify({ type: 'subscribe', topics: ['metrics'] })),
 *   onMessage: (text) => console.log(text),
 *   onStatus: (s) => console.log(s.phase),
 * });
 * c.start();
 * ```
 */
export class Connection {
  private socket: WebSocket | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private attempt = 0;
  private lastClose: ConnectionStatus['lastClose'] = undefined;
  private stopped = false;

  constructor(
    private readonly address: SocketAddress,
    private readonly handlers: ConnectionHandlers,
    private readonly backoff: BackoffOptions = {},
  ) {}

  /** Opens the first socket. */
  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Closes the socket and stops retrying. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, 'page closed');
    this.socket = undefined;
    this.report('stopped');
  }

  private open(): void {
    this.report('connecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.address.url, [...this.address.protocols]);
    } catch (error) {
      // A token that is not a valid subprotocol name: retrying cannot help.
      this.lastClose = { code: 0, reason: String(error) };
      this.stopped = true;
      this.report('stopped');
      return;
    }
    this.socket = socket;
    let heard = false;
    socket.onopen = () => {
      this.report('open');
      this.handlers.onOpen((text) => socket.send(text));
    };
    socket.onmessage = (event: MessageEvent) => {
      if (!heard) {
        heard = true;
        this.attempt = 0;
      }
      if (typeof event.data === 'string') this.handlers.onMessage(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.lastClose = { code: event.code, reason: event.reason };
      if (this.stopped) return;
      const delay = reconnectDelay(this.attempt, this.backoff);
      this.attempt++;
      this.timer = setTimeout(() => this.open(), delay);
      this.report('waiting', Date.now() + delay);
    };
  }

  private report(phase: ConnectionPhase, retryAt?: number): void {
    this.handlers.onStatus({
      phase,
      attempt: this.attempt,
      ...(retryAt === undefined ? {} : { retryAt }),
      ...(this.lastClose === undefined ? {} : { lastClose: this.lastClose }),
    });
  }
}
