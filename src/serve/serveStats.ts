/**
 * Counters of a running server, for monitoring and tests.
 *
 * @example
 * ```ts
 * import { serve } from 'streamprop/serve';
 * import { EMPTY } from 'rxjs';
 * const server = await serve(EMPTY);
 * const { clients, steps, slowClientsDropped } = server.stats();
 * console.log(clients, steps, slowClientsDropped); // 0 0 0
 * await server.close();
 * ```
 */
export interface ServeStats {
  /** Clients connected now. */
  readonly clients: number;
  /** Steps received from the learner. */
  readonly steps: number;
  /** Clients closed because their `bufferedAmount` stayed over the limit. */
  readonly slowClientsDropped: number;
  /** Clients terminated because they missed a pong. */
  readonly deadPeersTerminated: number;
  /** Clients closed with 1008 after repeated bad messages. */
  readonly offendersClosed: number;
  /** Samples from producers handed to the learner. */
  readonly samplesIngested: number;
  /**
   * Messages from producers that were not valid samples: each is answered with an
   * `invalid-sample` error frame and handed to the learner as a malformed sample (see
   * `Sample.malformed`), which `train(…, { onInvalid: 'skip' })` rejects and the metrics count
   * under `rejectedByReason.malformed`.
   */
  readonly samplesInvalid: number;
  /** Samples from producers dropped: past twice the ingest queue's bounds, or queued at close. */
  readonly samplesDropped: number;
  /** Samples from producers queued for the learner now. */
  readonly samplesQueued: number;
  /** Times the producer sockets were paused because the ingest queue was full. */
  readonly producerPauses: number;
  /** The sum of every client socket's `bufferedAmount` now, in bytes. */
  readonly bufferedBytes: number;
}
