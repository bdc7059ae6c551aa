import type { Observable } from 'rxjs';
import type { Sample } from '../samples/sample.js';
import type { ServeStats } from './serveStats.js';

/**
 * A running `serve()` server.
 *
 * @example
 * ```ts
 * import { serve } from 'streamprop/serve';
 * import { EMPTY } from 'rxjs';
 * const server = await serve(EMPTY);
 * console.log(server.url, server.wsUrl, server.clientCount);
 * await server.close();
 * ```
 */
export interface DashboardServer {
  /** The dashboard page, such as `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The WebSocket endpoint, such as `ws://127.0.0.1:41234/ws`. */
  readonly wsUrl: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The samples producer clients sent (hot; completes when the server closes). */
  readonly samples: Observable<Sample>;
  /** The number of clients connected now. */
  readonly clientCount: number;
  /** Counters since the start. */
  stats(): ServeStats;
  /** Stops the learner's subscription, closes every client (1001; terminated after 0.5 s) and the server. */
  close(): Promise<void>;
}
